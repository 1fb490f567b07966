"""Per-request DataLoaders: every status asked for in one request is answered by one
batched call into the status service (a fixed number of store queries). They return core
evaluations; the field wraps them."""

import datetime

from graphql import GraphQLError
from strawberry.dataloader import DataLoader

import kpi_core as core
from kpi_api.graphql.work import in_pool
from kpi_api.http.quoting import shortened
from kpi_api.status_service import StatusRequest, evaluate_many

StatusKey = tuple  # (strategy id, version, indicator id, area, period, as_of, periods to choose among)


def status_loader(catalogue, repository, stored=None) -> DataLoader:
    async def load(keys: list[StatusKey]) -> list[core.Evaluation]:
        requests = []
        for strategy_id, version, indicator_id, area, period, as_of, within in keys:
            indicator = catalogue.strategy(strategy_id).revision(version).indicator(indicator_id)
            requests.append(StatusRequest(indicator, area, period, as_of, within, (strategy_id, version)))
        # The store is synchronous; keep the event loop free while it works.
        return await in_pool(evaluate_many, requests, repository, catalogue.areas, stored)

    return DataLoader(load_fn=load)


async def load_status(
    info,
    strategy,
    revision,
    indicator_id: str,
    area: str,
    period,
    as_of: datetime.date | None,
    within: tuple[str, ...] | None = None,
) -> core.Evaluation:
    """The status as the revision's judgement basis says: `as_of` and `within` (the
    periods to choose the latest among) come from `kpi_core.judgement_basis`."""
    catalogue = info.context["catalogue"]
    try:
        catalogue.areas.require(area)
    except core.UnknownArea as exc:
        raise GraphQLError(
            shortened(str(exc), area), extensions={"code": "BAD_USER_INPUT", "argument": "area"}
        ) from None
    if period is not None:
        try:
            period = str(core.parse_period(period))
        except core.PeriodError as exc:
            raise GraphQLError(
                shortened(str(exc), period), extensions={"code": "BAD_USER_INPUT", "argument": "period"}
            ) from None
    key = (strategy.id, revision.version, indicator_id, area, period, as_of, within)
    return await info.context["status_loader"].load(key)
