"""The HTML pages of one figure, with no JavaScript to read them:

- the figure page (templates/figure.html): chart, status in words, the data as a table,
  sources, download links and a link for editors to the share page;
- the embed page (figure_embed.html, `.html?embed=1`) for another site's iframe: chart,
  status in words, source and vintage, the data behind a disclosure, and an optional
  script that tells the host page its height;
- the share page (figure_share.html, `/figures/{i}/{a}/share`): the snippets to paste.

Each `render_*` gives its template everything as plain values and small functions, so
the templates stay free of domain logic. `theme` (light, dark, auto) colours the whole
page as `render_svg` colours the chart.
"""

from decimal import Decimal
from typing import Any

from markupsafe import Markup

from kpi_api.web import figure_words
from kpi_api.web.commentary_note import commentary_note
from kpi_api.web.svg import render_svg
from kpi_api.web.templating import environment
from kpi_api.web.view_models import FigureData
from kpi_core import parse_period
from kpi_core.commentary import Commentary
from kpi_core.wording import area_name

MAX_TABLE_ROWS = 24  # the table is a readable companion to the chart, not the data dump
THEMES = ("light", "dark", "auto")


def table_rows(figure: FigureData) -> tuple[list[tuple[str, list[Decimal | None]]], bool]:
    """(period, one value per line) for the latest periods first, at most MAX_TABLE_ROWS,
    and whether older periods were left out. A line without the period gets None, shown
    as "no value", never zero."""
    by_line = [dict(zip(line.periods, line.values, strict=False)) for line in figure.lines]
    periods = sorted({p for line in figure.lines for p in line.periods}, key=parse_period, reverse=True)
    rows = [(p, [values.get(p) for values in by_line]) for p in periods[:MAX_TABLE_ROWS]]
    return rows, len(periods) > MAX_TABLE_ROWS


def _render(
    template: str, figure: FigureData, theme: str, commentary: Commentary | None = None, **values: Any
) -> str:
    if theme not in THEMES:
        raise ValueError(f"theme must be light, dark or auto, not {theme!r}")
    lang = figure.lang
    rows, truncated = table_rows(figure)

    def fmt(value: Decimal | None) -> str:
        return figure_words.value_text(figure, value)

    if "svg" in values:  # the page shows the narrow layout on narrow screens
        values["svg_narrow"] = Markup(render_svg(figure, theme, "narrow"))
    return (
        environment()
        .get_template(template)
        .render(
            figure=figure,
            lang=lang,
            theme=theme,
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
            note=commentary_note(commentary, lang),
            **values,
        )
    )


def render_figure_html(
    figure: FigureData,
    svg: str,
    links: dict[str, str],
    share_url: str,
    theme: str = "light",
    commentary: Commentary | None = None,
) -> str:
    """The page for one figure. `svg` is trusted markup from `render_svg`; everything else
    (the staff `commentary` on the indicator too) is escaped by the template."""
    return _render(
        "figure.html", figure, theme, commentary, svg=Markup(svg), links=links, share_url=share_url
    )


def render_embed_html(
    figure: FigureData,
    svg: str,
    page_url: str,
    script_url: str,
    theme: str = "light",
    commentary: Commentary | None = None,
) -> str:
    """The page for another site's iframe; `page_url` is the full figure page's link."""
    return _render(
        "figure_embed.html",
        figure,
        theme,
        commentary,
        svg=Markup(svg),
        page_url=page_url,
        script_url=script_url,
    )


def render_share_html(
    figure: FigureData,
    snippets: dict[str, str],
    urls: dict[str, str],
    theme_links: list[tuple[str, str, str]],
    theme: str = "light",
) -> str:
    """The editors' page: `snippets` (iframe, listener, img) are shown as text; `urls` has
    the embed page's (`embed`), the figure page's (`page`) and the chart in words'
    (`text`); `theme_links` are (theme, label, share page in that theme)."""
    return _render(
        "figure_share.html",
        figure,
        theme,
        iframe_snippet=snippets["iframe"],
        listener_snippet=snippets["listener"],
        img_snippet=snippets["img"],
        embed_url=urls["embed"],
        page_url=urls["page"],
        text_url=urls["text"],
        theme_links=theme_links,
    )
