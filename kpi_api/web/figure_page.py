"""The embeddable figure page (templates/figure.html): chart, status in words, the data
as a table, sources and download links, with no JavaScript.

`render_figure_html` gives the template everything it needs as plain values and small
functions, so the template stays free of domain logic.
"""

from decimal import Decimal

from markupsafe import Markup

from kpi_api.web import figure_words
from kpi_api.web.templating import environment
from kpi_api.web.view_models import FigureData
from kpi_core import parse_period
from kpi_core.wording import area_name

MAX_TABLE_ROWS = 24  # the table is a readable companion to the chart, not the data dump


def table_rows(figure: FigureData) -> tuple[list[tuple[str, list[Decimal | None]]], bool]:
    """(period, one value per line) for the latest periods first, at most MAX_TABLE_ROWS,
    and whether older periods were left out. A line without the period gets None, shown
    as "no value", never zero."""
    by_line = [dict(zip(line.periods, line.values, strict=False)) for line in figure.lines]
    periods = sorted({p for line in figure.lines for p in line.periods}, key=parse_period, reverse=True)
    rows = [(p, [values.get(p) for values in by_line]) for p in periods[:MAX_TABLE_ROWS]]
    return rows, len(periods) > MAX_TABLE_ROWS


def render_figure_html(
    figure: FigureData, svg: str, links: dict[str, str], iframe_snippet: str, img_snippet: str
) -> str:
    """The page for one figure. `svg` is trusted markup from `render_svg`; everything else
    is escaped by the template."""
    lang = figure.lang
    rows, truncated = table_rows(figure)

    def fmt(value: Decimal | None) -> str:
        return figure_words.value_text(figure, value)

    return (
        environment()
        .get_template("figure.html")
        .render(
            figure=figure,
            svg=Markup(svg),
            links=links,
            iframe_snippet=iframe_snippet,
            img_snippet=img_snippet,
            lang=lang,
            fmt=fmt,
            period=lambda p: figure_words.period_text(p, lang),
            published=figure_words.date_text(figure.vintage, lang) if figure.vintage else None,
            latest=figure_words.latest_sentence(figure, with_period=False),
            compared=figure_words.compared_sentence(figure),
            rank=figure_words.rank_sentence(figure),
            strategy=figure_words.strategy_text(figure),
            title=figure_words.title_text(figure),
            area_name=area_name(figure.area, lang),
            rows=rows,
            truncated=truncated,
        )
    )
