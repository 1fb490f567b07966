"""The change feed and status history as GraphQL types: what changed, when, and why.

Rows come from the stored evaluations' change table (storage/evaluation_store.py), handed
over in the context as `evaluations`; a cursor is the id of the last change seen, opaque to
clients (a decimal string today)."""

import datetime
import json

import strawberry
from graphql import GraphQLError

import kpi_core as core
from kpi_api import change_feed
from kpi_api.graphql.enums import Status
from kpi_api.graphql.work import in_pool
from kpi_api.http.quoting import quoted

MAX_CHANGES = change_feed.MAX_CHANGES  # `first` of statusChanges (its cost bound)
MAX_HISTORY = 100  # entries statusHistory answers at most: the latest ones


@strawberry.type(
    description="A status that changed: from what to what, for which revision, indicator and area, from which "
    "vintage (`asOf`: the published date of the figures that changed it, or the day of the retraction or "
    "publish), and the import batches that caused it."
)
class StatusChange:
    row: strawberry.Private[object]

    @strawberry.field(description="Its place in the feed: pass it as `after` to read what came later.")
    def cursor(self) -> str:
        return str(self.row.id)

    @strawberry.field(name="strategyId")
    def strategy_id(self) -> strawberry.ID:
        return strawberry.ID(self.row.strategy_id)

    @strawberry.field
    def version(self) -> str:
        return self.row.version

    @strawberry.field(name="indicatorId")
    def indicator_id(self) -> strawberry.ID:
        return strawberry.ID(self.row.indicator)

    @strawberry.field
    def area(self) -> str:
        return self.row.area

    @strawberry.field(name="from", description="The status before; null: not judged before (a new revision).")
    def from_(self) -> Status | None:
        return None if self.row.from_status is None else core.Status[self.row.from_status]

    @strawberry.field(description="The status now.")
    def to(self) -> Status:
        return core.Status[self.row.to_status]

    @strawberry.field(description="The period the new status is judged in (null: no figures).")
    def period(self) -> str | None:
        return self.row.period

    @strawberry.field(description="The area's value then, exact, as a decimal string.")
    def value(self) -> str | None:
        return self.row.value

    @strawberry.field(name="asOf", description="The vintage from which the new status holds.")
    def as_of(self) -> datetime.date | None:
        return self.row.since

    @strawberry.field(description="The latest import batch that caused it (null: a publish or the calendar).")
    def batch(self) -> str | None:
        batches = json.loads(self.row.batches)
        return batches[-1] if batches else None

    @strawberry.field(description="Every import batch whose write caused it, oldest id first.")
    def batches(self) -> list[str]:
        return json.loads(self.row.batches)

    @strawberry.field(name="recordedAt", description="When the service found the change (UTC).")
    def recorded_at(self) -> datetime.datetime:
        return self.row.recorded_at


@strawberry.type(description="Status changes after a cursor, oldest first.")
class StatusChangeFeed:
    changes: list[StatusChange]
    cursor: str = strawberry.field(
        description="Pass as `after` next time: the last change's cursor, or the one given when nothing is new."
    )
    has_more: bool = strawberry.field(name="hasMore", description="More changes wait after `cursor`.")


def parse_cursor(after: str | None) -> int:
    if after is None:
        return 0
    start = change_feed.cursor_value(after)
    if start is None:
        raise GraphQLError(
            f"`after` must be a cursor this feed handed out (a `cursor` field), not {quoted(after)}",
            extensions={"code": "BAD_USER_INPUT", "argument": "after"},
        )
    return start


async def status_changes(
    info, after: str | None, first: int, strategy_id: str | None, area: str | None, indicator_id: str | None
) -> StatusChangeFeed:
    start = parse_cursor(after)
    if not 1 <= first <= MAX_CHANGES:
        raise GraphQLError(
            f"`first` is {first}; it must be 1–{MAX_CHANGES}",
            extensions={"code": "BAD_USER_INPUT", "argument": "first"},
        )
    store = info.context.get("evaluations")
    if store is None:
        raise GraphQLError(
            "This service does not keep stored evaluations (KPI_STORED_EVALUATIONS=0): there is no change feed.",
            extensions={"code": "NOT_FOUND"},
        )
    rows = await in_pool(
        store.changes_after, start, first + 1, strategy_id=strategy_id, area=area, indicator=indicator_id
    )
    shown = rows[:first]
    return StatusChangeFeed(
        changes=[StatusChange(row=r) for r in shown],
        cursor=str(shown[-1].id) if shown else str(start),
        has_more=len(rows) > first,
    )


async def status_history(info, key: tuple[str, str, str, str]) -> list[StatusChange]:
    store = info.context.get("evaluations")
    if store is None:
        return []
    return [StatusChange(row=r) for r in await in_pool(store.history, key, MAX_HISTORY)]
