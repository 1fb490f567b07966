"""The ASGI application: GraphQL at /graphql over the catalogue in the database."""

import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from kpi_api.config import Settings
from kpi_api.graphql import schema
from kpi_api.graphql.context import Catalogue, graphql_context
from kpi_api.services import open_services

class _GraphQL(GraphQL):
    def __init__(self, catalogue: Catalogue, observations, **kwargs) -> None:
        super().__init__(schema, **kwargs)
        self.catalogue = catalogue
        self.observations = observations

    async def get_context(self, request, response) -> dict:
        return graphql_context(self.catalogue, self.observations, request=request, response=response)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = open_services(settings=settings)
    engine = services.engine
    catalogue = Catalogue(strategies=services.strategies, areas=services.areas)
    graphql = _GraphQL(catalogue, services.observations, graphql_ide="graphiql" if settings.graphiql else None)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "strategies": len(catalogue.strategies)})

    async def root(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        engine.dispose()

    return Starlette(
        routes=[
            Route("/", root),
            Route("/healthz", health),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
