"""The ASGI application: GraphQL at /graphql over the catalogue in the database."""

import contextlib
import gc
import sys

import orjson
from cross_web import HTTPException as GraphQLHTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.unset import UNSET

from kpi_api.bootstrap import open_services
from kpi_api.catalogue import CatalogueHolder
from kpi_api.config import Settings
from kpi_api.evaluation_upkeep import UpkeepThread
from kpi_api.graphql.answer_cache import GraphQLResponseCache
from kpi_api.graphql.context import graphql_context
from kpi_api.graphql.errors import with_code
from kpi_api.graphql.language import LANGUAGE
from kpi_api.graphql.over_http import GRAPHQL_RESPONSE_JSON, JSON, MEDIA_TYPE, GraphQLOverHTTP
from kpi_api.graphql.persisted import BadPersistedQueryFile, PersistedQueries, load_directory
from kpi_api.graphql.schema import build_schema
from kpi_api.graphql.work import REFUSALS
from kpi_api.http.limits import GraphQLGuard
from kpi_api.http.log_queue import logging_off_the_loop
from kpi_api.http.problems import media_type_header, problem_response, send_graphql_error
from kpi_api.http.quoting import quoted
from kpi_api.http.read_policy import ReadPolicy
from kpi_api.http.request_limits import GraphQLInFlight, RequestLimits
from kpi_api.http.response_cache import ResponseCache
from kpi_api.http.security_headers import SecurityHeaders
from kpi_api.http.work_pool import RETRY_AFTER_BUSY, SWITCH_INTERVAL, WorkPool
from kpi_api.storage.data_version import DataVersion
from kpi_api.web import figure_png
from kpi_api.web.graphql_page import graphql_page
from kpi_api.web.routes import Web
from kpi_api.webhook_delivery import DeliveryThread


