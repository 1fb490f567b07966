"""The GraphQL schema: queries over the strategy catalogue."""

from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql import types as t


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

    @strawberry.field(description='Areas: municipalities, regions and the country ("DK"), optionally of one kind.')
    def areas(self, info: Info, kind: t.AreaKind | None = None) -> list[t.Area]:
        return [t.Area(domain=a) for a in info.context["catalogue"].areas.of_kind(kind)]


schema = strawberry.Schema(query=Query)
