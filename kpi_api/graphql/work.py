"""Resolvers' store work, in the service's work pool (http/work_pool.py). A refusal (the server
is busy) or the request's time running out become GraphQL errors with their stable
codes, which the HTTP layer answers with 503 and Retry-After (app.py)."""

import functools

from graphql import GraphQLError

from kpi_api.http import work_pool
from kpi_api.http.deadline import DeadlineExceeded

REFUSALS = ("SERVER_BUSY", "TIMEOUT")  # codes answered with 503


async def in_pool(fn, *args, **kwargs):
    try:
        return await work_pool.run(functools.partial(fn, *args, **kwargs))
    except work_pool.ServerBusy as exc:
        raise GraphQLError(str(exc), extensions={"code": "SERVER_BUSY"}) from None
    except DeadlineExceeded as exc:
        raise GraphQLError(str(exc), extensions={"code": "TIMEOUT"}) from None