class _GraphQL(GraphQL):
    def __init__(
        self, schema, holder: CatalogueHolder, services, settings: Settings, pool: WorkPool, **kwargs
    ) -> None:
        super().__init__(schema, **kwargs)
        self.holder, self.services, self.settings, self.pool = holder, services, settings, pool

    async def get_context(self, request, response) -> dict:
        catalogue = await self.pool.quick(self.holder.get)
        return graphql_context(
            catalogue,
            self.services.observations,
            self.services.evaluations if self.settings.stored_evaluations else None,
            request=request,
            response=response,
            caller=request.scope.get("state", {}).get("caller"),
            settings=self.settings,
            revisions=self.services.revisions,
            commentary=self.services.commentary,
            # over_http.py read it from Accept-Language; the answer cache keys on it too.
            **{LANGUAGE: request.scope.get("state", {}).get(LANGUAGE)},
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's error is a json.JSONDecodeError for invalid UTF-8 too, which the
        # framework answers with a 400; the standard decoder raised UnicodeDecodeError (500).
        decoded = orjson.loads(data)
        if not isinstance(decoded, dict | list):
            # A bare 0, "x" or null crashed the framework (AttributeError, a 500).
            raise orjson.JSONDecodeError("the body must be a JSON object with a `query`", str(data)[:20], 0)
        return decoded

    async def run(self, request, context=UNSET, root_value=UNSET):
        # The framework's own refusals (no query, a mutation over GET) in the GraphQL error
        # shape and the client's media type, like every other answer from /graphql.
        try:
            return await super().run(request, context, root_value)
        except GraphQLHTTPException as e:
            media = request.scope.get("state", {}).get(MEDIA_TYPE, JSON)
            code = "METHOD_NOT_ALLOWED" if e.status_code == 405 else "BAD_REQUEST"
            headers = [(b"allow", b"POST")] if e.status_code == 405 else []
            return _Sent(send_graphql_error(e.status_code, e.reason, code, headers, content_type=media))

    async def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except GraphQLHTTPException as e:
            if isinstance(e.__cause__, InvalidOperationTypeError) and request_adapter.method == "GET":
                # The specification: a mutation over GET is 405 (GET never changes anything).
                raise GraphQLHTTPException(
                    405, "Mutations are not allowed over GET; send them with POST."
                ) from None
            raise

    async def get_sub_response(self, request):
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = request.scope.get("state", {}).get(MEDIA_TYPE, JSON)
        return sub_response

    async def process_result(self, request, result):
        # Every error that leaves over HTTP has a stable code, parse errors included
        # (they never reach the schema extensions).
        if result.errors:
            result.errors = [with_code(e) for e in result.errors]
        answer = await super().process_result(request, result)
        # A request error (parse, validation, variables, limits: nothing ran, so no error
        # has a path) has no `data` entry at all, as the GraphQL specification says.
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            answer.pop("data", None)
        return answer

    def create_response(self, response_data, sub_response):
        media = getattr(sub_response, "media_type", None) or JSON
        # Refused for load (busy, out of time): 503 with when to try again, and the
        # refusal alone, like the refusals answered before the query ran (http/request_limits.py).
        refusal = next(
            (e for e in response_data.get("errors") or () if e.get("extensions", {}).get("code") in REFUSALS),
            None,
        )
        if refusal is not None:
            sub_response.status_code = 503
            sub_response.headers["retry-after"] = str(RETRY_AFTER_BUSY)
            response_data = {"errors": [refusal]}
        elif "data" not in response_data and media == GRAPHQL_RESPONSE_JSON:
            # graphql-response+json: no `data`, so a 4xx (application/json keeps 200, as
            # legacy clients expect; the specification says so for them).
            sub_response.status_code = 400
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = media_type_header(media).decode()
        return response


class _Sent(Response):
    """A response that is an ASGI sender already (http/problems.py)."""

    def __init__(self, sender) -> None:
        self.sender = sender
        self.background = None

    async def __call__(self, scope, receive, send) -> None:
        await self.sender(send)


class _App(Starlette):
    def build_middleware_stack(self):
        # Outside Starlette's own error handling, so its 500s get the headers too.
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = open_services(settings=settings)
    engine = services.engine
    holder = CatalogueHolder(services.revisions, services.areas)
    holder.get()  # loaded now: the health check answers from memory
    pool = WorkPool(settings.worker_threads, settings.max_concurrent_work, settings.max_queued_work)
    versions = DataVersion(engine)
    cache = (
        ResponseCache(settings.response_cache_entries, settings.response_cache_bytes)
        if settings.response_cache
        else None
    )
    view = _GraphQL(
        build_schema(settings),
        holder,
        services,
        settings,
        pool,
        graphql_ide=None,  # the IDE page is ours (web/graphql_page.py): offline, no CDN
    )
    graphql_app = GraphQLInFlight(
        view, settings.max_graphql_in_progress
    )  # inside the cache: hits are never refused
    if cache is not None:
        graphql_app = GraphQLResponseCache(graphql_app, cache, versions, view=view)
    try:
        registered = load_directory(settings.persisted_queries, settings.max_query_bytes)
    except BadPersistedQueryFile as exc:
        raise SystemExit(f"KPI_PERSISTED_QUERIES: {exc}") from None
    if settings.persisted_only and not registered:
        raise SystemExit(
            f"KPI_PERSISTED_ONLY=1 runs registered queries only, but KPI_PERSISTED_QUERIES "
            f"({settings.persisted_queries or 'not set'}) holds none: register them with `kpi persisted add FILE`"
        )
    persisted = PersistedQueries(
        registered,
        max_entries=settings.persisted_entries,
        max_bytes=settings.persisted_bytes,
        only_registered=settings.persisted_only,
    )
    graphql_app = GraphQLOverHTTP(graphql_app, persisted, graphql_page(settings))  # before any cache
    graphql = GraphQLGuard(graphql_app, services.tokens, settings, pool)

    async def health(request: Request) -> JSONResponse:
        # From memory, never the database or the pool: it answers however busy they are
        # (the catalogue as last loaded by a request).
        return JSONResponse({"status": "ok", "strategies": len(holder.current.strategies)})

    async def root(request: Request) -> RedirectResponse:
        return RedirectResponse("/status/151")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Everything loaded so far (catalogue, schema, areas) lives as long as the process:
        # frozen, the collector's full passes skip it, which shortens the pauses that
        # large requests' garbage (graphql-core's linked token lists) sets off.
        gc.freeze()
        sys.setswitchinterval(SWITCH_INTERVAL)  # see http/work_pool.py
        threads = (
            [
                UpkeepThread(services.upkeep, versions.current),
                DeliveryThread(services.webhooks, services.evaluations),
            ]
            if settings.stored_evaluations
            else []
        )
        with logging_off_the_loop():
            for thread in threads:
                thread.start()
            yield
            for thread in threads:
                thread.stop()
        pool.close()
        figure_png.close()
        versions.close()
        engine.dispose()

    web = Web(holder, services, settings, versions, cache, pool)

    async def routing_problem(request: Request, exc: HTTPException) -> JSONResponse:
        # The router's own 404/405 answer as problem documents, like every other error.
        detail = f"{request.method} {quoted(request.url.path, 200)}: {exc.detail}"
        return problem_response(
            exc.status_code, detail, title=exc.detail, headers=exc.headers, cross_origin=False
        )

    app = _App(
        exception_handlers={404: routing_problem, 405: routing_problem},
        routes=[
            Route("/", root),
            Route("/healthz", health),
            Route("/graphql", graphql),  # every method reaches the guard, which answers in JSON
            *web.routes(),
            Mount("/static", StaticFiles(packages=[("kpi_api", "web/static")]), name="static"),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(RequestLimits, settings=settings, pool=pool),
            # Who reads the web routes, and whether they may (/graphql: its guard does it).
            Middleware(
                ReadPolicy, tokens=services.tokens, settings=settings, pool=pool, guesses=graphql.guesses
            ),
        ],
    )
    app.state.response_cache = cache  # for operators' and tests' eyes: what is cached
    app.state.persisted_queries = persisted
    return app
