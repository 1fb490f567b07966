"""Who is calling: the API token a request presented, checked once per request."""

from typing import ClassVar

from graphql import GraphQLError
from strawberry.permission import BasePermission

from kpi_api.access import Caller, Scope, TokenRecord


def require(info, scope: Scope) -> TokenRecord:
    caller: Caller = info.context.get("caller") or Caller()
    how = f"send `Authorization: Bearer kpi_…` with a token made by `kpi token create --scope {scope.value}`"
    if not caller.presented:
        raise GraphQLError(
            f"This needs an API token with scope '{scope.value}': {how}.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    if caller.token is None:
        raise _not_valid()
    if not caller.token.allows(scope):
        raise GraphQLError(
            f"Token {caller.token.id} has scope '{caller.token.scope.value}'; this needs '{scope.value}': {how}.",
            extensions={"code": "FORBIDDEN"},
        )
    return caller.token


class ReadAccess(BasePermission):
    """Reads are public unless the service is configured to require a token.

    Strawberry keeps one instance per field for every request, so the message is never
    changed on it (one caller's "not valid" once carried over to the next caller): the
    case with its own message raises its own error."""

    message = "Reading needs an API token here: send `Authorization: Bearer kpi_…` (any valid token)."
    error_extensions: ClassVar[dict[str, str]] = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source, info, **kwargs) -> bool:
        settings = info.context.get("settings")
        caller: Caller = info.context.get("caller") or Caller()
        if caller.presented and caller.token is None:
            raise _not_valid()
        return settings is None or not settings.require_read_token or caller.token is not None


def _not_valid() -> GraphQLError:
    return GraphQLError(
        "The API token is not valid or has been revoked.", extensions={"code": "UNAUTHENTICATED"}
    )
