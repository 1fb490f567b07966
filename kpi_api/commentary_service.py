"""Staff commentary for the faces: what a write is checked against (a published revision,
its indicator or goal, a known area, a period of the indicator's frequency, the text's
rules) and what a read or a page shows as of a day.

A day is a day in Denmark: `asOf` 2026-12-02 shows what was written before midnight
between the 2nd and the 3rd in Copenhagen, whatever the server's clock zone, so the same
URL shows the same commentary wherever it is served.
"""

import datetime
import zoneinfo

import attrs

from kpi_api.catalogue import Catalogue
from kpi_api.http.quoting import quoted, shortened
from kpi_core import Frequency, Indicator, PeriodError, Revision, Strategy, UnknownArea, parse_period
from kpi_core import commentary as c

DAYS_IN = zoneinfo.ZoneInfo("Europe/Copenhagen")


class CommentaryInput(ValueError):
    """An argument a commentary cannot be written or read with: the argument, and why."""

    def __init__(self, message: str, argument: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.argument, self.code = argument, code


@attrs.frozen
class CommentedOn:
    """What a commentary is written on, checked: the subject and the indicator whose
    frequency its periods have (a goal's: its key figure)."""

    subject: c.Subject
    indicator: Indicator


def before(as_of: datetime.date | None) -> datetime.datetime | None:
    """The first moment after `as_of` (in Denmark); None: no limit."""
    if as_of is None:
        return None
    return datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time(), DAYS_IN)


def revision_of(catalogue: Catalogue, strategy_id: str, version: str) -> tuple[Strategy, Revision]:
    strategy = catalogue.strategy(strategy_id)
    if strategy is None:
        known = ", ".join(s.id for s in catalogue.strategies)
        raise CommentaryInput(
            f"There is no strategy {quoted(strategy_id)}; there are: {known}.", "strategyId", "NOT_FOUND"
        )
    revision = strategy.revision(version)
    if revision is None:
        published = ", ".join(r.version for r in strategy.revisions)
        raise CommentaryInput(
            f"{strategy.id} has no published revision {quoted(version)}; it has {published}.",
            "version",
            "NOT_FOUND",
        )
    return strategy, revision


def indicator_target(catalogue: Catalogue, strategy_id: str, version: str, indicator_id: str) -> CommentedOn:
    strategy, revision = revision_of(catalogue, strategy_id, version)
    indicator = revision.indicator(indicator_id)
    if indicator is None:
        raise CommentaryInput(
            f"Revision {revision.version} of {strategy.id} has no indicator {quoted(indicator_id)} "
            "(ids look like 2.1, 1.5b, O1).",
            "indicatorId",
            "NOT_FOUND",
        )
    return CommentedOn(
        c.Subject(strategy.id, revision.version, c.SubjectKind.INDICATOR, indicator.id), indicator
    )


def goal_target(catalogue: Catalogue, strategy_id: str, version: str, goal_id: str) -> CommentedOn:
    strategy, revision = revision_of(catalogue, strategy_id, version)
    focus = next((f for f in revision.focus_areas if f.goal.id == goal_id), None)
    if focus is None:
        goals = ", ".join(f.goal.id for f in revision.focus_areas)
        raise CommentaryInput(
            f"Revision {revision.version} of {strategy.id} has no goal {quoted(goal_id)}; it has {goals}.",
            "goalId",
            "NOT_FOUND",
        )
    key_figure = revision.indicator(focus.key_figure)
    assert key_figure is not None  # a revision is built only with its key figures (kpi_core.strategy)
    return CommentedOn(c.Subject(strategy.id, revision.version, c.SubjectKind.GOAL, goal_id), key_figure)


def checked_area(catalogue: Catalogue, area: str) -> str:
    try:
        catalogue.areas.require(area)
    except UnknownArea as exc:
        raise CommentaryInput(shortened(str(exc), area), "area") from None
    return area


_WRITTEN = {
    Frequency.YEARLY: "yearly (write a year, YYYY)",
    Frequency.QUARTERLY: "quarterly (write a quarter, YYYYQn)",
    Frequency.MONTHLY: "monthly (write a month, YYYY-MM)",
}


def checked_period(target: CommentedOn, period: str) -> str:
    """The period in its canonical form, of the kind the indicator is published in (any
    kind where the catalogue declares no frequency)."""
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise CommentaryInput(shortened(str(exc), period), "period") from None
    frequency = target.indicator.frequency
    if frequency is not None and parsed.kind is not frequency.period_kind:
        whose = "its key figure" if target.subject.kind is c.SubjectKind.GOAL else "indicator"
        raise CommentaryInput(
            f"{quoted(period)} is a {parsed.kind.value}, but {whose} {target.indicator.id} is published "
            f"{_WRITTEN[frequency]}",
            "period",
        )
    return str(parsed)


def checked_text(text: str) -> str:
    try:
        return c.check_text(text)
    except c.CommentaryError as exc:
        raise CommentaryInput(str(exc), "text") from None


def current(
    store, target: CommentedOn, area: str, period: str | None, as_of: datetime.date | None
) -> list[c.Commentary]:
    """The commentaries on the target for the area (and period) as they stood at the end of `as_of`."""
    cutoff = before(as_of)
    return c.as_of(store.versions_about(target.subject, area, period, cutoff), cutoff)


def latest_on_page(
    store, strategy_id: str, version: str, area: str, as_of: datetime.date | None
) -> dict[tuple[c.SubjectKind, str], c.Commentary]:
    """For a page: the newest commentary on each indicator and goal of a revision for an
    area, of any period, as it stood at the end of `as_of` (one store query)."""
    cutoff = before(as_of)
    shown: dict[tuple[c.SubjectKind, str], c.Commentary] = {}
    for found in c.as_of(store.versions_for_area(strategy_id, version, area, cutoff), cutoff):
        shown.setdefault((found.latest.subject.kind, found.latest.subject.id), found)  # newest first
    return shown
