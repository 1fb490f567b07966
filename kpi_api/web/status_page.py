"""The public status page (`/status/{area}`): a StatusPage rendered to plain HTML.

No JavaScript and no external resources; the words for statuses, trends and revision
changes live here so the template only lays them out.
"""

import datetime
import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import jinja2

from kpi_api.web.view_models import IndicatorRow, StatusPage
from kpi_core import (
    ChangeKind,
    Lang,
    Status,
    Trend,
    Unit,
    describe_target,
    target_facts,
)
from kpi_core.wording import format_number

# (Danish, English, symbol). The symbol is shown next to the word, so a status never
# depends on colour alone. U+FE0E keeps the arrow as text, not an emoji.
STATUS = {
    Status.ACHIEVED: ("Nået", "Achieved", "✓"),
    Status.ON_TRACK: ("På rette vej", "On track", "↗\ufe0e"),
    Status.OFF_TRACK: ("Ikke på rette vej", "Off track", "✗"),
    Status.MONITORING: ("Følges", "Monitoring", "●"),
    Status.NO_DATA: ("Ingen data", "No data", "–"),
}

TREND = {
    Trend.IMPROVING: ("Bedre end året før", "Better than a year earlier"),
    Trend.WORSENING: ("Dårligere end året før", "Worse than a year earlier"),
    Trend.STABLE: ("Uændret fra året før", "Unchanged from a year earlier"),
    Trend.UNKNOWN: ("Ukendt", "Unknown"),
}

_UNIT = {
    Unit.PERCENT: ("%", "%"),
    Unit.PERCENT_CHANGE: ("%", "%"),
    Unit.MONTHS: ("måneder", "months"),
    Unit.WEEKS: ("uger", "weeks"),
}

_MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december")  # fmt: skip
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")  # fmt: skip


def render_status_page(page: StatusPage, url: Callable[..., str]) -> str:
    """The page as HTML. `url(revision=..., lang=...)` builds the switch links."""
    lang = page.lang

    def t(da: str, en: str) -> str:
        return en if lang is Lang.EN else da

    def fmt(value: Decimal | None, unit: Unit) -> str:
        """`3,1 %`: as published (computed values to two decimals at most), a sign for
        changes, a no-break space before the unit."""
        if value is None:
            return t("ingen værdi", "no value")
        if value.as_tuple().exponent < -2:
            value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = format_number(abs(value), lang.value)
        sign = "−" if value < 0 else ("+" if unit is Unit.PERCENT_CHANGE and value > 0 else "")
        suffix = _UNIT.get(unit)
        return f"{sign}{text}" + (f"\u00a0{t(*suffix)}" if suffix else "")

    def fmt_date(day: datetime.date) -> str:
        if lang is Lang.EN:
            return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
        return f"{day.day}. {_MONTHS_DA[day.month - 1]} {day.year}"

    def status_words(status: Status) -> str:
        return t(*STATUS[status][:2])

    def status_symbol(status: Status) -> str:
        return STATUS[status][2]

    def trend_words(trend: Trend) -> str:
        return t(*TREND[trend])

    def value_words(row: IndicatorRow) -> str:
        """`41,3 % (2022)`."""
        e = row.evaluation
        period = f" ({e.period})" if e.period else ""
        return fmt(e.value, row.indicator.unit) + period

    def reference_words(row: IndicatorRow) -> str:
        """What the value is compared with: `Hele landet: 36,5 %`; a fixed target by its words."""
        e, unit, facts = row.evaluation, row.indicator.unit, target_facts(row.indicator.target)
        if e.reference_label is None:
            if facts.monitored_only:
                return t("Intet (tallet følges)", "None (monitored)")
            return target_words(row)  # no value to compare: say what it would be compared with
        label = _keep_unit(e.reference_label(lang))
        # A fixed target's label already says its value ("minimum 80 %").
        if e.reference is not None and facts.value is None:
            label = f"{label}: {fmt(e.reference, unit)}"
        if e.rank is not None:
            label += t(f"; nr. {e.rank} af {e.rank_of}", f"; no. {e.rank} of {e.rank_of}")
        return label

    def target_words(row: IndicatorRow) -> str:
        return _keep_unit(describe_target(row.indicator.target, row.indicator.unit)(lang))

    def change_words(row: IndicatorRow) -> str:
        kind = row.change
        if kind is ChangeKind.ADDED:
            return t("Ny", "New")
        if kind is ChangeKind.REPLACED:
            return t(f"Erstatter {row.replaces or ''}", f"Replaces {row.replaces or ''}").strip()
        if kind is ChangeKind.RESCOPED:
            return t("Ændret opgørelse", "Re-scoped")
        if kind is ChangeKind.REWORDED:
            return t("Omformuleret", "Reworded")
        if kind is ChangeKind.REMOVED:
            return t("Udgået", "Dropped")
        return ""

    rows = (*page.overall, *(r for g in page.goals for r in g.indicators))
    template = _environment().get_template("status.html")
    return template.render(
        page=page,
        lang=lang,
        url=url,
        t=t,
        fmt=fmt,
        fmt_date=fmt_date,
        status_words=status_words,
        status_symbol=status_symbol,
        trend_words=trend_words,
        change_words=change_words,
        value_words=value_words,
        reference_words=reference_words,
        target_words=target_words,
        statuses=tuple(Status),
        show_changes=any(r.change is not None for r in rows),  # not in a strategy's first revision
    )


def _keep_unit(text: str) -> str:
    """`80 %` never breaks between the number and the percent sign."""
    return text.replace(" %", "\u00a0%")


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kpi_api", "web/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
