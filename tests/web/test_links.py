"""The links pages hand out, over a real server: built from KPI_PUBLIC_URL and the parsed
parameters, never from the Host header or the raw query; embed snippets that stay inert
when a published name is hostile."""

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.storage import tokens
from kpi_core.shipped import _DATA
from tests.conftest import serving
from tests.web.html_reading import parsed

STRATEGY = "ballerup-beskaeftigelsesstrategi"
HOSTILE = """"><img src=x onerror=alert(1)> & '</code></pre><script>alert(2)</script>"""
PUBLISH = """mutation($text: String!) { publishRevision(catalogue: $text) { published problems } }"""
PUBLIC_URL = "https://kpi.example.dk"


# This module publishes a revision: its own database and servers.
@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('links') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url):
    with serving(database_url) as base:
        yield base


@pytest.fixture(scope="module")
def public_server(server, database_url):
    with serving(database_url, public_url=PUBLIC_URL) as base:
        yield base


@pytest.fixture(scope="module")
def hostile_revision(server, database_url) -> str:
    """A revision whose indicator 2.1 is named HOSTILE, published over GraphQL."""
    token, _ = tokens.create(open_services(database_url).engine, tokens.Scope.PUBLISH, "links test")
    text = (_DATA / "catalogue" / f"{STRATEGY}-2022.toml").read_text(encoding="utf-8")
    text = text[: text.index("# ── What changed since the 2020 revision")]  # no changes against 2022
    text = text.replace('version = "2022"', 'version = "2099-hostile"').replace(
        "in_force_from = 2022-11-09", "in_force_from = 2099-01-01"
    )
    start = text.index("name = ", text.index('id = "2.1"'))
    end = text.index("\n", start)
    # json.dumps gives a valid TOML basic string (quotes and backslashes escaped).
    text = text[:start] + f"name = {{ da = {json.dumps(HOSTILE)}, en = {json.dumps(HOSTILE)} }}" + text[end:]
    answer = httpx.post(
        f"{server}/graphql",
        json={"query": PUBLISH, "variables": {"text": text}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert answer["data"]["publishRevision"] == {"published": True, "problems": []}, answer
    return "2099-hostile"


def page_links(markup: str) -> list[str]:
    return [a["href"] for tag, a in parsed(markup).elements if tag == "a" and "href" in a]


def test_a_hostile_name_stays_one_attribute_in_each_embed_snippet(server, hostile_revision):
    for path in ("151.html?", "151.html?embed=1&", "151/share?"):  # named on each, run on none
        response = httpx.get(f"{server}/figures/2.1/{path}revision={hostile_revision}")
        assert response.status_code == 200, response.text
        elements = parsed(response.text).elements
        assert not [tag for tag, _ in elements if tag in ("img", "iframe")], path  # embeds nothing
        scripts = [a for tag, a in elements if tag == "script"]
        assert scripts in ([], [{"src": "/static/embed-height.js", "defer": None}]), path
        assert not [name for _, a in elements for name in a if name.startswith("on")], path
    page = parsed(response.text)  # the share page
    iframe, listener, img = page.snippets
    assert "<script>" in listener and HOSTILE not in listener
    (iframe_element,) = parsed(iframe).elements  # exactly one element when pasted elsewhere
    assert iframe_element[0] == "iframe" and iframe_element[1]["title"] == f"{HOSTILE}, Ballerup"
    assert set(iframe_element[1]) == {"src", "title", "width", "height", "style"}
    (img_element,) = parsed(img).elements
    assert img_element[0] == "img" and img_element[1]["alt"] == f"{HOSTILE}, Ballerup"
    assert set(img_element[1]) == {"src", "alt", "width"}


def test_links_ignore_the_host_header_that_the_cache_does_not_key(server):
    poison = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "javascript"}
    first = httpx.get(f"{server}/figures/2.1/151.html?lang=en", headers=poison)
    second = httpx.get(f"{server}/figures/2.1/151.html?lang=en")
    for response in (first, second):
        assert (
            response.status_code == 200
            and "evil.example" not in response.text
            and "javascript" not in response.text
        )
    assert first.headers["etag"] == second.headers["etag"]  # the second came from the cache
    links = page_links(second.text)
    assert links == [
        *(f"/figures/2.1/151.{f}?lang=en" for f in ("svg", "png", "csv", "xlsx", "json")),
        "/figures/2.1/151/share?lang=en",
    ]
    share = httpx.get(f"{server}/figures/2.1/151/share?lang=en", headers=poison)
    assert "evil.example" not in share.text
    iframe, _listener, _img = parsed(share.text).snippets
    assert parsed(iframe).elements[0][1]["src"] == "/figures/2.1/151.html?embed=1&lang=en"


def test_with_a_public_url_the_links_are_absolute_on_it(public_server):
    response = httpx.get(f"{public_server}/figures/2.1/151.html", headers={"Host": "evil.example"})
    assert "evil.example" not in response.text
    assert page_links(response.text) == [
        *(f"{PUBLIC_URL}/figures/2.1/151.{f}" for f in ("svg", "png", "csv", "xlsx", "json")),
        f"{PUBLIC_URL}/figures/2.1/151/share",
    ]
    share = httpx.get(f"{public_server}/figures/2.1/151/share", headers={"Host": "evil.example"}).text
    iframe, _listener, img = parsed(share).snippets
    assert parsed(iframe).elements[0][1]["src"] == f"{PUBLIC_URL}/figures/2.1/151.html?embed=1"
    assert parsed(img).elements[0][1]["src"] == f"{PUBLIC_URL}/figures/2.1/151.svg"
    embed = httpx.get(f"{public_server}/figures/2.1/151.html?embed=1", headers={"Host": "evil.example"}).text
    assert f'<script src="{PUBLIC_URL}/static/embed-height.js" defer>' in embed
    assert page_links(embed) == [f"{PUBLIC_URL}/figures/2.1/151.html"]


def test_the_public_url_setting_is_checked(monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_URL", "https://kpi.example.dk/kpi/")
    assert Settings.from_env().public_url == "https://kpi.example.dk/kpi"
    monkeypatch.setenv("KPI_PUBLIC_URL", "javascript:alert(1)")
    with pytest.raises(
        SystemExit, match="KPI_PUBLIC_URL='javascript:alert\\(1\\)' is not an http\\(s\\) URL"
    ):
        Settings.from_env()


def test_switch_links_carry_only_parsed_parameters(server):
    response = httpx.get(
        f"{server}/status/151?revision=2022&foo=x%26asOf%3D2015-01-01&lang=da%26strategy%3Dx"
    )
    assert response.status_code == 400  # lang is checked; nothing is echoed into links
    response = httpx.get(f"{server}/status/151?revision=2022&foo=x%26asOf%3D2015-01-01")
    switches = [h for h in page_links(response.text) if h.startswith("/status/")]
    assert len(switches) >= 4  # two revisions, two languages
    for href in switches:
        query = parse_qs(urlsplit(href).query)
        assert set(query) == {"revision", "lang"}, href
    dated = httpx.get(f"{server}/status/151?revision=2022&asOf=2023-02-01&strategy={STRATEGY}")
    for href in (h for h in page_links(dated.text) if h.startswith("/status/")):
        query = parse_qs(urlsplit(href).query)
        assert query["asOf"] == ["2023-02-01"] and query["strategy"] == [STRATEGY], href


def test_figure_links_carry_only_parsed_parameters(server):
    response = httpx.get(f"{server}/figures/2.1/151.html?foo=x%26lang%3Den&compare=101&from=2021-9")
    assert response.status_code == 400  # from is checked
    response = httpx.get(
        f"{server}/figures/2.1/151.html?foo=x%26lang%3Den&compare=101&from=2021-09&theme=dark"
    )
    for href in page_links(response.text):
        assert parse_qs(urlsplit(href).query) == {
            "compare": ["101"],
            "from": ["2021-09"],
            "theme": ["dark"],
        }, href


def test_no_two_queries_share_an_etag(server):
    joined = httpx.get(f"{server}/api/strategies?a=1%26b%3D2")
    apart = httpx.get(f"{server}/api/strategies?a=1&b=2")
    assert joined.headers["etag"] != apart.headers["etag"]
