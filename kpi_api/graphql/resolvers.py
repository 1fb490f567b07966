"""Resolvers that read figures: argument checks with clear errors, then the services
(in the work pool, since the store is synchronous). They return the services' values;
the field wraps them in its GraphQL type, so no resolver imports a type module."""

import datetime

from graphql import GraphQLError

import kpi_core as core
from kpi_api import commentary_service
from kpi_api.graphql.work import in_pool
from kpi_api.http.quoting import QUOTE_LIMIT, quoted, shortened
from kpi_api.series_service import RankingData, SeriesData, ranking, series
from kpi_api.status_service import StatusRequest, evaluate_many
from kpi_core import commentary

MAX_BREAKDOWN_FILTERS = 5


def bad_input(message: str, argument: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "argument": argument})


def not_found(what: str, id: str, argument: str = "id", formatted: bool = False) -> GraphQLError:
    """An unknown id: the field it was asked of is null, and the error says which id (a
    shortened copy of it, so a megabyte of id does not come back as a megabyte of answer).
    `what` holds `{id}` where the id goes ("There is no strategy {id}."), unless it is
    `formatted` already (a message from the core, which quotes the id itself)."""
    return GraphQLError(
        what if formatted else what.format(id=quoted(id)),
        extensions={"code": "NOT_FOUND", "argument": argument, "id": id[:QUOTE_LIMIT]},
    )


def checked_area(info, area: str, argument: str = "area") -> str:
    try:
        info.context["catalogue"].areas.require(area)
    except core.UnknownArea as exc:
        raise bad_input(shortened(str(exc), area), argument) from None
    return area


def checked_period(period: str | None, argument: str) -> str | None:
    if period is None:
        return None
    try:
        return str(core.parse_period(period))
    except core.PeriodError as exc:
        raise bad_input(shortened(str(exc), period), argument) from None


async def resolve_series(info, indicator: core.Indicator, area, first, last, as_of, breakdown) -> SeriesData:
    checked_area(info, area)
    first, last = checked_period(first, "from"), checked_period(last, "to")
    filters = breakdown or []
    if len(filters) > MAX_BREAKDOWN_FILTERS:
        raise bad_input(f"at most {MAX_BREAKDOWN_FILTERS} breakdown filters", "breakdown")
    # A dimension as `Indicator.breakdowns` shows it (the enum, AGE) or as the figures name
    # it (age): integrators copy either from an answer.
    declared = {name: d.value for d in indicator.breakdowns for name in (d.value, d.name)}
    for f in filters:
        if f.dimension not in declared:
            shown = ", ".join(f"{d.name} ({d.value})" for d in indicator.breakdowns) or "none"
            raise bad_input(
                f"indicator {indicator.id} is not broken down by {quoted(f.dimension)} (it declares: {shown})",
                "breakdown",
            )
    cell = tuple(sorted((declared[f.dimension], f.value) for f in filters))
    context = info.context
    return await in_pool(
        series, indicator, area, context["observations"], context["catalogue"].areas, first, last, as_of, cell
    )


async def resolve_ranking(
    info, strategy: core.Strategy, indicator: core.Indicator, period, among, as_of
) -> RankingData:
    areas = info.context["catalogue"].areas
    period = checked_period(period, "period")
    if among is None:
        among = core.comparison_set(indicator.target, strategy.owner, areas)
    else:
        known = areas.get(among)
        if known is None or known.kind is core.AreaKind.MUNICIPALITY:
            raise bad_input(
                f"`among` must be a region (1081–1085), a cluster or DK, not {quoted(among)}", "among"
            )
    return await in_pool(ranking, indicator, among, info.context["observations"], areas, period, as_of)


async def resolve_status_table(
    info,
    revision: core.Revision,
    kind: core.AreaKind,
    as_of: datetime.date | None,
    within: tuple[str, ...] | None = None,
    strategy_id: str | None = None,
) -> tuple[list[str], list]:
    """The areas of the kind and the table's cells, a row per area."""
    catalogue = info.context["catalogue"]
    areas = [a.code for a in catalogue.areas.of_kind(kind)]
    indicators = list(revision.indicators)
    # All of it in the pool: building thousands of requests and cells on the event loop
    # held up every other request (and happened before the pool could refuse the work).
    cells = await in_pool(
        _status_cells,
        areas,
        indicators,
        as_of,
        within,
        info.context["observations"],
        catalogue.areas,
        info.context.get("evaluations"),
        None if strategy_id is None else (strategy_id, revision.version),
    )
    return areas, cells


def _status_cells(
    areas: list[str], indicators: list, as_of, within, observations, directory, stored=None, revision=None
) -> list:
    requests = [StatusRequest(i, a, None, as_of, within, revision) for a in areas for i in indicators]
    # Stored evaluations answer with their columns alone (no judgement decoded); the
    # rest — none, once the upkeep is current — is judged here.
    keys = [r.stored_key() for r in requests]
    found = (stored.lookup_cells(k for k in keys if k is not None) if stored and revision else None) or {}
    cells: list = [None] * len(requests)
    missing = []
    for n, key in enumerate(keys):
        if key is not None and key[0] in found:
            cells[n] = list(found[key[0]])
        else:
            missing.append(n)
    for n, e in zip(
        missing, evaluate_many([requests[n] for n in missing], observations, directory), strict=True
    ):
        cells[n] = [e.period, None if e.value is None else str(e.value), e.status.name]
    width = len(indicators)
    return [cells[row * width : (row + 1) * width] for row in range(len(areas))]


async def resolve_commentary(
    info, target: commentary_service.CommentedOn, area: str, period: str | None, as_of: datetime.date | None
) -> list[commentary.Commentary]:
    """The commentaries on an indicator or a goal for an area (and a period) as of the end
    of `as_of`, newest first; a bad area or period is an error naming the argument."""
    catalogue = info.context["catalogue"]
    try:
        commentary_service.checked_area(catalogue, area)
        period = None if period is None else commentary_service.checked_period(target, period)
    except commentary_service.CommentaryInput as exc:
        raise bad_input(str(exc), exc.argument) from None
    return await in_pool(commentary_service.current, info.context["commentary"], target, area, period, as_of)
