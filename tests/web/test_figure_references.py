"""Every rule's reference in the picture, named in words at its line's end, and numbers
as a publication prints them (issue 18, items 1 and 6).

Over HTTP (a real server on a real SQLite file, tests/synthetic.py's figures) for what
the figure is built from, and on fixed FigureData (tests/web/test_figure_render.py) for
how the chart places its names.
"""

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import attrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_api.web.figure_words import summary
from kpi_api.web.svg import END_LABEL_LINE, WIDTH, place_labels, render_svg
from kpi_core import Lang, Text
from tests.web.test_figure_render import _line, figure_21_en, figure_22, html_for

NS = {"svg": "http://www.w3.org/2000/svg"}
NBSP = "\u00a0"


@attrs.frozen
class Box:
    key: str
    left: float
    top: float
    right: float
    bottom: float
    text: str


def end_label_boxes(root: ET.Element) -> list[Box]:
    """Each name in the right margin as a box: its stroke sample and its text, the text's
    width estimated generously from the font size (0.6 em a character)."""
    group = root.find("svg:g[@class='end-labels']", NS)
    assert group is not None, "the chart has no names at its lines' ends"
    size = float(group.get("font-size"))
    boxes = []
    for label in group.iterfind("svg:g[@class='end-label']", NS):
        sample = label.find("svg:line", NS)
        texts = label.findall("svg:text", NS)
        ys = [float(t.get("y")) for t in texts]
        width = max(len(t.text) for t in texts) * size * 0.6
        x = float(texts[0].get("x"))
        boxes.append(
            Box(
                label.get("data-key"),
                float(sample.get("x1")),
                min(ys) - size / 2,
                x + width,
                max(ys) + size / 2,
                " ".join(t.text for t in texts),
            )
        )
    return boxes


def plot_right(root: ET.Element) -> float:
    return float(root.find("svg:g[@class='x-axis']/svg:line", NS).get("x2"))


def assert_names_apart_and_off_the_plot(svg: str) -> list[Box]:
    root = ET.fromstring(svg)
    boxes, right = end_label_boxes(root), plot_right(root)
    for box in boxes:  # in the margin: no name sits over a line of the plot
        assert box.left > right and box.right <= WIDTH, box
    for a, b in itertools.combinations(boxes, 2):
        apart = a.bottom <= b.top or b.bottom <= a.top or a.right <= b.left or b.right <= a.left
        assert apart, (a, b)
    return boxes


def legend(root: ET.Element) -> list[str]:
    return [t.text for t in root.find("svg:g[@class='legend']", NS).iterfind("svg:text", NS)]


# --- the reference each rule is judged against, over HTTP ---------------------------------


def test_a_rank_target_draws_the_nth_best_value_and_says_the_rank(server, seeded):
    # 2.1 under 2022: among the ten lowest of Region Hovedstaden; tests/synthetic.py gives
    # all 29 municipalities a value in 2021-09 and 2022-09.
    base = f"{server}/figures/2.1/151"
    data = httpx.get(f"{base}.json?revision=2022").json()
    rank = next(s for s in data["series"] if s["key"] == "rank")
    assert rank["role"] == "target" and rank["label"] == "Region Hovedstaden, plads 10"
    # The line is the status's own reference: the 10th lowest in each period.
    assert dict(zip(rank["periods"], rank["values"], strict=True))["2022-09"] == data["status"]["reference"]
    assert data["status"]["reference"] == "2.9"

    svg = httpx.get(f"{base}.svg?revision=2022").text
    root = ET.fromstring(svg)
    drawn = root.find("svg:g[@data-key='rank']", NS)
    assert drawn is not None and drawn.get("data-role") == "target"
    assert drawn.findall("svg:polyline", NS) or drawn.findall("svg:circle", NS)
    assert "Region Hovedstaden, plads 10" in legend(root)
    names = {b.key: b.text for b in assert_names_apart_and_off_the_plot(svg)}
    assert names["rank"] == "Region Hovedstaden, plads 10"  # in the margin, wrapped if need be
    english = ET.fromstring(httpx.get(f"{base}.svg?revision=2022&lang=en").text)
    assert "Capital Region of Denmark, rank 10" in legend(english)


