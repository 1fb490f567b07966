"""The embed page (`.html?embed=1`), the share page (`/figures/{i}/{a}/share`) and the
themes of the HTML pages, over a real server: readers see no embed code, editors get
escaped snippets, only the embed page may be framed by other sites, and every link keeps
the revision and date the page was asked for."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from kpi_api.web import links
from tests.web.html_reading import parsed

README = Path(__file__).resolve().parents[2] / "README.md"


def csp(response: httpx.Response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives if d[0]}


def hrefs(markup: str) -> list[str]:
    return [a["href"] for tag, a in parsed(markup).elements if tag == "a" and "href" in a]


def test_the_embed_page_holds_figure_status_source_and_a_closed_table_but_no_code(server, seeded):
    response = httpx.get(f"{server}/figures/3.1/151.html?embed=1")
    assert response.status_code == 200, response.text
    page = parsed(response.text)
    tags = [tag for tag, _ in page.elements]
    assert (
        tags.count("svg") == 2
    )  # the wide and the narrow layout, one shown and "table" in tags and "h1" in tags
    # The table is behind a disclosure that starts closed.
    body = response.text
    assert body.index("<details>") < body.index("<table") < body.index("</details>")
    assert "<summary>Vis tallene bag figuren</summary>" in body
    assert "9,5" in body and "Status" not in body.split("</style>")[0]  # the value, in words below
    assert "Kilde" in body and "Offentliggjort" in body
    # No embed code for readers: no snippet, no listener, no <pre><code>.
    assert page.snippets == [] and "&lt;iframe" not in body and "kommune-kpi-height" not in body
    assert "Indlejr" not in body and "iframe" not in body
    # Its one script is the height script, from /static; nothing inline.
    scripts = [a for tag, a in page.elements if tag == "script"]
    assert scripts == [{"src": "/static/embed-height.js", "defer": None}]
    assert re.search(r"<script[^>]*>[^<]", body) is None
    english = httpx.get(f"{server}/figures/3.1/151.html?embed=1&lang=en").text
    assert "<summary>Show the figures behind the chart</summary>" in english and "Source" in english


def test_the_height_script_is_served_and_the_csp_lets_only_the_embed_page_run_it(server, seeded):
    script = httpx.get(f"{server}/static/embed-height.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert '"kommune-kpi-height"' in script.text and "postMessage" in script.text
    embed = csp(httpx.get(f"{server}/figures/3.1/151.html?embed=1"))
    assert embed["script-src"] == "'self'" and embed["default-src"] == "'none'"
    for path in ("/figures/3.1/151.html", "/figures/3.1/151/share", "/figures/3.1/151.svg"):
        assert "script-src" not in csp(httpx.get(f"{server}{path}")), path


def test_only_the_embed_page_may_be_framed_by_other_sites(server, seeded):
    # KPI_EMBED_FRAME_ANCESTORS: any site by default; KPI_FRAME_ANCESTORS ('self') for the rest.
    assert csp(httpx.get(f"{server}/figures/3.1/151.html?embed=1"))["frame-ancestors"] == "*"
    assert csp(httpx.get(f"{server}/figures/3.1/151.html"))["frame-ancestors"] == "'self'"
    assert csp(httpx.get(f"{server}/figures/3.1/151.svg"))["frame-ancestors"] == "'self'"
    assert csp(httpx.get(f"{server}/figures/3.1/151/share"))["frame-ancestors"] == "'none'"
    assert csp(httpx.get(f"{server}/figures/3.1/151.json"))["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("embed=yes", "embed must be 1 (the page for an iframe), not 'yes'"),
        ("embed=", "embed must be 1 (the page for an iframe), not ''"),
    ],
)
def test_embed_takes_only_1(server, seeded, query, message):
    response = httpx.get(f"{server}/figures/3.1/151.html?{query}")
    assert response.status_code == 400 and message in response.json()["detail"], response.text


def test_the_other_formats_ignore_embed(server, seeded):
    for fmt in ("svg", "csv", "json", "txt"):
        plain, asked = (httpx.get(f"{server}/figures/3.1/151.{fmt}{q}") for q in ("", "?embed=1"))
        assert asked.status_code == 200 and asked.content == plain.content, fmt
        assert csp(asked).get("frame-ancestors") == csp(plain).get("frame-ancestors") != "*", fmt


def test_readers_see_no_embed_code_on_the_figure_page_but_a_link_to_the_share_page(server, seeded):
    body = httpx.get(f"{server}/figures/3.1/151.html?revision=2022&asOf=2023-02-01").text
    assert parsed(body).snippets == [] and "&lt;iframe" not in body and "Indlejr figuren" not in body
    share = [h for h in hrefs(body) if "/share" in h]
    assert share == ["/figures/3.1/151/share?asOf=2023-02-01&revision=2022"]


def test_every_link_is_pinned_to_the_revision_and_date_the_page_had(server, seeded):
    query = "revision=2022&asOf=2023-02-01&lang=en&theme=dark&compare=101"
    wanted = {"revision": ["2022"], "asOf": ["2023-02-01"], "lang": ["en"], "compare": ["101"]}
    for path in ("/figures/3.1/151.html", "/figures/3.1/151.html?embed=1", "/figures/3.1/151/share"):
        separator = "&" if "?" in path else "?"
        body = httpx.get(f"{server}{path}{separator}{query}").text
        found = hrefs(body)
        share = parsed(body)
        snippet_urls = [
            a["src"] for snippet in share.snippets for tag, a in parsed(snippet).elements if "src" in a
        ]
        assert found, path
        for href in found + snippet_urls:
            params = parse_qs(urlsplit(href).query)
            theme = params.pop("theme", None)
            params.pop("embed", None)
            assert params == wanted, (path, href)
            # The share page's theme switch changes the theme; everything else keeps it.
            assert theme in (["dark"], ["auto"], None), (path, href)


def test_the_share_page_has_the_escaped_snippets_and_the_readme_s_listener(server, seeded):
    response = httpx.get(f"{server}/figures/3.1/151/share?lang=en")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = parsed(response.text)
    assert not [tag for tag, _ in page.elements if tag in ("script", "img", "iframe")]  # shown, not run
    iframe, listener, img = page.snippets
    (frame,) = parsed(iframe).elements
    assert frame[0] == "iframe" and frame[1]["src"] == "/figures/3.1/151.html?embed=1&lang=en"
    assert frame[1]["height"] == str(links.EMBED_HEIGHT)
    assert listener == links.HEIGHT_LISTENER
    assert listener in README.read_text(encoding="utf-8")  # the README shows the same listener
    (image,) = parsed(img).elements
    assert image[0] == "img" and image[1]["src"] == "/figures/3.1/151.svg?lang=en"
    assert "/figures/3.1/151.txt?lang=en" in hrefs(response.text)
    assert httpx.get(f"{server}/figures/nope/151/share").status_code == 404


def test_the_svg_is_light_unless_asked_otherwise(server, seeded):
    default = httpx.get(f"{server}/figures/3.1/151.svg").text
    assert "prefers-color-scheme" not in default
    assert default == httpx.get(f"{server}/figures/3.1/151.svg?theme=light").text
    assert "prefers-color-scheme: dark" in httpx.get(f"{server}/figures/3.1/151.svg?theme=auto").text
    assert "prefers-color-scheme" not in httpx.get(f"{server}/figures/3.1/151.svg?theme=dark").text


@pytest.mark.parametrize(
    "path", ["/figures/3.1/151.html", "/figures/3.1/151.html?embed=1", "/figures/3.1/151/share"]
)
def test_the_theme_colours_the_whole_page(server, seeded, path):
    separator = "&" if "?" in path else "?"

    def style(theme: str | None) -> str:
        url = f"{server}{path}" + (f"{separator}theme={theme}" if theme else "")
        return httpx.get(url).text.split("</style>")[0]

    light, dark, auto = style(None), style("dark"), style("auto")
    page_light, page_dark = "--bg: #ffffff", "--bg: #121212"
    assert page_light in light and page_dark not in light and "prefers-color-scheme" not in light
    assert '<meta name="color-scheme" content="light">' in light
    assert page_dark in dark and page_light not in dark and "prefers-color-scheme" not in dark
    assert '<meta name="color-scheme" content="dark">' in dark
    assert page_light in auto and "@media (prefers-color-scheme: dark)" in auto
    assert '<meta name="color-scheme" content="light dark">' in auto
