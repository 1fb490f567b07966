"""The embed page in a real browser (headless Chromium): in an iframe of a page of
another origin holding the README's snippet, the iframe takes the page's height (no inner
scrollbar, at 360 and 1280 px, with the data table closed and open); without script it is
whole; axe-core finds no violation of any impact on the embed and share pages, in both
themes and both languages, at both widths."""

import http.server
import re
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
(SNIPPET,) = [b for b in re.findall(r"```html\n(.*?)```", README, flags=re.S) if "embed=1" in b]
WIDTHS = (360, 1280)


class _Host(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def intranet():
    """An intranet page server on loopback as `localhost`: another origin than the
    service's http://127.0.0.1:<port>, as an intranet is."""
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Host) as pages:
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        yield f"http://localhost:{pages.server_address[1]}"
        pages.shutdown()


def host_page(service: str) -> bytes:
    snippet = SNIPPET.replace("https://kpi.example.dk", service)
    return (
        '<!doctype html><html lang="da"><title>Intranet</title>'
        f"<main><h1>Beskæftigelse</h1><p>Tekst før figuren.</p>{snippet}<p>Tekst efter.</p></main>"
    ).encode()


def frame_fits(page) -> None:
    """Wait until the iframe has its page's height; then nothing inside scrolls."""
    page.wait_for_function('() => document.querySelector("iframe").style.height !== ""')
    frame = page.frames[1]
    frame.wait_for_function(
        """() => {
            const root = document.documentElement;
            return root.scrollHeight <= root.clientHeight;
        }"""
    )
    sizes = frame.evaluate(
        """() => { const r = document.documentElement;
                   return [r.scrollHeight, r.clientHeight, r.scrollWidth, r.clientWidth]; }"""
    )
    scroll_height, client_height, scroll_width, client_width = sizes
    assert scroll_height <= client_height and scroll_width <= client_width, sizes
    # And the iframe is not taller than the page by more than a rounding pixel.
    assert client_height - frame.evaluate("document.documentElement.getBoundingClientRect().height") < 2


@pytest.mark.parametrize("width", WIDTHS)
def test_the_iframe_takes_the_embed_page_s_height(browser, server, seeded, intranet, width):
    _Host.html = host_page(server)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{intranet}/figure.html")
    iframe = page.locator("iframe")
    assert iframe.get_attribute("height") == "840"  # the snippet's height, until told
    frame_fits(page)
    closed = iframe.bounding_box()["height"]
    frame = page.frames[1]
    assert frame.url.startswith(f"{server}/figures/2.1/151.html?embed=1")
    assert frame.locator("svg[role=img]:visible").count() == 1 and frame.locator("details[open]").count() == 0
    frame.locator("summary").click()  # the data table opens: the page grows, the iframe with it
    page.wait_for_function(f"document.querySelector('iframe').getBoundingClientRect().height > {closed}")
    frame_fits(page)
    assert frame.locator("details[open] table caption").is_visible()
    context.close()


def test_without_script_the_embed_page_is_whole(browser, server, seeded):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/figures/2.1/151.html?embed=1")
    assert page.locator("svg[role=img]:visible").is_visible()
    assert "Status" in page.locator("main").inner_text() or page.locator("strong").first.is_visible()
    page.locator("summary").click()  # a disclosure needs no script
    assert page.locator("table caption").is_visible() and page.get_by_text("Kilde").is_visible()
    context.close()


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize(
    "path", ["/figures/2.1/151.html?embed=1&compare=101", "/figures/2.1/151/share?compare=101"]
)
def test_no_accessibility_violations(browser, server, seeded, path, lang, theme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=theme)
    page = context.new_page()
    page.goto(f"{server}{path}&lang={lang}&theme={theme}")
    if "embed" in path:
        page.locator("summary").click()  # the table too
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize(("theme", "scheme"), [("dark", "light"), ("auto", "dark"), ("light", "dark")])
def test_the_figure_page_in_each_theme_is_one_colour_and_accessible(browser, server, seeded, theme, scheme):
    """The whole page follows `theme`, not only the chart: light stays light for a reader
    whose system is dark; auto follows the system."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/figures/2.1/151.html?theme={theme}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    chart = page.evaluate("getComputedStyle(document.querySelector('svg .bg')).fill")
    dark = theme == "dark" or (theme == "auto" and scheme == "dark")
    assert background == ("rgb(18, 18, 18)" if dark else "rgb(255, 255, 255)")
    assert chart == background  # the chart's background is the page's
    assert violations(page) == []
    context.close()


def test_the_disclosure_opens_from_the_keyboard(browser, server, seeded):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/figures/2.1/151.html?embed=1")
    for _ in range(10):  # the synthetic-data note and the chart hold no focus stops
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details[open] table").is_visible()
    context.close()
