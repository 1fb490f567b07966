"""The GraphQL schema: queries over the strategy catalogue."""

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql import types as t

if TYPE_CHECKING:
    from kpi_api.graphql.series_types import StatusTable


@strawberry.type
class Query:
    @strawberry.field(description="Every strategy in the catalogue.")
    def strategies(self, info: Info) -> list[t.Strategy]:
        return [t.Strategy(domain=s) for s in info.context["catalogue"].strategies]

    @strawberry.field
    def strategy(self, info: Info, id: strawberry.ID) -> t.Strategy | None:
        found = info.context["catalogue"].strategy(id)
        return t.Strategy(domain=found) if found else None

    @strawberry.field(
        name="revisionDiff",
        description="What changed from one revision of a strategy to another (either order).",
    )
    def revision_diff(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
    ) -> t.RevisionDiff:
        strategy = info.context["catalogue"].strategy(strategy_id)
        if strategy is None:
            raise GraphQLError(f"There is no strategy {strategy_id!r}.", extensions={"code": "NOT_FOUND"})
        try:
            diff = core.diff(strategy, from_, to)
        except KeyError as exc:
            raise GraphQLError(exc.args[0], extensions={"code": "NOT_FOUND"}) from None
        return t.RevisionDiff(domain=diff, strategy=strategy)

    @strawberry.field(
        name="statusTable",
        description="For integrators: the latest value and status of every indicator of a revision for every "
        "area of a kind (default: all 98 municipalities), in one compact table. Without `version`, the revision "
        "in force on `asOf` (or today).",
    )
    async def status_table(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        version: str | None = None,
        as_of: datetime.date | None = None,
        kind: t.AreaKind = core.AreaKind.MUNICIPALITY,
    ) -> Annotated["StatusTable", strawberry.lazy("kpi_api.graphql.series_types")]:
        from kpi_api.graphql.resolvers import resolve_status_table

        catalogue = info.context["catalogue"]
        strategy = catalogue.strategy(strategy_id)
        if strategy is None:
            raise GraphQLError(f"There is no strategy {strategy_id!r}.", extensions={"code": "NOT_FOUND"})
        revision = strategy.revision(version) if version else strategy.in_force(as_of or catalogue.today())
        if revision is None:
            raise GraphQLError(
                f"strategy {strategy_id} has no revision {version!r}" if version else f"no revision of {strategy_id} is in force then",
                extensions={"code": "NOT_FOUND"},
            )
        return await resolve_status_table(info, strategy, revision, kind, as_of)

    @strawberry.field(description='Areas: municipalities, regions and the country ("DK"), optionally of one kind.')
    def areas(self, info: Info, kind: t.AreaKind | None = None) -> list[t.Area]:
        return [t.Area(domain=a) for a in info.context["catalogue"].areas.of_kind(kind)]


schema = strawberry.Schema(query=Query)
