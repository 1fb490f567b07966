"""The figure renderers (SVG, HTML, CSV, JSON) on a fixed synthetic dataset.

Snapshots: the SVG and HTML of indicator 2.2 for Ballerup (151) are compared with
tests/web/snapshots/. After an intended change, review the diff and rewrite them with

    UPDATE_SNAPSHOTS=1 python -m pytest tests/web/test_figure_render.py
"""

import csv
import datetime
import io
import itertools
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import kpi_core
from kpi_api.web.figure_formats import CSV_HEADER, figure_csv, figure_json
from kpi_api.web.figure_page import render_figure_html
from kpi_api.web.svg import DASHES, PALETTES, TEXT_COLOURS, render_svg
from kpi_api.web.view_models import FigureData, Line
from kpi_core import Lang, Observation, Text

SNAPSHOTS = Path(__file__).parent / "snapshots"
NS = {"svg": "http://www.w3.org/2000/svg"}

MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)][:21]  # 2021-01 … 2022-09
OWN = [
    "35.2",
    "34.8",
    "34.9",
    "34.1",
    "33.6",
    "33.9",
    "33.4",
    "33.2",
    "33.0",
    "32.7",
    "32.9",
    "32.4",
    "32.0",
    "31.8",
    None,
    "31.5",
    "31.1",
    "30.9",
    "31.0",
    "30.7",
    "30.5",
]  # 2022-03 suppressed
DK = [
    "29.1",
    "29.0",
    "28.9",
    "28.9",
    "28.8",
    "28.7",
    "28.7",
    "28.6",
    "28.5",
    "28.5",
    "28.4",
    "28.4",
    "28.3",
    "28.3",
    "28.2",
    "28.2",
    "28.2",
    "28.1",
    "28.1",
    "28.1",
    "28.1",
]
KBH = [
    "31.0",
    "30.8",
    "30.9",
    "30.5",
    "30.1",
    "30.2",
    "29.9",
    "29.8",
    "29.6",
    "29.5",
    "29.6",
    "29.2",
    "29.0",
    "28.9",
    "28.9",
    "28.7",
    "28.4",
    "28.5",
    "28.3",
    "28.2",
    "28.0",
]
REGION = [
    "30.2",
    "30.0",
    "30.1",
    "29.8",
    "29.5",
    "29.5",
    "29.3",
    "29.2",
    "29.0",
    "28.9",
    "28.9",
    "28.7",
    "28.6",
    "28.5",
    "28.5",
    "28.4",
    "28.3",
    "28.3",
    "28.2",
    "28.2",
    "28.1",
]


