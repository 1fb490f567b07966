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

from kpi_api import change_feed, commentary_service
from kpi_api.http import work_pool
from kpi_api.http.deadline import DeadlineExceeded
from kpi_api.http.problems import problem_response
from kpi_api.http.quoting import quoted, shortened
from kpi_api.http.response_cache import Cached
from kpi_api.web import assemble, figure_png, links, parameters
from kpi_api.web.caching import etag_for, not_modified, reader
from kpi_core import Lang, parse_period
from kpi_core.commentary import SubjectKind

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
        # Statuses from the stored evaluations while they are current (evaluation_upkeep.py).
        self.stored = services.evaluations if settings.stored_evaluations else None

    def routes(self) -> list[Route]:
        return [
            Route("/figures/{indicator}/{file}", self.figure),
            Route("/figures/{indicator}/{area}/share", self.share),
            Route("/status/{area}", self.status),
            Route("/api/strategies", self.api_strategies),
            Route("/api/strategies/{strategy}", self.api_strategy),
            Route("/api/strategies/{strategy}/revisions/{version}", self.api_revision),
            Route("/api/status/{area}", self.api_status),
            Route("/api/status-changes", self.api_status_changes),
            Route("/openapi.json", self.openapi),
        ]

    async def _respond(
        self,
        request: Request,
        render,
        content_type: str,
        frame: str | None = None,
        cors: bool = True,
        script: bool = False,
        file_name: str | None = None,
    ) -> Response:
        """Shared by every GET: ETag/304, then render off the event loop, then headers.
        `frame` is who may frame the answer (CSP frame-ancestors), `script` whether it may
        run this origin's scripts (the embed page's height script only)."""
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
        if frame:  # no script-src but the embed page's: pages and SVGs run no script
            scripts = "script-src 'self'; " if script else ""
            headers["Content-Security-Policy"] = (
                f"default-src 'none'; {scripts}style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                f"frame-ancestors {frame}; base-uri 'none'; form-action 'none'"
            )
        return Response(body, media_type=content_type, headers=headers)

    def _figure_request(self, request: Request, indicator: str, area: str):
        """The figure a request asks for, its theme, and the options its links keep (as
        parsed and checked: a raw value never reaches a link)."""
        query = request.query_params
        theme = query.get("theme", "light")
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
        figure = assemble.figure_data(
            self.holder.get(),
            self.services.observations,
            indicator,
            area,
            stored=self.stored,
            strategy_id=query.get("strategy"),
            version=query.get("revision"),
            first=first,
            last=last,
            compare=compare,
            as_of=as_of,
            lang=_lang(request),
        )
        # Pinned where the page was: revision and asOf go on with every link that had them.
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
        return figure, theme, options

    async def figure(self, request: Request) -> Response:
        indicator = request.path_params["indicator"]
        stem, _, fmt = request.path_params["file"].rpartition(".")
        if fmt not in FORMATS:
            return problem_response(
                404,
                f"Figures come as .svg, .png, .html, .csv, .xlsx, .json or .txt, not {quoted(fmt)}; "
                "e.g. /figures/2.1/151.svg",
            )
        embed_value = request.query_params.get("embed")
        # Checked for every format, acted on by .html only: one set of options for all.
        embed = embed_value is not None and fmt == "html"

        def render():
            if embed_value is not None and embed_value != "1":
                raise BadRequest(f"embed must be 1 (the page for an iframe), not {quoted(embed_value)}")
            scale = _scale(request)  # checked for every format, used by PNG only
            figure, theme, options = self._figure_request(request, indicator, stem)
            return self._render_figure(figure, fmt, theme, options, embed, scale)

        # Any site may frame the embed page (KPI_EMBED_FRAME_ANCESTORS); the rest, as before.
        if embed:
            frame: str | None = self.settings.embed_frame_ancestors
        else:
            frame = self.settings.frame_ancestors if fmt in ("html", "svg") else None
        # Only characters a file name and a header keep as they are (ids are like 1.5b, codes like 151).
        file_name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{indicator}-{stem}.{fmt}")
        return await self._respond(
            request,
            render,
            FORMATS[fmt],
            frame=frame,
            script=embed,
            file_name=file_name if fmt in ("png", "xlsx") else None,
        )

    def _render_figure(
        self, figure, fmt: str, theme: str, options: dict[str, str | None], embed: bool, scale: int
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
        page = links.with_query(f"{base}.html", options)
        if embed:
            script = links.embed_script(self.settings.public_url)
            return figure_page.render_embed_html(
                figure, drawing, page, script, theme, self._note(figure, options)
            )
        formats = ("svg", "png", "csv", "xlsx", "json")
        downloads = {f: links.with_query(f"{base}.{f}", options) for f in formats}
        share = links.with_query(links.share_path(base), options)
        return figure_page.render_figure_html(
            figure, drawing, downloads, share, theme, self._note(figure, options)
        )

    def _note(self, figure, options: dict[str, str | None]):
        """The latest staff commentary on the figure's indicator for its area, as of the
        page's `asOf` (pinned like the rest of the page)."""
        as_of = datetime.date.fromisoformat(options["asOf"]) if options.get("asOf") else None
        written = commentary_service.latest_on_page(
            self.services.commentary, figure.strategy_id, figure.revision, figure.area.code, as_of
        )
        return written.get((SubjectKind.INDICATOR, figure.indicator.id))

    async def share(self, request: Request) -> Response:
        """The editors' page with a figure's embed snippets; nobody needs to frame it."""
        from kpi_api.web import figure_page

        indicator, area = request.path_params["indicator"], request.path_params["area"]

        def render():
            _scale(request)  # one set of options for every figure route: checked, not used here
            figure, theme, options = self._figure_request(request, indicator, area)
            base = links.figure_base(self.settings.public_url, figure.indicator.id, figure.area.code)
            embed = links.with_query(f"{base}.html", {**options, "embed": "1"})
            name = f"{figure.indicator.name(figure.lang)}, {figure.area.name}"
            iframe, img = links.embed_snippets(embed, links.with_query(f"{base}.svg", options), name, name)
            snippets = {"iframe": iframe, "img": img, "listener": links.HEIGHT_LISTENER}
            urls = {
                "embed": embed,
                "page": links.with_query(f"{base}.html", options),
                "text": links.with_query(f"{base}.txt", options),
            }
            da = figure.lang.value == "da"
            labels = {
                "light": "Lyst" if da else "Light",
                "dark": "Mørkt" if da else "Dark",
                "auto": "Automatisk" if da else "Automatic",
            }
            themes = [
                # light is the default: its link leaves theme out, as the page's own URL would
                (
                    t,
                    label,
                    links.with_query(
                        links.share_path(base), {**options, "theme": None if t == "light" else t}
                    ),
                )
                for t, label in labels.items()
            ]
            return figure_page.render_share_html(figure, snippets, urls, themes, theme)

        return await self._respond(request, render, FORMATS["html"], frame="'none'")

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
                stored=self.stored,
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

            written = commentary_service.latest_on_page(
                self.services.commentary, page.strategy_id, page.revision, page.area.code, page.as_of
            )
            return render_status_page(page, url, written)

        return await self._respond(
            request, render, FORMATS["html"], frame=self.settings.frame_ancestors, cors=False
        )

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
                stored=self.stored,
                strategy_id=request.query_params.get("strategy"),
                version=request.query_params.get("revision"),
                as_of=_date(request),
                lang=_lang(request),
            )
            return rest.dumps(rest.status(page))

        return await self._respond(request, render, FORMATS["json"])

    async def api_status_changes(self, request: Request) -> Response:
        from kpi_api.web import rest

        query = request.query_params
        after_text, first_text = query.get("after", "0"), query.get("first", "50")

        def render():
            if self.stored is None:
                raise assemble.NotFound(
                    "This service does not keep stored evaluations (KPI_STORED_EVALUATIONS=0): there is no change feed."
                )
            after, first = change_feed.cursor_value(after_text), change_feed.cursor_value(first_text)
            if after is None:
                raise BadRequest(f"after must be a cursor this feed handed out, not {quoted(after_text)}")
            if first is None or not 1 <= first <= change_feed.MAX_CHANGES:
                raise BadRequest(f"first must be 1–{change_feed.MAX_CHANGES}, not {quoted(first_text)}")
            catalogue = self.holder.get()
            area, strategy_id, indicator = query.get("area"), query.get("strategy"), query.get("indicator")
            if area is not None and catalogue.areas.get(area) is None:
                raise assemble.NotFound(f"area: there is no area {quoted(area)}")
            if strategy_id is not None and catalogue.strategy(strategy_id) is None:
                raise assemble.NotFound(f"strategy: there is no strategy {quoted(strategy_id)}")
            if indicator is not None and not any(
                r.indicator(indicator) for s in catalogue.strategies for r in s.revisions
            ):
                raise assemble.NotFound(
                    f"indicator: no published revision has an indicator {quoted(indicator)}"
                )
            rows = self.stored.changes_after(
                after, first + 1, strategy_id=strategy_id, area=area, indicator=indicator
            )
            return rest.dumps(rest.status_changes(rows, after, first))

        return await self._respond(request, render, FORMATS["json"])

    async def openapi(self, request: Request) -> Response:
        from kpi_api.web.openapi import document

        return JSONResponse(document(), headers={"Access-Control-Allow-Origin": "*"})
