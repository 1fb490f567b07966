"""The downloads for documents over HTTP: the chart as PNG (for Word and PowerPoint) and
the figures as an Excel workbook, each the same bytes for the same URL."""

import csv
import datetime
import io
import multiprocessing
import os
import signal
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import httpx
import openpyxl

from tests.web import png_pixels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewbox(server: str, path: str) -> tuple[int, int]:
    _, _, width, height = ET.fromstring(httpx.get(f"{server}/figures/{path}.svg").text).get("viewBox").split()
    return int(width), int(height)


def test_the_png_is_the_svg_at_twice_its_size_for_print(server, seeded):
    png = httpx.get(f"{server}/figures/2.1/151.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"] == 'inline; filename="2.1-151.png"'  # "Save as" names it
    width, height = _viewbox(server, "2.1/151")
    header = png_pixels.header(png.content)
    assert (header["width"], header["height"]) == (2 * width, 2 * height)
    # Pinned: no chunk that could carry a time or a tool's name.
    assert [kind for kind, _ in png_pixels.chunks(png.content)] == [b"IHDR", b"IDAT", b"IEND"]
    # Rendered anew (another URL, so neither cache has it): theme=auto is the light picture.
    light = httpx.get(f"{server}/figures/2.1/151.png?theme=light")
    assert light.headers["etag"] != png.headers["etag"] and light.content == png.content
    assert httpx.get(f"{server}/figures/2.1/151.png").content == png.content


