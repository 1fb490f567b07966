"""The figure page in real Chromium at a phone's, a tablet's and a desktop's width: the
chart's text is drawn at 12 CSS px or more (the narrow layout on the phone, not the wide
chart shrunk), no name at a line's end overlaps another, and the table scrolls inside
its box instead of being clipped. SYNTHETIC figures from tests/web/test_figure_render."""

import itertools

import pytest

from kpi_api.web.figure_page import render_figure_html
from kpi_api.web.svg import render_svg
from tests.web.test_figure_render import figure_21_en, figure_22

# Every visible <text> of the shown chart: its rendered height (getBoundingClientRect is
# in CSS px, after the viewBox's scaling) and its font size times the chart's scale.
MEASURE = """() => {
  const shown = [...document.querySelectorAll('.chart')].filter(c => c.offsetParent !== null);
  const svg = shown[0].querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const boxes = [...svg.querySelectorAll('.end-label text')].map(t => {
    const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
  });
  const wrap = document.querySelector('.table-wrap');
  return {charts: shown.length, layout: shown[0].className, id: svg.id, smallest: Math.min(...sizes),
          boxes, wrapRight: wrap.getBoundingClientRect().right, viewport: innerWidth,
          scrolls: wrap.scrollWidth >= wrap.clientWidth, pageScroll: document.documentElement.scrollWidth};
}"""


def _page_html(figure) -> str:
    base = "https://kpi.example/figures/2.2/151"
    return render_figure_html(figure, render_svg(figure), {"svg": f"{base}.svg"}, f"{base}/share")


@pytest.mark.parametrize("width", [360, 800, 1280])
@pytest.mark.parametrize("make", [figure_22, figure_21_en], ids=["2.2-da", "2.1-en"])
def test_chart_text_is_at_least_12_css_px_at_every_width(page, width, make):
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(_page_html(make()))
    found = page.evaluate(MEASURE)
    assert found["charts"] == 1, "exactly one layout of the chart is shown"
    assert ("narrow" in found["layout"]) == (width < 752), found["layout"]
    assert found["smallest"] >= 12, f"text drawn at {found['smallest']:.1f} CSS px at {width} px"
    boxes = sorted(found["boxes"], key=lambda b: b[1])
    for a, b in itertools.pairwise(boxes):
        overlap = a[3] - b[1]
        assert overlap <= 1 or a[2] <= b[0] or b[2] <= a[0], f"end labels overlap by {overlap:.1f} px"
    # The table never widens the page: it scrolls in its own box.
    assert found["pageScroll"] <= width, f"page is {found['pageScroll']} px wide at {width} px"
    assert found["wrapRight"] <= width


def test_the_narrow_page_table_scrolls_rather_than_clips(page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.set_content(_page_html(figure_21_en()))
    overflow = page.evaluate("getComputedStyle(document.querySelector('.table-wrap')).overflowX")
    assert overflow == "auto"
