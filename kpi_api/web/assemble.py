"""Build the web view models from the catalogue and the store."""

import datetime
from collections.abc import Callable

from kpi_api.catalogue import Catalogue
from kpi_api.http.quoting import quoted, shortened
from kpi_api.series_service import rank_reference, series
from kpi_api.status_service import StatusRequest, evaluate_many
from kpi_api.web.view_models import FigureData, GoalCard, IndicatorRow, Line, StatusPage
from kpi_core import (
    BasisKind,
    Cell,
    ChangeKind,
    Evaluation,
    FocusAreaStatus,
    JudgementBasis,
    Lang,
    Parity,
    RankWithin,
    RemarkKind,
    Revision,
    Text,
    describe_target,
    judgement_basis,
    judgement_note,
    parse_period,
    revision_notice,
    target_facts,
)
from kpi_core.errors import NotFound, UnknownArea, UnknownIndicator, UnknownRevision, UnknownStrategy
from kpi_core.wording import describe_cell, describe_group

MAX_COMPARE = 5
SYNTHETIC_MARKERS = ("syntetisk", "synthetic")
# The routes answer 404 for a NotFound (kpi_core's base class: any unknown strategy,
# revision, indicator or area); its message says what and what does exist.


def pick_revision(
    catalogue: Catalogue, indicator_id: str | None, strategy_id: str | None, version: str | None, as_of
):
    """The strategy and revision a figure or page is about: as asked, else the revision
    in force (on `as_of`, else today), else the newest one that has the indicator."""
    strategies = [catalogue.strategy(strategy_id)] if strategy_id else list(catalogue.strategies)
    if strategy_id and strategies[0] is None:
        raise UnknownStrategy(
            f"There is no strategy {quoted(strategy_id)}; there are: {', '.join(s.id for s in catalogue.strategies)}."
        )
    if indicator_id:
        strategies = [s for s in strategies if any(r.indicator(indicator_id) for r in s.revisions)]
        if not strategies:
            raise UnknownIndicator(
                f"There is no indicator {quoted(indicator_id)} (ids look like 2.1, 1.5b, O1)."
            )
    strategy = strategies[0]
    if version:
        revision = strategy.revision(version)
        if revision is None:
            raise UnknownRevision(
                f"{strategy.id} has no revision {quoted(version)}; it has {', '.join(r.version for r in strategy.revisions)}."
            )
    else:
        revision = strategy.in_force(as_of or catalogue.today())
        if revision is None or (indicator_id and revision.indicator(indicator_id) is None):
            revision = next(
                r for r in reversed(strategy.revisions) if not indicator_id or r.indicator(indicator_id)
            )
    if indicator_id and revision.indicator(indicator_id) is None:
        raise UnknownIndicator(
            f"Indicator {indicator_id} is not in revision {revision.version} of {strategy.id}."
        )
    return strategy, revision


def figure_data(
    catalogue: Catalogue,
    repository,
    indicator_id: str,
    area_code: str,
    *,
    strategy_id=None,
    version=None,
    first=None,
    last=None,
    compare=(),
    as_of: datetime.date | None = None,
    lang: Lang = Lang.DA,
    stored=None,
) -> FigureData:
    area = _area(catalogue, area_code)
    for code in compare:
        if catalogue.areas.get(code) is None:
            raise NotFound(f"compare: there is no area {quoted(code)}.")
    strategy, revision = pick_revision(catalogue, indicator_id, strategy_id, version, as_of)
    indicator = revision.indicator(indicator_id)
    # The chart shows what the status is judged on: a superseded revision's figures as
    # published while it was in force (kpi_core.revision_time), unless asOf asks otherwise.
    basis = judgement_basis(strategy, revision, catalogue.today(), as_of)
    (evaluation,) = evaluate_many(
        [
            StatusRequest(
                indicator, area_code, None, basis.as_of, basis.periods, (strategy.id, revision.version)
            )
        ],
        repository,
        catalogue.areas,
        stored,
    )
    # Judged per group, there is no line in total: draw the group that decides the
    # headline (else the first group), named on its lines.
    cell, named = _drawn_group(evaluation)
    data = series(
        indicator,
        area_code,
        repository,
        catalogue.areas,
        first,
        last,
        basis.as_of,
        cell=cell,
        compare=tuple(compare[:MAX_COMPARE]),
    )
    rule = indicator.target
    # For parity the own line is the focus group's, named as the group (the title names
    # the area); its reference line is the other group's, also in words.
    own_name = (
        describe_group(rule.focus) if isinstance(rule, Parity) else Text(area.name, area.name_en or area.name)
    )
    lines = [Line("own", "own", named(own_name), area_code, data.points.periods, data.points.values)]
    lines += [
        Line(
            r.area if r.area != area_code else "group",
            "reference",
            named(r.label),
            r.area,
            r.points.periods,
            r.points.values,
        )
        for r in data.references
    ]
    drawn = {area_code, *(r.area for r in data.references)}
    lines += [
        Line(f"compare:{r.area}", "compare", r.label, r.area, r.points.periods, r.points.values)
        for r in data.compared
        if r.area not in drawn  # already on the figure as a benchmark
    ]
    if isinstance(rule, RankWithin):  # what the rank is judged against: the N-th best value
        shown = tuple(sorted({p for line in lines for p in line.periods}, key=parse_period))
        nth = rank_reference(indicator, area_code, shown, repository, catalogue.areas, basis.as_of, cell)
        if nth is not None and nth.label is not None:
            lines.append(Line("rank", "target", named(nth.label), None, nth.periods, nth.values))
    facts = target_facts(rule)
    if facts.target_values:
        shown = facts.target_values
        lines.append(
            Line(
                "target",
                "target",
                facts.target_label,
                None,
                tuple(v.period for v in shown),
                tuple(v.value for v in shown),
            )
        )
    return FigureData(
        strategy_id=strategy.id,
        revision=revision.version,
        indicator=indicator,
        area=area,
        lines=tuple(lines),
        target=describe_target(rule, indicator.unit),
        target_value=facts.value,
        evaluation=evaluation,
        sources=data.sources,
        vintage=data.vintage,
        synthetic=_synthetic(data.sources),
        lang=lang,
        basis=basis,
        revision_notes=revision_notes(revision, basis),
        strategy_name=strategy.name,
    )