def test_parity_names_both_groups_in_words_never_codes(server, seeded):
    # 5.4 (parity by origin, judged per target group): 151's lines are the non-Western
    # group's and the Danish and Western group's, in the deciding target group.
    for lang, focus, reference in (
        ("da", "Borgere med ikke-vestlig herkomst", "Borgere med dansk og vestlig herkomst"),
        ("en", "Citizens of non-Western origin", "Citizens of Danish and Western origin"),
    ):
        svg = httpx.get(f"{server}/figures/5.4/151.svg?revision=2022&lang={lang}").text
        root = ET.fromstring(svg)
        names = legend(root)
        assert names[0].startswith(focus) and names[1].startswith(reference), names
        words = " ".join(t.text or "" for t in root.iter(f"{{{NS['svg']}}}text"))
        for code in ("danish", "western", "non_western", "origin="):
            assert code not in words.replace("Danish", "").replace("Western", "")
        assert_names_apart_and_off_the_plot(svg)
    rows = httpx.get(f"{server}/figures/5.4/151.csv?revision=2022").content.decode("utf-8-sig")
    assert "Borgere med ikke-vestlig herkomst" in rows and "danish" not in rows.split("\n", 1)[1]


# --- names at the lines' ends, apart -----------------------------------------------------


def test_names_that_end_together_are_pushed_apart_in_the_margin():
    # 2.2's four lines end within 2.5 points of each other: three of them within 0.1.
    figure = figure_22()
    boxes = assert_names_apart_and_off_the_plot(render_svg(figure))
    assert {b.key for b in boxes} == {line.key for line in figure.lines}
    own = next(b for b in boxes if b.key == "own")
    assert own.text == "Ballerup"


def test_the_threshold_is_named_beside_its_line_not_over_the_plot():
    svg = render_svg(figure_21_en())
    boxes = assert_names_apart_and_off_the_plot(svg)
    threshold = next(b for b in boxes if b.key == "target_value")
    assert threshold.text.startswith("Target: Among the")
    root = ET.fromstring(svg)
    # The target line's own group holds the line only: no text over the plot.
    assert root.find("svg:g[@class='target-value']/svg:text", NS) is None


def test_many_names_at_one_value_still_do_not_overlap():
    months = [f"2022-{m:02d}" for m in range(1, 13)]
    compared = tuple(
        _line(
            f"compare:{n}",
            "compare",
            Text(f"Kommune nummer {n} med langt navn", "x"),
            str(n),
            months,
            ["30"] * 12,
        )
        for n in range(5)
    )
    own = _line("own", "own", Text("Ballerup", "Ballerup"), "151", months, ["30"] * 12)
    figure = attrs.evolve(figure_22(), lines=(own, *compared), target_value=Decimal(30))
    boxes = assert_names_apart_and_off_the_plot(render_svg(figure))
    assert len(boxes) >= 2 and "own" in {b.key for b in boxes}


@given(
    st.lists(
        st.tuples(
            st.floats(-50, 450, allow_nan=False), st.sampled_from([END_LABEL_LINE, 2 * END_LABEL_LINE])
        ),
        max_size=8,
    )
)
def test_placed_names_keep_their_order_and_never_overlap(wanted):
    tops = place_labels([w for w, _ in wanted], [h for _, h in wanted], 40, 340)
    placed = sorted(
        zip(tops, (h for _, h in wanted), (w for w, _ in wanted), strict=True), key=lambda t: t[2]
    )
    if sum(h + 3 for _, h in wanted) <= 300:  # room for them all
        assert all(t >= 40 and t + h <= 340 for t, h, _ in placed)
        for (t1, h1, _), (t2, _, _) in itertools.pairwise(placed):
            assert t1 + h1 < t2  # apart, in the order of their lines
    if len(wanted) == 1 and 40 <= wanted[0][0] <= 340 - wanted[0][1]:
        assert tops == [wanted[0][0]]  # alone and within the margin: where it is wanted


# --- numbers as a publication prints them ------------------------------------------------


