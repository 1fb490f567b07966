"""What the web renderers draw, assembled from the core (no IO here, no HTML there).

Renderers (SVG, HTML templates, CSV, JSON) take these values and nothing else, so each
can be tested on a fixed dataset without a database.
"""

import datetime
from decimal import Decimal

import attrs

from kpi_core import Area, ChangeKind, Evaluation, Indicator, JudgementBasis, Lang, Text


@attrs.frozen
class Line:
    """One series in a figure. `role` is "own" (the area judged; for parity its focus
    group), "reference" (what the target compares with: the country, the region, the
    compared group), "compare" (an area the reader added with ?compare=) or "target" (a
    target value per period: an external target's, key "target", or a rank target's
    N-th best value of the comparison set, key "rank")."""

    key: str  # stable id: "own", "DK", "1084", "compare:101", "target", "rank"
    role: str
    label: Text
    area: str | None
    periods: tuple[str, ...]
    values: tuple[Decimal | None, ...]  # None = suppressed or missing: a gap, never zero


@attrs.frozen
class FigureData:
    strategy_id: str
    revision: str
    indicator: Indicator
    area: Area
    lines: tuple[Line, ...]  # "own" first
    target: Text  # the target in words (describe_target)
    target_value: Decimal | None  # a fixed threshold or maximum to draw as a line, else None
    evaluation: Evaluation  # the latest status, judged by this revision's rule
    sources: tuple[str, ...]  # distinct sources of the shown figures
    vintage: datetime.date | None  # the newest published date among the shown figures
    synthetic: bool  # any shown figure is labelled synthetic
    lang: Lang = Lang.DA
    basis: JudgementBasis | None = None  # which figures the revision is judged on (kpi_core.revision_time)
    revision_notes: tuple[Text, ...] = ()  # superseded, reconstructed, judged on other figures: shown
    strategy_name: Text | None = None  # as readers know it; None: shown by its id


@attrs.frozen
class IndicatorRow:
    indicator: Indicator
    is_key_figure: bool
    evaluation: Evaluation | None  # None only for an indicator dropped by this revision
    change: ChangeKind | None  # against the previous revision; None in the first
    change_reason: Text | None
    replaces: str | None  # for REPLACED: the id it replaces
    # The vintage this status holds from, where the service saw it change (the change
    # feed); None: no change seen since it began storing evaluations, or a replay (asOf).
    status_since: datetime.date | None = None


@attrs.frozen
class GoalCard:
    number: int
    focus_area: Text
    goal: Text
    key_figure: IndicatorRow
    indicators: tuple[IndicatorRow, ...]  # the key figure first
    counts: dict  # Status -> count
    goal_id: str | None = None  # what staff commentary on the goal is keyed by


@attrs.frozen
class StatusPage:
    strategy_id: str
    strategy_name: Text
    revision: str
    revision_title: Text
    revisions: tuple[str, ...]  # for the switch
    area: Area
    overall: tuple[IndicatorRow, ...]
    goals: tuple[GoalCard, ...]
    dropped: tuple[IndicatorRow, ...]  # in the previous revision, gone from this one
    as_of: datetime.date | None  # as asked for (the switch links keep it), not as judged
    synthetic: bool
    lang: Lang = Lang.DA
    basis: JudgementBasis | None = None
    revision_notes: tuple[Text, ...] = ()