STRATEGY = next(s for s in kpi_core.shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi")


def _indicator(indicator_id: str) -> kpi_core.Indicator:
    return STRATEGY.revision("2022").indicator(indicator_id)


def _line(key, role, label, area, periods, values) -> Line:
    return Line(
        key, role, label, area, tuple(periods), tuple(None if v is None else Decimal(v) for v in values)
    )


def figure_22(lang: Lang = Lang.DA, synthetic: bool = True) -> FigureData:
    """Indicator 2.2 for Ballerup: own, the country (the reference) and two compared areas."""
    indicator, areas = _indicator("2.2"), kpi_core.shipped_areas()
    lines = (
        _line("own", "own", Text("Ballerup", "Ballerup"), "151", MONTHS, OWN),
        _line("DK", "reference", Text("Hele landet", "The whole country"), "DK", MONTHS, DK),
        _line("compare:101", "compare", Text("København", "Copenhagen"), "101", MONTHS, KBH),
        _line(
            "compare:1084",
            "compare",
            Text("Region Hovedstaden", "Capital Region of Denmark"),
            "1084",
            MONTHS,
            REGION,
        ),
    )
    observations = [
        Observation("2.2", line.area, p, v)
        for line in lines[:2]
        for p, v in zip(line.periods, line.values, strict=False)
    ]
    return FigureData(
        strategy_id="ballerup-beskaeftigelsesstrategi",
        revision="2022",
        indicator=indicator,
        area=areas.get("151"),
        lines=lines,
        target=kpi_core.describe_target(indicator.target, indicator.unit),
        target_value=None,
        evaluation=kpi_core.evaluate(indicator, "151", "2022-09", observations, areas),
        sources=("Jobindsats.dk (syntetisk testudtræk)",),
        vintage=datetime.date(2022, 10, 14),
        synthetic=synthetic,
        lang=lang,
        strategy_name=STRATEGY.name,
    )


def figure_21_en() -> FigureData:
    """Indicator 2.1 (rank among the region's municipalities), quarterly, in English, with
    a target step line and a fixed target value, so every role is drawn at once."""
    indicator, areas = _indicator("2.1"), kpi_core.shipped_areas()
    quarters = [f"{y}Q{q}" for y in range(2019, 2023) for q in range(1, 5)][:15]  # 2019Q1 … 2022Q3
    members = [m.code for m in areas.municipalities_in("1084")]
    # Others 2.0 … 4.8 % with a seasonal swing; Ballerup falls from 3.6 % to 3.18 %, from
    # rank 12 a year earlier to rank 11 of 29: not among the best 10, but on track.
    observations = [
        Observation(
            "2.1",
            code,
            p,
            Decimal("3.6") - Decimal("0.03") * j
            if code == "151"
            else Decimal(2) + Decimal(i) / 10 + Decimal(j % 4) / 20,
        )
        for i, code in enumerate(members)
        for j, p in enumerate(quarters)
    ]
    own = [o.value for o in observations if o.area == "151"]
    evaluation = kpi_core.evaluate(indicator, "151", "2022Q3", observations, areas)
    return FigureData(
        strategy_id="ballerup-beskaeftigelsesstrategi",
        revision="2022",
        indicator=indicator,
        area=areas.get("151"),
        lines=(
            Line("own", "own", Text("Ballerup", "Ballerup"), "151", tuple(quarters), tuple(own)),
            _line(
                "1084",
                "reference",
                Text("Region Hovedstaden", "Capital Region"),
                "1084",
                quarters,
                ["3.1"] * 15,
            ),
            _line(
                "target",
                "target",
                Text("10. bedste", "10th best"),
                None,
                quarters,
                ["2.9", "2.95", "3.0"] * 5,
            ),
            _line(
                "compare:101",
                "compare",
                Text("København", "Copenhagen"),
                "101",
                quarters,
                ["3.3"] * 14 + [None],
            ),
        ),
        target=kpi_core.describe_target(indicator.target, indicator.unit),
        target_value=Decimal("2.5"),
        evaluation=evaluation,
        sources=("Jobindsats.dk",),
        vintage=None,
        synthetic=False,
        lang=Lang.EN,
    )


def html_for(figure: FigureData) -> str:
    base = "https://kpi.example/figures/ballerup-beskaeftigelsesstrategi/2022/2.2/151"
    return render_figure_html(
        figure,
        render_svg(figure),
        {"svg": f"{base}.svg", "csv": f"{base}.csv", "json": f"{base}.json"},
        f"{base}/share",
    )


def check_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    how = "run with UPDATE_SNAPSHOTS=1 to write it, after checking the output is right"
    assert path.exists(), f"snapshot {path} is missing; {how}"
    assert path.read_text(encoding="utf-8") == actual, f"{name} differs from the snapshot; if intended, {how}"


# --- snapshots ------------------------------------------------------------------------


def test_svg_snapshot():
    # The auto theme holds both palettes and the media query between them.
    check_snapshot("figure-2.2-151.svg", render_svg(figure_22(), "auto"))


def test_html_snapshot():
    check_snapshot("figure-2.2-151.html", html_for(figure_22()))


def test_rendering_is_deterministic():
    assert render_svg(figure_22()) == render_svg(figure_22())
    assert html_for(figure_22()) == html_for(figure_22())


# --- SVG properties -------------------------------------------------------------------


def test_svg_is_an_accessible_image():
    svg = render_svg(figure_22())
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 720 400"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Andelen af forsikrede ledige borgere" in title.text and "Ballerup" in title.text
    # Values with 2.2's declared decimal and a no-break space, the month in words.
    assert desc.text == (
        "Seneste værdi: 30,5\u00a0% (september\u00a02022). Sammenlignet med Hele landet: 28,1\u00a0%. "
        "Status: ikke nået, på rette vej. Syntetiske data."
    )
    assert "<script" not in svg.lower()
    assert "href" not in svg and "url(" not in svg  # nothing external


def test_svg_in_english():
    root = ET.fromstring(render_svg(figure_21_en()))
    desc = root.find("svg:desc", NS).text
    assert desc == (
        "Latest value: 3.2\u00a0% (Q3\u00a02022). Compared with Capital Region of Denmark, rank 10: 3.1\u00a0%. "
        "Rank: 11 of 29. Status: not achieved, on track."
    )
    assert "Full-time unemployed" in root.find("svg:title", NS).text


def test_y_labels_use_the_danish_decimal_comma():
    root = ET.fromstring(render_svg(figure_22()))
    labels = [t.text for t in root.find("svg:g[@class='y-axis']", NS).iterfind("svg:text", NS)]
    assert labels and all(re.fullmatch(r"\d+(,\d+)?\u00a0%", label) for label in labels)
    decimals = {len(label.partition(",")[2].removesuffix("\u00a0%")) for label in labels}
    assert len(decimals) == 1  # every tick with the same number of decimals


def test_a_missing_value_breaks_the_line():
    root = ET.fromstring(render_svg(figure_22()))
    own = root.find("svg:g[@data-key='own']", NS)
    polylines = own.findall("svg:polyline", NS)
    assert len(polylines) == 2  # before and after the suppressed 2022-03
    points = [p.get("points").split() for p in polylines]
    assert [len(p) for p in points] == [14, 6]
    bottom = float(root.find("svg:g[@class='x-axis']/svg:line", NS).get("y1"))
    assert all(float(pt.split(",")[1]) < bottom for p in points for pt in p)  # never drawn at zero


def test_every_series_differs_by_dash_and_colour():
    for figure in (figure_22(), figure_21_en()):
        root = ET.fromstring(render_svg(figure))
        looks = {}
        for g in root.iterfind("svg:g[@class='line']", NS):
            stroke = g.find("svg:polyline", NS)
            looks[g.get("data-key")] = (stroke.get("class"), stroke.get("stroke-dasharray"))
        if figure.target_value is not None:
            line = root.find("svg:g[@class='target-value']/svg:line", NS)
            looks["target_value"] = (line.get("class"), line.get("stroke-dasharray"))
            assert line.get("stroke-dasharray") == DASHES["threshold"]
        assert set(looks) - {"target_value"} == {line.key for line in figure.lines}
        assert len({cls for cls, _ in looks.values()}) == len(looks)
        assert len({dash for _, dash in looks.values()}) == len(looks)


def test_legend_names_every_line_in_text():
    figure = figure_21_en()
    root = ET.fromstring(render_svg(figure))
    legend = [t.text for t in root.find("svg:g[@class='legend']", NS).iterfind("svg:text", NS)]
    assert legend[:4] == [line.label(Lang.EN) for line in figure.lines]
    assert legend[4].startswith("Target: Among the ten municipalities in the Capital Region of Denmark")


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_palette_contrast_meets_wcag_aa(theme):
    palette = PALETTES[theme]
    for name, colour in palette.items():
        if name == "background":
            continue
        needed = 4.5 if name in TEXT_COLOURS else 3.0
        assert contrast(colour, palette["background"]) >= needed, f"{theme} {name} {colour}"


def test_themes_choose_the_palette():
    light, dark, auto = (render_svg(figure_22(), theme) for theme in ("light", "dark", "auto"))
    assert PALETTES["light"]["own"] in light and PALETTES["dark"]["own"] not in light
    assert PALETTES["dark"]["own"] in dark and PALETTES["light"]["own"] not in dark
    assert "prefers-color-scheme: dark" in auto and "@media" not in light + dark
    assert render_svg(figure_22()) == light  # the default: an <img> on a white page stays white
    with pytest.raises(ValueError):
        render_svg(figure_22(), "sepia")


def test_x_labels_never_overlap_over_sixteen_years_of_months():
    months = [f"{y}-{m:02d}" for y in range(2007, 2023) for m in range(1, 13)]
    figure = attrs.evolve(
        figure_22(),
        lines=(
            _line(
                "own",
                "own",
                Text("Ballerup", "Ballerup"),
                "151",
                months,
                [str(20 + i % 7) for i in range(len(months))],
            ),
        ),
    )
    root = ET.fromstring(render_svg(figure))
    labels = [
        (float(t.get("x")), t.text) for t in root.find("svg:g[@class='x-axis']", NS).iterfind("svg:text", NS)
    ]
    assert len(labels) >= 4
    for (x1, a), (x2, b) in itertools.pairwise(labels):
        assert x2 - x1 > (len(a) + len(b)) / 2 * 6.5, (a, b)  # ~6.5 px per character at 11 px
    assert all(x - len(text) * 3.25 >= 0 and x + len(text) * 3.25 <= 720 for x, text in labels)


def test_a_long_title_is_shortened_but_keeps_the_area():
    figure = figure_22()
    long_name = attrs.evolve(figure.indicator, name=Text("Meget lang " * 30, "Very long " * 30))
    root = ET.fromstring(render_svg(attrs.evolve(figure, indicator=long_name)))
    shown = [t.text for t in root.iterfind("svg:text", NS)][:2]
    assert shown[1].endswith("… – Ballerup") and all(len(line) <= 76 for line in shown)
    assert root.find("svg:title", NS).text == f"{long_name.name.da} – Ballerup"


def test_text_is_escaped():
    figure = figure_22()
    odd = attrs.evolve(figure.lines[2], label=Text('<b>"A&B"</b>', '<b>"A&B"</b>'))
    svg = render_svg(attrs.evolve(figure, lines=(figure.lines[0], figure.lines[1], odd)))
    ET.fromstring(svg)
    assert "<b>" not in svg and "&lt;b&gt;" in svg


# --- CSV and JSON ---------------------------------------------------------------------


def test_csv_has_one_row_per_point():
    figure = figure_22(Lang.EN)
    rows = list(csv.reader(io.StringIO(figure_csv(figure))))
    assert tuple(rows[0]) == CSV_HEADER == ("series", "role", "area", "period", "value", "unit")
    expected = [
        [line.key, line.role, line.area or "", p, "" if v is None else str(v), "percent"]
        for line in figure.lines
        for p, v in zip(line.periods, line.values, strict=False)
    ]
    assert rows[1:] == expected
    assert ["own", "own", "151", "2022-03", "", "percent"] in rows
    assert ["own", "own", "151", "2022-09", "30.5", "percent"] in rows


def test_the_danish_csv_opens_in_danish_excel_as_it_is():
    figure = figure_22(Lang.DA)
    text = figure_csv(figure)
    assert text.startswith("\ufeffserie;rolle;områdekode;periode;værdi;enhed\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    expected = [
        [
            line.label(Lang.DA),
            line.role,
            line.area or "",
            p,
            "" if v is None else format(v, "f").replace(".", ","),
            "%",
        ]
        for line in figure.lines
        for p, v in zip(line.periods, line.values, strict=False)
    ]
    assert [[r[0], r[2], r[3], r[4], r[5]] for r in rows[1:]] == [
        [e[0], e[2], e[3], e[4], e[5]] for e in expected
    ]
    assert ["Ballerup", "egen", "151", "2022-09", "30,5", "%"] in rows
    assert ["Ballerup", "egen", "151", "2022-03", "", "%"] in rows  # missing stays empty, never 0
    assert next(r[:2] for r in rows if r[2] == "DK") == ["Hele landet", "reference"]
    assert "." not in "".join(r[4] for r in rows[1:])  # no decimal point Danish Excel would misread


def test_json_shape_and_decimal_strings():
    data = figure_json(figure_22())
    assert set(data) == {
        "indicator",
        "area",
        "strategy",
        "revision",
        "status",
        "series",
        "sources",
        "vintage",
        "synthetic",
        "judgedOn",
        "revisionNotes",
    }
    assert (data["judgedOn"], data["revisionNotes"]) == (None, [])  # built without a basis here
    assert data["indicator"] == {
        "id": "2.2",
        "name": _indicator("2.2").name.da,
        "unit": "percent",
        "direction": "better_down",
        "directionAssumption": None,  # the target states it
        "frequency": "monthly",
        "decimals": 1,
        "target": "På eller under niveauet for hele landet",
    }
    assert data["area"] == {"code": "151", "name": "Ballerup"}
    assert (data["strategy"], data["revision"], data["vintage"], data["synthetic"]) == (
        "ballerup-beskaeftigelsesstrategi",
        "2022",
        "2022-10-14",
        True,
    )
    status = data["status"]
    assert set(status) == {
        "status",
        "period",
        "value",
        "reference",
        "referenceLabel",
        "gap",
        "rank",
        "rankOf",
        "rankBest",
        "rankWorst",
        "rankKnown",
        "trend",
        "explanation",
    }
    assert (status["status"], status["period"], status["value"], status["reference"], status["gap"]) == (
        "ON_TRACK",
        "2022-09",
        "30.5",
        "28.1",
        "2.4",
    )
    assert status["referenceLabel"] == "Hele landet" and status["trend"] == "IMPROVING"
    own = data["series"][0]
    assert set(own) == {"key", "role", "label", "area", "periods", "values"}
    assert own["periods"][14] == "2022-03" and own["values"][14] is None and own["values"][-1] == "30.5"
    assert all(isinstance(v, str) for s in data["series"] for v in s["values"] if v is not None)


def test_json_texts_follow_the_language():
    data = figure_json(figure_21_en())
    assert data["indicator"]["name"].startswith("Full-time unemployed")
    assert data["status"]["rank"] == 11 and data["status"]["rankOf"] == 29
    assert data["series"][2]["label"] == "10th best" and data["vintage"] is None


# --- HTML -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_html_page_structure():
    figure = figure_22()
    html = html_for(figure)
    tags = _tags(html)
    names = [t for t, _ in tags]
    assert '<html lang="da">' in html
    assert "script" not in names and "<script" not in html.lower()
    assert not [name for _, a in tags for name in a if name.startswith("on")]  # no event handlers
    assert "main" in names and "h1" in names and "svg" in names and "table" in names and "caption" in names
    col = [a for t, a in tags if t == "th" and a.get("scope") == "col"]
    row = [a for t, a in tags if t == "th" and a.get("scope") == "row"]
    assert len(col) == 1 + len(figure.lines) and len(row) == 21
    table = html[html.index("<table") :]
    assert table.index(">2022-09<") < table.index(">2021-01<")  # latest first
    assert "SYNTETISKE DATA" in html
    assert "Kilde" in html and "Offentliggjort" in html and "14.\u00a0oktober\u00a02022" in html
    assert "&lt;iframe" not in html and "<pre" not in html  # no embed code for readers
    hrefs = [a["href"] for t, a in tags if t == "a"]
    assert [h.rsplit(".", 1)[-1] for h in hrefs[:3]] == ["svg", "csv", "json"]
    assert hrefs[3:] == ["https://kpi.example/figures/ballerup-beskaeftigelsesstrategi/2022/2.2/151/share"]
    assert "<link" not in html and "<img" not in html  # nothing external to load


def test_html_without_synthetic_data_has_no_notice_and_english():
    html = html_for(figure_21_en())
    assert '<html lang="en">' in html and "SYNTHETIC" not in html and "SYNTETISKE" not in html
    assert "Rank: 11 of 29." in html and "values per period, latest first" in html


def test_html_table_holds_at_most_24_periods():
    months = [f"{y}-{m:02d}" for y in range(2019, 2023) for m in range(1, 13)]
    figure = attrs.evolve(
        figure_22(),
        lines=(_line("own", "own", Text("Ballerup", "Ballerup"), "151", months, ["30"] * len(months)),),
    )
    tags = _tags(html_for(figure))
    rows = [a for t, a in tags if t == "th" and a.get("scope") == "row"]
    assert len(rows) == 24


# --- one rounding rule ----------------------------------------------------------------


def test_a_third_decimal_rounds_half_up_on_the_chart_and_the_page():
    # Formerly half-even on the figure ("2,34 %") and half-up on the status page ("2,35 %").
    # The same 2.345 reads 2,35 % in the explanation too (tests/core/test_wording.py).
    observations = [
        Observation("2.2", "151", "2022", Decimal("2.345")),
        Observation("2.2", "DK", "2022", Decimal("2.3")),
    ]
    # An indicator without declared decimals (2.2 declares one: see the next test).
    indicator = attrs.evolve(_indicator("2.2"), decimals=None)
    evaluation = kpi_core.evaluate(indicator, "151", "2022", observations, kpi_core.shipped_areas())
    own = _line("own", "own", Text("Ballerup", "Ballerup"), "151", ["2021", "2022"], ["2.5", "2.345"])
    figure = attrs.evolve(figure_22(), indicator=indicator, evaluation=evaluation, lines=(own,))
    desc = ET.fromstring(render_svg(figure)).find("svg:desc", NS).text
    assert desc.startswith("Seneste værdi: 2,35\u00a0% (2022). Sammenlignet med Hele landet: 2,3\u00a0%.")
    page = html_for(figure)
    assert "Seneste værdi: 2,35\u00a0%." in page and "<td>2,35\u00a0%</td>" in page and "2,34" not in page
    assert "2022: 2,35 % mod 2,3 %" in page  # the explanation, shown on the page
    english = attrs.evolve(figure, lang=Lang.EN)
    assert "Latest value: 2.35\u00a0% (2022)." in ET.fromstring(render_svg(english)).find("svg:desc", NS).text


def test_the_narrow_layout_is_its_own_canvas_with_larger_text():
    wide, narrow = render_svg(figure_22()), render_svg(figure_22(), layout="narrow")
    assert 'viewBox="0 0 360 520"' in narrow and 'viewBox="0 0 720 400"' in wide
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', narrow)]
    assert min(sizes) >= 14, "on a 360-px canvas shown at ~330 CSS px, 14 px is >= 12 CSS px"
    assert min(int(s) for s in re.findall(r'font-size="(\d+)"', wide)) >= 12
    assert 'id="kpi-2-2-151-narrow"' in narrow, "a page holds both layouts: ids must differ"
    with pytest.raises(ValueError, match="wide or narrow"):
        render_svg(figure_22(), layout="tiny")
