"""Figure URLs over HTTP: four formats of the same numbers, options, and headers."""

import csv
import io
import xml.etree.ElementTree as ET

import httpx

SVG = "{http://www.w3.org/2000/svg}"


def test_four_formats_carry_the_same_numbers(server, seeded):
    base = f"{server}/figures/3.1/151"
    data = httpx.get(f"{base}.json").json()
    own = next(s for s in data["series"] if s["role"] == "own")
    assert (own["periods"], own["values"]) == (["2021-12", "2022-12"], ["8", "9.5"])
    assert data["status"]["status"] == "ON_TRACK" and data["synthetic"] is True
    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{base}.csv?lang=en").text)))
    assert [(r["period"], r["value"]) for r in rows if r["role"] == "own"] == [
        ("2021-12", "8"),
        ("2022-12", "9.5"),
    ]
    danish = httpx.get(f"{base}.csv").content.decode("utf-8-sig")  # lang=da, the default
    rows = list(csv.DictReader(io.StringIO(danish), delimiter=";"))
    assert [(r["periode"], r["værdi"]) for r in rows if r["rolle"] == "egen"] == [
        ("2021-12", "8"),
        ("2022-12", "9,5"),
    ]
    svg = httpx.get(f"{base}.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)
    assert root.get("role") == "img" and root.get("viewBox")
    assert "9,5\u00a0%" in root.find(f"{SVG}desc").text and "<script" not in svg.text
    html = httpx.get(f"{base}.html")
    assert "9,5" in html.text and "<script" not in html.text


def test_the_text_says_what_the_picture_shows_for_an_img_alt(server, seeded):
    base = f"{server}/figures/3.1/151"
    text = httpx.get(f"{base}.txt")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    desc = ET.fromstring(httpx.get(f"{base}.svg").text).find(f"{SVG}desc").text
    title, _, words = text.text.partition(". ")
    assert title.endswith("Ballerup") and words.strip() == desc.strip()  # the SVG's own words
    # The declared decimal, a no-break space inside the value, the month in words.
    assert "9,5\u00a0% (december\u00a02022)" in words and "Status:" in words and "Syntetiske data." in words
    english = httpx.get(f"{base}.txt?lang=en").text
    assert "9.5\u00a0% (December\u00a02022)" in english
    assert "Synthetic data." in english and "Status:" in english


def test_benchmarks_differ_and_compared_areas_are_not_drawn_twice(server, seeded):
    root = ET.fromstring(httpx.get(f"{server}/figures/2.1/151.svg?compare=DK,101&lang=en").text)
    groups = {g.get("data-key"): g for g in root.iter(f"{SVG}g") if g.get("data-key")}
    assert "compare:DK" not in groups and "compare:101" in groups  # DK is already a benchmark
    dashes = {
        key: next(g.iter(f"{SVG}polyline")).get("stroke-dasharray")
        for key, g in groups.items()
        if any(g.iter(f"{SVG}polyline"))
    }
    assert len(set(dashes.values())) == len(dashes), dashes  # every series has its own dash pattern


def test_headers_for_embedding_and_revalidation(server, seeded):
    html = httpx.get(f"{server}/figures/2.1/151.html")
    assert html.headers["access-control-allow-origin"] == "*"
    assert "frame-ancestors 'self'" in html.headers["content-security-policy"]
    svg = httpx.get(f"{server}/figures/2.1/151.svg")
    again = httpx.get(f"{server}/figures/2.1/151.svg", headers={"If-None-Match": svg.headers["etag"]})
    assert again.status_code == 304
    other = httpx.get(f"{server}/figures/2.1/151.svg?theme=dark")
    assert other.headers["etag"] != svg.headers["etag"]  # the request is part of the ETag


def test_as_of_and_revision_options(server, seeded):
    latest = httpx.get(f"{server}/figures/2.2/151.json").json()
    replay = httpx.get(f"{server}/figures/2.2/151.json?asOf=2023-02-01").json()
    assert (latest["status"]["value"], replay["status"]["value"]) == ("28.5", "30")
    old = httpx.get(f"{server}/figures/5.5/151.json").json()  # dropped in 2022: shown from 2020
    assert old["revision"] == "2020"
