"""The README's JavaScript example as a classic script in a page of an intranet origin
(headless Chromium): it works where the origin is in KPI_CORS_ORIGINS, and the browser
stops it where it is not (the README says both)."""

import http.server
import re
import threading
from pathlib import Path

import pytest

from tests.service import UNLIMITED_ADDRESSES, serving

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
(SNIPPET,) = [b for b in re.findall(r"```javascript\n(.*?)```", README, flags=re.S) if "goalStatus" in b]


class _Page(http.server.BaseHTTPRequestHandler):
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
    """A real page server on loopback, as `localhost`: another origin than the service's
    http://127.0.0.1:<port> (a page the browser cannot place, e.g. one Playwright makes up,
    counts as public and may not call loopback addresses at all)."""
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page) as pages:
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        yield f"http://localhost:{pages.server_address[1]}"
        pages.shutdown()


def run_in_page(page, origin: str, service: str) -> list:
    """Open a page of `origin` holding the snippet (pointed at `service`); what it logged."""
    script = SNIPPET.replace("http://127.0.0.1:8000", service)
    _Page.html = f"<!doctype html><title>intranet</title><script>{script}</script>".encode()
    logged = []
    page.on("console", lambda message: logged.append(message))
    page.on("pageerror", lambda error: logged.append(error))
    page.goto(f"{origin}/status.html")
    for _ in range(100):
        if any(getattr(m, "type", "error") in ("table", "error") for m in logged):
            break
        page.wait_for_timeout(100)
    return logged


@pytest.fixture(scope="module")
def intranet_service(server, database_url, intranet):
    with serving(database_url, cors_origins=(intranet,), **UNLIMITED_ADDRESSES) as base:
        yield base


def test_the_snippet_runs_in_a_page_of_an_origin_in_kpi_cors_origins(
    page, intranet, intranet_service, seeded
):
    logged = run_in_page(page, intranet, intranet_service)
    assert [m.type for m in logged] == ["table"], [str(m) for m in logged]
    rows = logged[0].args[0].json_value()
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r["status"] for r in rows)


def test_the_snippet_is_stopped_by_the_browser_from_an_origin_not_listed(page, intranet, server, seeded):
    logged = run_in_page(page, intranet, server)  # the shared server lists no origin
    texts = [getattr(m, "text", None) or str(m) for m in logged]
    assert not any(getattr(m, "type", "") == "table" for m in logged)
    assert any("blocked by CORS policy" in t for t in texts), texts
    assert any("Failed to fetch" in t for t in texts), texts  # what the snippet's console.error shows
