"""HTTP routes for figures, the status page and REST. Each parses its input with clear
400s, asks the assembly for a view model, renders it, and sets caching, framing and CORS
headers (kpi_api.http.security_headers adds the rest). Public GET formats allow any origin;
nothing uses cookies. An answer depends only on the path, the query, the data and whether
the caller holds a valid token (never on another request header): the response cache
serves it to everyone who asks the same."""

import datetime
import json
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kpi_api.http import work_pool
from kpi_api.http.deadline import DeadlineExceeded
from kpi_api.http.problems import problem_response
from kpi_api.http.quoting import quoted, shortened
from kpi_api.http.response_cache import Cached
from kpi_api.web import assemble, figure_png, links, parameters
from kpi_api.web.caching import etag_for, not_modified, reader
from kpi_core import Lang, parse_period

FORMATS = {
    "svg": "image/svg+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    # The chart in words, for an <img alt> or a screen reader (figure_formats.figure_text).
    "txt": "text/plain; charset=utf-8",
    # For Word and PowerPoint: the SVG rasterised (figure_png), and the data for Excel (figure_xlsx).
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BadRequest(ValueError):
    pass


def _lang(request: Request) -> Lang:
    value = request.query_params.get("lang", "da")
    if value not in ("da", "en"):
        raise BadRequest(f"lang must be da or en, not {quoted(value)}")
    return Lang(value)


def _date(request: Request, name: str = "asOf") -> datetime.date | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        if not parameters.matches(parameters.DATE, value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, not {quoted(value)}") from None


def _period(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        period = parse_period(value)
    except ValueError as exc:
        raise BadRequest(f"{name}: {shortened(str(exc), value)}") from None
    if not parameters.matches(parameters.PERIOD, value):  # the core reads files leniently, a URL exactly
        raise BadRequest(
            f"{name}: {quoted(value)} is not a period as a URL writes it: YYYY, YYYYQn or YYYY-MM"
        )
    return str(period)


def _scale(request: Request) -> int:
    value = request.query_params.get("scale")
    if value is None:
        return figure_png.DEFAULT_SCALE
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= figure_png.MAX_SCALE):
        raise BadRequest(
            f"scale must be a whole number from 1 to {figure_png.MAX_SCALE} (PNG pixels per SVG pixel), "
            f"not {quoted(value)}"
        )
    return int(value)


class Web:
    """The routes, bound to the running service's catalogue, store and settings."""

    def __init__(self, holder, services, settings, versions, cache, pool) -> None:
        self.holder, self.services, self.settings = holder, services, settings
        self.versions, self.cache, self.pool = versions, cache, pool

    def routes(self) -> list[Route]:
        return [
            Route("/figures/{indicator}/{file}", self.figure),
            Route("/status/{area}", self.status),
            Route("/api/strategies", self.api_strategies),
            Route("/api/strategies/{strategy}", self.api_strategy),
            Route("/api/strategies/{strategy}/revisions/{version}", self.api_revision),
            Route("/api/status/{area}", self.api_status),
            Route("/openapi.json", self.openapi),
        ]

    async def _respond(
        self,
        request: Request,
        render,
        content_type: str,
        frame: bool = False,
        cors: bool = True,
        file_name: str | None = None,
    ) -> Response:
        """Shared by every GET: ETag/304, then render off the event loop, then headers."""
        try:
            version = (
                self.versions.current()
                if self.versions.cheap
                else await self.pool.quick(self.versions.current)
            )
            etag = etag_for(version, request)
            if (cached := not_modified(request, etag)) is not None:
                return cached
            hit = self.cache.get(("web", etag)) if self.cache is not None else None
            if hit is not None:
                body = hit.body
            else:
                body = await work_pool.run(render)
                if self.cache is not None:
                    self.cache.put(
                        ("web", etag),
                        Cached(body.encode() if isinstance(body, str) else body, content_type, etag),
                    )
        except BadRequest as exc:
            return problem_response(400, str(exc))
        except assemble.NotFound as exc:
            return problem_response(404, str(exc))
        except work_pool.ServerBusy as exc:
            return problem_response(503, str(exc), "SERVER_BUSY", exc.retry_after)
        except figure_png.NoFonts as exc:  # the server's setup, not the request: said as such
            return problem_response(503, str(exc), "NO_FONTS")
        except DeadlineExceeded as exc:
            return problem_response(503, str(exc), "TIMEOUT", work_pool.RETRY_AFTER_BUSY)
        # The answer depends on who asks (caching.etag_for); a token-holder's is for them alone.
        private = reader(request) == "token"
        headers = {"ETag": etag, "Cache-Control": "private, no-cache" if private else "no-cache"}
        headers["Vary"] = "Authorization"
        if cors:
            headers["Access-Control-Allow-Origin"] = "*"
        if file_name is not None:  # what "Save as" offers: 2.1-151.xlsx, not 151.xlsx for every indicator
            headers["Content-Disposition"] = f'inline; filename="{file_name}"'
        if frame:  # no script-src: pages and SVGs run no script, framed or opened
            headers["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                f"frame-ancestors {self.settings.frame_ancestors}; base-uri 'none'; form-action 'none'"
            )
        return Response(body, media_type=content_type, headers=headers)

    async def figure(self, request: Request) -> Response:
        indicator = request.path_params["indicator"]
        stem, _, fmt = request.path_params["file"].rpartition(".")
        if fmt not in FORMATS:
            return problem_response(
                404,
                f"Figures come as .svg, .png, .html, .csv, .xlsx, .json or .txt, not {quoted(fmt)}; "
                "e.g. /figures/2.1/151.svg",
            )
        query = request.query_params

        def render():
            theme = query.get("theme", "auto")
            if theme not in ("light", "dark", "auto"):
                raise BadRequest(f"theme must be light, dark or auto, not {quoted(theme)}")
            compare_text = query.get("compare")
            if compare_text is not None and not parameters.matches(parameters.COMPARE, compare_text):
                raise BadRequest(
                    f"compare must be up to {assemble.MAX_COMPARE} area codes separated by commas "
                    f"(e.g. DK,1084), not {quoted(compare_text)}"
                )
            compare = tuple(compare_text.split(",")) if compare_text else ()
            first, last, as_of = _period(request, "from"), _period(request, "to"), _date(request)
            scale = _scale(request)  # checked for every format, used by PNG only
            figure = assemble.figure_data(
                self.holder.get(),
                self.services.observations,
                indicator,
                stem,
                strategy_id=query.get("strategy"),
                version=query.get("revision"),
                first=first,
                last=last,
                compare=compare,
                as_of=as_of,
                lang=_lang(request),
            )
            # The links keep the options asked for, as parsed and checked above.
            options = {
                "strategy": figure.strategy_id if query.get("strategy") else None,
                "revision": figure.revision if query.get("revision") else None,
                "from": first,
                "to": last,
                "compare": ",".join(compare) or None,
                "asOf": as_of.isoformat() if as_of else None,
                "lang": figure.lang.value if "lang" in query else None,
                "theme": theme if "theme" in query else None,
            }
            return self._render_figure(figure, fmt, theme, options, scale)

        # Only characters a file name and a header keep as they are (ids are like 1.5b, codes like 151).
        file_name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{indicator}-{stem}.{fmt}")
        return await self._respond(
            request,
            render,
            FORMATS[fmt],
            frame=fmt in ("html", "svg"),
            file_name=file_name if fmt in ("png", "xlsx") else None,
        )

    def _render_figure(
        self, figure, fmt: str, theme: str, options: dict[str, str | None], scale: int
    ) -> str | bytes:
        from kpi_api.web import figure_formats, figure_page, svg

        if fmt == "xlsx":
            from kpi_api.web.figure_xlsx import figure_xlsx

            return figure_xlsx(figure)
        if fmt == "png":
            # A PNG has no reader's colour scheme to follow: "auto" is the light picture
            # a page or a printed paper shows.
            return figure_png.render_png(svg.render_svg(figure, "light" if theme == "auto" else theme), scale)
        if fmt == "csv":
            return figure_formats.figure_csv(figure)
        if fmt == "json":
            return json.dumps(figure_formats.figure_json(figure), ensure_ascii=False, indent=1)
        if fmt == "txt":
            return figure_formats.figure_text(figure)
        drawing = svg.render_svg(figure, theme)
        if fmt == "svg":
            return drawing
        base = links.figure_base(self.settings.public_url, figure.indicator.id, figure.area.code)
        formats = ("svg", "png", "csv", "xlsx", "json")
        downloads = {f: links.with_query(f"{base}.{f}", options) for f in formats}
        title = figure.indicator.name(figure.lang)
        page = links.with_query(f"{base}.html", options)
        iframe, img = links.embed_snippets(page, downloads["svg"], title, f"{title}, {figure.area.name}")
        return figure_page.render_figure_html(figure, drawing, downloads, iframe, img)

    async def status(self, request: Request) -> Response:
        from kpi_api.web.status_page import render_status_page

        area = request.path_params["area"]

        def render():
            lang = _lang(request)
            strategy_id = request.query_params.get("strategy")
            page = assemble.status_page(
                self.holder.get(),
                self.services.observations,
                area,
                strategy_id=strategy_id,
                version=request.query_params.get("revision"),
                as_of=_date(request),
                lang=lang,
            )

            def url(revision: str | None = None, lang: str | None = None) -> str:
                """A switch link: the page's parsed parameters, one of them changed."""
                return links.with_query(
                    links.status_path(page.area.code),
                    {
                        "strategy": page.strategy_id if strategy_id else None,
                        "asOf": page.as_of.isoformat() if page.as_of else None,
                        "revision": revision or page.revision,
                        "lang": lang or page.lang.value,
                    },
                )

            return render_status_page(page, url)

        return await self._respond(request, render, FORMATS["html"], frame=True, cors=False)

    # ── REST ────────────────────────────────────────────────────────────────────────────
    async def api_strategies(self, request: Request) -> Response:
        from kpi_api.web import rest

        return await self._respond(
            request, lambda: rest.dumps(rest.strategies(self.holder.get())), FORMATS["json"]
        )

    async def api_strategy(self, request: Request) -> Response:
        from kpi_api.web import rest

        strategy_id = request.path_params["strategy"]
        return await self._respond(
            request, lambda: rest.dumps(rest.strategy(self.holder.get(), strategy_id)), FORMATS["json"]
        )

    async def api_revision(self, request: Request) -> Response:
        from kpi_api.web import rest

        params = request.path_params
        return await self._respond(
            request,
            lambda: rest.dumps(rest.revision(self.holder.get(), params["strategy"], params["version"])),
            FORMATS["json"],
        )

    async def api_status(self, request: Request) -> Response:
        from kpi_api.web import rest

        area = request.path_params["area"]

        def render():
            page = assemble.status_page(
                self.holder.get(),
                self.services.observations,
                area,
                strategy_id=request.query_params.get("strategy"),
                version=request.query_params.get("revision"),
                as_of=_date(request),
                lang=_lang(request),
            )
            return rest.dumps(rest.status(page))

        return await self._respond(request, render, FORMATS["json"])

    async def openapi(self, request: Request) -> Response:
        from kpi_api.web.openapi import document

        return JSONResponse(document(), headers={"Access-Control-Allow-Origin": "*"})
