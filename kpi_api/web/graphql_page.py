"""What a browser gets at GET /graphql: GraphiQL from the files shipped in
static/graphiql/ (KPI_GRAPHIQL=1), or a short page on how to send queries.

Both pages load nothing from elsewhere: the IDE's Content-Security-Policy allows scripts,
styles and requests from this origin only (GraphiQL sets inline styles at run time, which
cannot run code; its fonts are data: URLs in its stylesheet), so on an intranet without
internet the IDE works, and a query typed into it cannot be sent anywhere else."""

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kpi_api.web.templating import environment
from kpi_core import Lang

IDE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
HELP_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def graphql_page(settings):
    """The ASGI app for a browser's GET /graphql without a query."""

    async def page(scope, receive, send) -> None:
        request = Request(scope, receive)
        lang = Lang.EN if request.query_params.get("lang") == "en" else Lang.DA
        if settings.graphiql:
            html = environment().get_template("graphiql.html").render(lang=lang)
            response = HTMLResponse(html, headers={"Content-Security-Policy": IDE_POLICY})
        else:
            base = settings.public_url or str(request.base_url).rstrip("/")
            html = environment().get_template("graphql_help.html").render(lang=lang, base=base)
            response = HTMLResponse(html, headers={"Content-Security-Policy": HELP_POLICY})
        response.headers["vary"] = "Accept"
        await response(scope, receive, send)

    return page