def test_a_value_prints_with_the_declared_decimals_everywhere():
    # 2.2 declares one decimal: 3 and 1.94 print as 3,0 % and 1,9 %, in words, the
    # picture's description and the page's table alike.
    months = ["2022-11", "2022-12"]
    own = _line("own", "own", Text("Ballerup", "Ballerup"), "151", months, ["2.96", "3"])
    country = _line("DK", "reference", Text("Hele landet", "The whole country"), "DK", months, ["2", "1.94"])
    base = figure_22()
    evaluation = attrs.evolve(base.evaluation, period="2022-12", value=Decimal(3), reference=Decimal("1.94"))
    figure = attrs.evolve(base, lines=(own, country), evaluation=evaluation)
    words = summary(figure)
    assert words.startswith(
        f"Seneste værdi: 3,0{NBSP}% (december{NBSP}2022). Sammenlignet med Hele landet: 1,9{NBSP}%."
    )
    assert " ." not in words and "((" not in words
    page = html_for(figure)
    assert f"<td>3,0{NBSP}%</td>" in page and f"<td>1,9{NBSP}%</td>" in page and "<td>3 %</td>" not in page
    two = attrs.evolve(figure, indicator=attrs.evolve(figure.indicator, decimals=2))
    assert summary(two).startswith(f"Seneste værdi: 3,00{NBSP}%")
    english = attrs.evolve(figure, lang=Lang.EN)
    assert summary(english).startswith(f"Latest value: 3.0{NBSP}% (December{NBSP}2022).")


def test_the_page_names_the_strategy_not_its_slug():
    page = html_for(figure_22())
    assert "Strategi: ballerup-beskaeftigelsesstrategi" not in page
    assert f"Strategi: {figure_22().strategy_name.da}, revision 2022." in page


def _prose_problems(text: str) -> list[str]:
    """What a publication would not print: a space before a full stop, a parenthesis in a
    parenthesis, a period as data spells it, a decimal value without its unit, a value
    or a month split over two lines."""
    problems = []
    if " ." in text:
        problems.append("a space before a full stop")
    if re.search(r"\([^)]*\(", text):
        problems.append("nested parentheses")
    if re.search(r"\b\d{4}(-\d{2}|Q\d)\b", text):
        problems.append("a period spelt as data")
    if re.search(r"\d[,.]\d+(?!\u00a0%)", text):
        problems.append("a value without its unit, or breakable before it")
    if re.search(
        r"(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|kvartal) \d{4}",
        text,
        re.I,
    ):
        problems.append("a month breakable from its year")
    return problems


@pytest.mark.parametrize("indicator", ["2.1", "2.2", "3.1", "5.4"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_words_are_printed_as_a_publication_prints_them(server, seeded, indicator, lang):
    # Percentages all: every decimal value ends in " %".
    base = f"{server}/figures/{indicator}/151"
    text = httpx.get(f"{base}.txt?revision=2022&lang={lang}").text
    _, _, words = text.partition(". ")  # after the title, which is the catalogue's
    assert words.strip() and _prose_problems(words) == [], words
    html = httpx.get(f"{base}.html?revision=2022&lang={lang}").text
    status = html[html.index("<h2>Status</h2>") : html.index('<p class="muted">')]
    sentences = re.sub(r"<[^>]+>", "", status).replace("\n", " ")
    assert _prose_problems(sentences) == [], sentences
    sources = html[html.index("<p>Kilde" if lang == "da" else "<p>Source") :]
    sources = re.sub(r"<[^>]+>", "", sources[: sources.index("</p>")])
    assert " ." not in sources and "ballerup-beskaeftigelsesstrategi" not in sources, sources
    assert re.search(r"\d{4}-\d{2}-\d{2}|\d\.? \w+ \d{4}", sources) is None, (
        sources
    )  # a date in words, unbroken


def test_the_declared_decimals_reach_the_api_and_the_figure_json(server, seeded, gql):
    data = gql(
        """{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "2022") {
        indicators { id unit decimals } } } }"""
    )
    by_id = {i["id"]: i for i in data["strategy"]["revision"]["indicators"]}
    assert by_id["2.1"]["decimals"] == 1 and by_id["3.3"] == {"id": "3.3", "unit": "count", "decimals": 0}
    body = httpx.get(f"{server}/figures/2.1/151.json?revision=2022").json()
    assert body["indicator"]["decimals"] == 1
