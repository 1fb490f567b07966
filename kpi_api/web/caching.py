"""Conditional GETs: an ETag from the data version and the request, 304 on revalidation.

Every import or publish bumps the data version in the database (see kpi_api.storage.data_version),
so every worker derives the same ETag for the same data and request, and none serves a
stale one after a write.
"""

import datetime
import hashlib

import orjson
from starlette.requests import Request
from starlette.responses import Response


def reader(request: Request) -> str:
    """Who is asking, as far as an answer may depend on it: a valid token or nobody (the
    read policy, http/read_policy.py, has turned away everyone else)."""
    caller = request.scope.get("state", {}).get("caller")
    return "token" if caller is not None and caller.token is not None else "anonymous"


def etag_for(version: object, request: Request) -> str:
    """Also the response cache's key: it covers everything an answer depends on (the data,
    who is asking, the path, the query), encoded so that no two requests share it (joined
    as `k=v&…`, `?a=1%26b%3D2` and `?a=1&b=2` did). Today a token changes no answer of the
    web routes, but a token-holder's answer is never handed to an anonymous caller even
    if one day it does (as GraphQL's cost limits already do)."""
    # The day too: which revision is in force (or superseded) changes at midnight, not with a write.
    day = datetime.date.today().isoformat()
    request_key = [
        version,
        day,
        reader(request),
        request.url.path,
        sorted(request.query_params.multi_items()),
    ]
    digest = hashlib.sha256(orjson.dumps(request_key)).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request: Request, etag: str) -> Response | None:
    sent = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in sent.split(",")} or sent.strip() == "*":
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    return None
