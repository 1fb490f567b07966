"""Writing staff commentary: add (on an indicator or a goal), edit, withdraw. Each needs a
token with scope 'comment', and each is a new version: nothing written is changed."""

import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

import kpi_core as core
from kpi_api import commentary_service as service
from kpi_api.access import Scope
from kpi_api.graphql.auth import require
from kpi_api.graphql.commentary_types import Commentary
from kpi_api.graphql.enums import Lang
from kpi_api.graphql.work import in_pool
from kpi_api.http.quoting import QUOTE_LIMIT, quoted
from kpi_core import commentary as c

_LANG = strawberry.argument(description="The language `text` is written in; Danish when not given.")
_TEXT = strawberry.argument(
    description=f"Plain text (never read as HTML), at most {c.MAX_TEXT:,} characters; line breaks are kept, "
    "other control characters are refused."
)
_PERIOD = strawberry.argument(
    description="The period it is about, of the indicator's frequency: 2022, 2022Q3, 2022-09."
)


def _refused(exc: service.CommentaryInput) -> GraphQLError:
    return GraphQLError(str(exc), extensions={"code": exc.code, "argument": exc.argument})


async def _added(info: Info, target_of, area: str, period: str, text: str, lang) -> Commentary:
    token = require(info, Scope.COMMENT)
    catalogue = info.context["catalogue"]
    try:
        target = target_of(catalogue)
        area = service.checked_area(catalogue, area)
        period = service.checked_period(target, period)
        text = service.checked_text(text)
    except service.CommentaryInput as exc:
        raise _refused(exc) from None
    stored = await in_pool(
        info.context["commentary"].add,
        target.subject,
        area,
        period,
        lang or core.Lang.DA,
        text,
        token.name,
        datetime.datetime.now(datetime.UTC),
    )
    return Commentary(domain=c.Commentary(stored, ()))


async def _changed(info: Info, token, id: str, change) -> Commentary:
    """`change(store, id, author, at)` stores the next version; the answer is the commentary
    as that version left it (a later edit by someone else is not in it)."""
    store = info.context["commentary"]
    try:
        stored = await in_pool(change, store, id, token.name, datetime.datetime.now(datetime.UTC))
    except c.UnknownCommentary:
        raise GraphQLError(
            f"There is no commentary {quoted(id)}.",
            extensions={"code": "NOT_FOUND", "argument": "id", "id": id[:QUOTE_LIMIT]},
        ) from None
    except c.CommentaryError as exc:  # withdrawn already, or changed by another request first
        raise GraphQLError(str(exc), extensions={"code": "CONFLICT", "argument": "id"}) from None
    earlier = [v for v in await in_pool(store.versions_of, id) if v.number < stored.number]
    return Commentary(domain=c.Commentary(stored, tuple(reversed(earlier))))


@strawberry.type
class CommentaryMutation:
    @strawberry.mutation(
        name="addCommentary",
        description="Write staff commentary on an indicator of a published revision, for an area and a period. "
        "Needs a token with scope 'comment'; the token's name is the author. A bad argument is an error "
        "BAD_USER_INPUT (or NOT_FOUND) naming it in `extensions.argument`.",
    )
    async def add_commentary(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        version: str,
        indicator_id: strawberry.ID,
        area: str,
        period: Annotated[str, _PERIOD],
        text: Annotated[str, _TEXT],
        lang: Annotated[Lang | None, _LANG] = None,
    ) -> Commentary:
        def target(catalogue):
            return service.indicator_target(catalogue, strategy_id, version, indicator_id)

        return await _added(info, target, area, period, text, lang)

    @strawberry.mutation(
        name="addGoalCommentary",
        description="Write staff commentary on a goal of a published revision, for an area and a period (of "
        "the frequency of the goal's key figure). As `addCommentary` otherwise.",
    )
    async def add_goal_commentary(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        version: str,
        goal_id: strawberry.ID,
        area: str,
        period: Annotated[str, _PERIOD],
        text: Annotated[str, _TEXT],
        lang: Annotated[Lang | None, _LANG] = None,
    ) -> Commentary:
        def target(catalogue):
            return service.goal_target(catalogue, strategy_id, version, goal_id)

        return await _added(info, target, area, period, text, lang)

    @strawberry.mutation(
        name="editCommentary",
        description="Change a commentary's text in one language (the other stays): a new version, the earlier "
        "ones kept in `history`. A withdrawn commentary cannot be edited (CONFLICT). Needs scope 'comment'.",
    )
    async def edit_commentary(
        self,
        info: Info,
        id: strawberry.ID,
        text: Annotated[str, _TEXT],
        lang: Annotated[Lang | None, _LANG] = None,
    ) -> Commentary:
        token = require(info, Scope.COMMENT)
        try:
            checked = service.checked_text(text)
        except service.CommentaryInput as exc:
            raise _refused(exc) from None

        def change(store, id, author, at):
            return store.edit(id, lang or core.Lang.DA, checked, author, at)

        return await _changed(info, token, str(id), change)

    @strawberry.mutation(
        name="withdrawCommentary",
        description="Withdraw a commentary: from now it is not shown, while a read `asOf` an earlier day still "
        "shows it. A new version, nothing is deleted. Needs scope 'comment'.",
    )
    async def withdraw_commentary(self, info: Info, id: strawberry.ID) -> Commentary:
        token = require(info, Scope.COMMENT)

        def change(store, id, author, at):
            return store.withdraw(id, author, at)

        return await _changed(info, token, str(id), change)
