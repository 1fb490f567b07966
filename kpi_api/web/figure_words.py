"""A figure's words and numbers, as a publication prints them: one formatter for the
SVG, its text alternative (`.txt`), the HTML figure page and the CSV, so that a value,
a period or a series reads the same wherever the figure goes.

- A value has the decimals its indicator declares (`Indicator.decimals`, trailing zeros
  kept: "3,0 %"), its unit, a minus sign, and a no-break space before the unit, so that it
  never wraps inside itself.
- A period in prose is written in words ("september 2022", "3. kvartal 2022"), its
  parts held together by a no-break space; tables and the CSV keep the data's own
  spelling (2022-09), which sorts and is what an import takes.
- A series is named in words (areas, groups), never by its codes.

The words come from `kpi_core.wording`; this module only decides how a figure uses them.
"""

import datetime
from decimal import Decimal

from kpi_api.web.view_models import FigureData
from kpi_core import Lang, Unit
from kpi_core.wording import (
    NBSP,
    area_name,
    describe_cell,
    format_number,
    long_date,
    period_words,
    rank_words,
    status_phrase,
    typeset_value,
    unit_suffix,
)


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang is Lang.EN else pair[0]


def value_text(figure: FigureData, value: Decimal | None) -> str:
    """`30,5 %`, `−2,0 %`, `4,0 måneder`: with the declared decimals, never wrapping."""
    indicator = figure.indicator
    return typeset_value(value, indicator.unit, figure.lang, indicator.decimals)


def period_text(period: str, lang: Lang) -> str:
    """`september 2022` as one unbreakable phrase."""
    return period_words(period, lang).replace(" ", NBSP)


def date_text(day: datetime.date, lang: Lang) -> str:
    """`15. oktober 2022` as one unbreakable phrase."""
    return long_date(day, lang).replace(" ", NBSP)


def axis_label(figure: FigureData, tick: Decimal, step: Decimal) -> str:
    """A y-axis tick with as many decimals as the step needs, the same on every tick
    ("2,25 %", "2,50 %", not "2,25 %", "2,5 %"); shares keep their percent sign (other
    units are named in the axis title)."""
    exponent = step.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    text = format_number(tick, figure.lang, decimals)
    if figure.indicator.unit in (Unit.PERCENT, Unit.PERCENT_CHANGE):
        text += unit_suffix(figure.indicator.unit, figure.lang).replace(" ", NBSP)
    return text.replace("-", "\u2212")


def unit_text(figure: FigureData) -> str:
    """The unit as printed after a number ("%", "måneder"); empty for a count."""
    return unit_suffix(figure.indicator.unit, figure.lang).strip()


def title_text(figure: FigureData) -> str:
    return f"{figure.indicator.name(figure.lang)} – {area_name(figure.area, figure.lang)}"


def strategy_text(figure: FigureData) -> str:
    """The strategy by its name, as readers know it (its id is for URLs)."""
    return figure.strategy_name(figure.lang) if figure.strategy_name else figure.strategy_id


def latest_sentence(figure: FigureData, with_period: bool = True) -> str:
    """`Seneste værdi: 30,5 % (september 2022).`; judged per group, the deciding group's
    value, its group named in the same parenthesis (never a parenthesis in one)."""
    e, lang = figure.evaluation, figure.lang
    shown = [period_text(e.period, lang)] if e.period and with_period else []
    if e.rollup and e.rollup.deciding:
        shown.append(describe_cell(e.rollup.deciding)(lang))
    where = f" ({', '.join(shown)})" if shown else ""
    return f"{_pick(('Seneste værdi', 'Latest value'), lang)}: {value_text(figure, e.value)}{where}."


def compared_sentence(figure: FigureData) -> str | None:
    """`Sammenlignet med Region Hovedstaden, plads 10: 1,9 %.`, or None without a reference."""
    e, lang = figure.evaluation, figure.lang
    if e.reference_label is None:
        return None
    # A rank on a partial comparison set has no known N-th value to print.
    unknown = e.reference is None and e.rank_best is not None
    value = "" if unknown else f": {value_text(figure, e.reference)}"
    return f"{_pick(('Sammenlignet med', 'Compared with'), lang)} {e.reference_label(lang)}{value}."


def rank_sentence(figure: FigureData) -> str | None:
    """`Placering: 11 af 29.`, or where the rank lies when values are missing."""
    e, lang = figure.evaluation, figure.lang
    if e.rank is not None:
        return _pick((f"Placering: {e.rank} af {e.rank_of}.", f"Rank: {e.rank} of {e.rank_of}."), lang)
    if e.rank_best is not None and e.rank_worst is not None and e.rank_of and e.rank_known:
        where = rank_words(e.rank_best, e.rank_worst, e.rank_of, e.rank_known, lang)
        return _pick((f"Placering: {where}.", f"Rank: {where}."), lang)
    return None


def summary(figure: FigureData) -> str:
    """The chart in words: latest value, what it is compared with, and the status."""
    lang = figure.lang
    parts = [latest_sentence(figure)]
    parts += [s for s in (compared_sentence(figure), rank_sentence(figure)) if s]
    parts.append(f"Status: {status_phrase(figure.evaluation.status, lang)}.")
    if figure.synthetic:
        parts.append(_pick(("Syntetiske data.", "Synthetic data."), lang))
    parts += [note(lang) for note in figure.revision_notes]  # superseded, reconstructed, judged on
    return " ".join(parts)