def test_the_png_shows_the_chart_in_the_theme_asked_for(server, seeded):
    width, height = _viewbox(server, "2.1/151")
    light = httpx.get(f"{server}/figures/2.1/151.png?scale=1").content
    rows = png_pixels.pixels(light)
    assert (len(rows), len(rows[0]) // 4) == (height, width)
    colours = png_pixels.colours(light)
    assert rows[0][:4] == bytes.fromhex("ffffffff")  # the light background
    assert bytes.fromhex("0b57a4ff") in colours  # the own series' line (svg.PALETTES)
    assert len(colours) > 20  # text and lines, anti-aliased: far from one colour
    dark = httpx.get(f"{server}/figures/2.1/151.png?scale=1&theme=dark").content
    assert png_pixels.pixels(dark)[0][:4] == bytes.fromhex("121212ff")
    assert bytes.fromhex("6fb6ffff") in png_pixels.colours(dark)


def test_the_png_scale_is_bounded_and_the_error_says_the_limit(server, seeded):
    largest = httpx.get(f"{server}/figures/2.1/151.png?scale=4")
    width, height = _viewbox(server, "2.1/151")
    header = png_pixels.header(largest.content)
    assert (header["width"], header["height"]) == (4 * width, 4 * height)
    for refused in ("5", "0", "2.5", "x", "٢"):
        answer = httpx.get(f"{server}/figures/2.1/151.png", params={"scale": refused})
        assert answer.status_code == 400, refused
        assert "from 1 to 4" in answer.json()["detail"], answer.text


def _sheet_rows(content: bytes, sheet: int) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def test_the_workbook_holds_the_csvs_figures_as_numbers(server, seeded):
    base = f"{server}/figures/2.1/151"
    options = "compare=101"
    answer = httpx.get(f"{base}.xlsx?{options}")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == 'inline; filename="2.1-151.xlsx"'
    header, *rows = _sheet_rows(answer.content, 0)
    assert header == ("Serie", "Rolle", "Områdekode", "Periode", "Værdi", "Enhed")
    danish = httpx.get(f"{base}.csv?{options}").content.decode("utf-8-sig")
    expected = list(csv.DictReader(io.StringIO(danish), delimiter=";"))
    # 2.1 is a rank target: its reference ("Region Hovedstaden, plads 10") is a line of its own.
    assert len(rows) == len(expected) >= 4 and {line["rolle"] for line in expected} == {
        "egen",
        "mål",
        "sammenligning",
    }
    for row, line in zip(rows, expected, strict=True):
        series, role, area, period, value, _ = row
        assert (series, role, area or "", period) == (
            line["serie"],
            line["rolle"],
            line["områdekode"],
            line["periode"],
        )
        assert isinstance(period, str)  # a period stays text: Excel would make 2022-09 a date
        if line["værdi"]:
            assert isinstance(value, int | float) and not isinstance(value, bool), row
            assert Decimal(str(value)) == Decimal(line["værdi"].replace(",", "."))
        else:
            assert value is None  # missing stays empty, never 0
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    formats = {row[4].number_format for row in book.worksheets[0].iter_rows(min_row=2)}
    assert formats and all(f.endswith('" %"') for f in formats), formats  # 2.1 is a share

    english = httpx.get(f"{base}.xlsx?{options}&lang=en").content
    header, *rows = _sheet_rows(english, 0)
    assert header == ("Series", "Role", "Area code", "Period", "Value", "Unit")
    expected = list(csv.DictReader(io.StringIO(httpx.get(f"{base}.csv?{options}&lang=en").text)))
    assert [(r[3], Decimal(str(r[4])) if r[4] is not None else None) for r in rows] == [
        (line["period"], Decimal(line["value"]) if line["value"] else None) for line in expected
    ]
    assert rows[0][0] == "Ballerup" and {r[1] for r in rows} == {"own", "target", "comparison"}


def test_the_sources_sheet_names_the_source_and_says_the_data_are_synthetic(server, seeded):
    base = f"{server}/figures/3.1/151"
    facts = httpx.get(f"{base}.json").json()
    book = openpyxl.load_workbook(io.BytesIO(httpx.get(f"{base}.xlsx").content))
    assert book.sheetnames == ["Tal", "Kilder og noter"]
    notes = dict(book["Kilder og noter"].iter_rows(values_only=True))
    assert next(iter(notes)) == "Syntetiske data" and "opdigtede" in notes["Syntetiske data"]
    assert notes["Kilde"] == "; ".join(facts["sources"]) and facts["sources"]
    assert notes["Offentliggjort"].date().isoformat() == facts["vintage"]
    assert notes["Revision"] == facts["revision"] and notes["Indikator"].startswith("3.1 ")
    assert notes["Status"].startswith("På rette vej")  # ON_TRACK, in words
    assert "9,5\u00a0%" in notes["Sammenfatning"]  # a value never breaks from its unit

    english = openpyxl.load_workbook(io.BytesIO(httpx.get(f"{base}.xlsx?lang=en").content))
    assert english.sheetnames == ["Figures", "Sources and notes"]
    notes = dict(english["Sources and notes"].iter_rows(values_only=True))
    assert next(iter(notes)) == "Synthetic data" and "made up" in notes["Synthetic data"]
    assert notes["Source"] == "; ".join(facts["sources"]) and notes["Status"].startswith("On track")


def test_the_workbook_is_pinned_to_the_datas_vintage(server, seeded):
    base = f"{server}/figures/3.1/151"
    first = httpx.get(f"{base}.xlsx")
    # The same workbook rendered anew (another URL: neither cache has it) is the same bytes.
    again = httpx.get(f"{base}.xlsx?lang=da")
    assert again.headers["etag"] != first.headers["etag"] and again.content == first.content
    vintage = datetime.date.fromisoformat(httpx.get(f"{base}.json").json()["vintage"])
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {vintage.timetuple()[:6]}
    properties = openpyxl.load_workbook(io.BytesIO(first.content)).properties
    assert properties.created.date() == properties.modified.date() == vintage


def test_the_figure_page_links_both_downloads(server, seeded):
    page = httpx.get(f"{server}/figures/3.1/151.html?lang=en").text
    for suffix, media_type, words in (
        ("png", "image/png", "The chart as PNG, for Word and PowerPoint"),
        ("xlsx", XLSX, "The figures as an Excel workbook with sources and notes"),
    ):
        link = f'<a href="/figures/3.1/151.{suffix}?lang=en">{words}</a>'
        assert link in page, page[-1500:]
        answer = httpx.get(f"{server}/figures/3.1/151.{suffix}?lang=en")
        assert answer.status_code == 200 and answer.headers["content-type"] == media_type
    danish = httpx.get(f"{server}/figures/3.1/151.html").text
    assert "Figuren som PNG, til Word og PowerPoint" in danish and "Tallene som Excel-ark" in danish
    unknown = httpx.get(f"{server}/figures/3.1/151.docx")
    assert unknown.status_code == 404 and ".png" in unknown.text and ".xlsx" in unknown.text


def test_a_png_is_drawn_even_after_the_drawing_process_died(server, seeded):
    # The server runs in this process (tests/service.py), so its drawing child is ours.
    assert httpx.get(f"{server}/figures/2.2/151.png?scale=1").status_code == 200
    children = multiprocessing.active_children()
    assert children, "the PNG was not drawn in a child process"
    for child in children:
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    answer = httpx.get(f"{server}/figures/2.2/151.png?scale=1&theme=dark")  # not in the cache
    assert answer.status_code == 200 and png_pixels.header(answer.content)["width"] > 0
    assert {c.pid for c in multiprocessing.active_children()}.isdisjoint({c.pid for c in children})
