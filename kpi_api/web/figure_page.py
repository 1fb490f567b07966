"""The embeddable figure page (templates/figure.html): chart, status in words, the data
as a table, sources and download links, with no JavaScript.

`render_figure_html` gives the template everything it needs as plain values and small
functions, so the template stays free of domain logic.
"""

import datetime
import functools
from decimal import Decimal

import jinja2
from markupsafe import Markup

from kpi_api.web.svg import area_name, status_words, title_text, trend_words, with_unit
from kpi_api.web.view_models import FigureData
from kpi_core import Lang, parse_period

MAX_TABLE_ROWS = 24  # the table is a readable companion to the chart, not the data dump

_MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kpi_api", "web/templates"),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,  # a missing variable is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )


def table_rows(figure: FigureData) -> tuple[list[tuple[str, list[Decimal | None]]], bool]:
    """(period, one value per line) for the latest periods first, at most MAX_TABLE_ROWS,
    and whether older periods were left out. A line without the period gets None, shown
    as "no value", never zero."""
    by_line = [dict(zip(line.periods, line.values)) for line in figure.lines]
    periods = sorted({p for line in figure.lines for p in line.periods}, key=parse_period, reverse=True)
    rows = [(p, [values.get(p) for values in by_line]) for p in periods[:MAX_TABLE_ROWS]]
    return rows, len(periods) > MAX_TABLE_ROWS


def long_date(day: datetime.date, lang: Lang) -> str:
    if lang is Lang.EN:
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}. {_MONTHS_DA[day.month - 1]} {day.year}"


def render_figure_html(
    figure: FigureData, svg: str, links: dict[str, str], iframe_snippet: str, img_snippet: str
) -> str:
    """The page for one figure. `svg` is trusted markup from `render_svg`; everything else
    is escaped by the template."""
    lang = figure.lang
    rows, truncated = table_rows(figure)

    def t(da: str, en: str) -> str:
        return en if lang is Lang.EN else da

    def fmt(value: Decimal | None) -> str:
        return with_unit(value, figure.indicator.unit, lang)

    return (
        environment()
        .get_template("figure.html")
        .render(
            figure=figure,
            svg=Markup(svg),
            links=links,
            iframe_snippet=iframe_snippet,
            img_snippet=img_snippet,
            t=t,
            fmt=fmt,
            status_words=status_words(figure.evaluation.status, lang),
            trend_words=trend_words(figure.evaluation.trend, lang),
            title=title_text(figure),
            area_name=area_name(figure.area, lang),
            rows=rows,
            truncated=truncated,
            vintage=long_date(figure.vintage, lang) if figure.vintage else None,
        )
    )