def status_page(
    catalogue: Catalogue,
    repository,
    area_code: str,
    *,
    strategy_id=None,
    version=None,
    as_of: datetime.date | None = None,
    lang: Lang = Lang.DA,
    stored=None,
) -> StatusPage:
    area = _area(catalogue, area_code)
    if strategy_id is None and catalogue.strategy("ballerup-beskaeftigelsesstrategi"):
        strategy_id = "ballerup-beskaeftigelsesstrategi"  # the strategy the page is made for
    strategy, revision = pick_revision(catalogue, None, strategy_id, version, as_of)
    indicators = list(revision.indicators)
    basis = judgement_basis(strategy, revision, catalogue.today(), as_of)
    evaluations = evaluate_many(
        [
            StatusRequest(i, area_code, None, basis.as_of, basis.periods, (strategy.id, revision.version))
            for i in indicators
        ],
        repository,
        catalogue.areas,
        stored,
    )
    by_id = dict(zip((i.id for i in indicators), evaluations, strict=True))
    diff = catalogue.changes_since_previous(strategy, revision.version)
    # "Since when": from the change feed, for the status now (a replay has none to offer).
    seen = stored.statuses_since(strategy.id, revision.version, area_code) if stored and as_of is None else {}
    since = {i: day for i, (status, day) in seen.items() if by_id.get(i) and by_id[i].status.name == status}

    def row(indicator) -> IndicatorRow:
        change = diff.change_of(indicator.id) if diff else None
        replaces = change.before.id if change and change.kind is ChangeKind.REPLACED else None
        return IndicatorRow(
            indicator=indicator,
            is_key_figure=revision.is_key_figure(indicator.id),
            evaluation=by_id[indicator.id],
            change=change.kind if change else None,
            change_reason=change.reason if change else None,
            replaces=replaces,
            status_since=since.get(indicator.id),
        )

    goals = []
    for focus in revision.focus_areas:
        rows = [row(i) for i in focus.indicators]
        rows.sort(key=lambda r: not r.is_key_figure)
        judged = FocusAreaStatus(
            focus.id, focus.goal.id, by_id[focus.key_figure], tuple(by_id[i.id] for i in focus.indicators)
        )
        goals.append(
            GoalCard(
                focus.number,
                focus.name,
                focus.goal.statement,
                rows[0],
                tuple(rows),
                judged.counts,
                goal_id=focus.goal.id,
            )
        )
    dropped = tuple(
        IndicatorRow(
            indicator=c.before,
            is_key_figure=False,
            evaluation=None,
            change=c.kind,
            change_reason=c.reason,
            replaces=None,
        )
        for c in (diff.changes if diff else ())
        if c.kind is ChangeKind.REMOVED
    )
    return StatusPage(
        strategy_id=strategy.id,
        strategy_name=strategy.name,
        revision=revision.version,
        revision_title=revision.title,
        revisions=tuple(r.version for r in strategy.revisions),
        area=area,
        overall=tuple(row(i) for i in revision.overall_indicators),
        goals=tuple(goals),
        dropped=dropped,
        as_of=as_of,
        synthetic=any(b.format == "demo" for b in repository.batches()),
        lang=lang,
        basis=basis,
        revision_notes=revision_notes(revision, basis),
    )


def revision_notes(revision: Revision, basis: JudgementBasis) -> tuple[Text, ...]:
    """What a page or figure says of the revision's time: superseded (by what, from when),
    reconstructed (with the revision's own remark saying how), and which figures it is
    judged on where those are not simply the latest."""
    notes = [n for n in (revision_notice(basis.time),) if n is not None]
    if basis.time.reconstructed:
        notes += [r.text for r in revision.remarks if r.kind is RemarkKind.RECONSTRUCTED]
    if basis.kind is not BasisKind.LATEST:
        notes.append(judgement_note(basis))
    return tuple(notes)


def _drawn_group(evaluation: Evaluation) -> tuple[Cell, Callable[[Text], Text]]:
    """The cell a figure draws and how its lines are labelled: the total as they are, or
    for an indicator judged per group the deciding group (else the first), its name added."""
    rollup = evaluation.rollup
    group = (rollup.deciding or (rollup.groups[0] if rollup.groups else None)) if rollup else None
    if group is None:
        return (), lambda label: label
    name = describe_cell(group)
    return group, lambda label: Text(f"{label.da}, {name.da}", f"{label.en}, {name.en}")


def _area(catalogue: Catalogue, code: str):
    try:
        return catalogue.areas.require(code)
    except UnknownArea as exc:  # kpi_core quotes the code in full; a URL may be long
        raise NotFound(shortened(str(exc), code)) from None


def _synthetic(sources) -> bool:
    return any(marker in s.lower() for s in sources for marker in SYNTHETIC_MARKERS)
