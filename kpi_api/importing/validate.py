"""Turn source rows into observations, or say row by row what is wrong.

Checks: the indicator and area exist in the catalogue; the period parses; the value is
a number (decimal point or Danish decimal comma) or empty for a suppressed cell; the
period is of the kind the indicator's declared frequency publishes (no yearly figure in a
monthly series); a share
(unit percent) lies within 0–100; a stated unit matches the indicator's; breakdown
columns are dimensions the indicator declares (in any revision); a figure appears at most
once per vintage in the file.
"""

import datetime
import functools
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import attrs

from kpi_api.importing.rows import DIMENSIONS, MAX_FIELD, Problem, SourceRow
from kpi_core import (
    AreaDirectory,
    Frequency,
    Observation,
    PeriodError,
    PeriodKind,
    Strategy,
    Unit,
    parse_period,
)

SUPPRESSED = {"", "..", "-", ":"}
MAX_SOURCE = 500  # the length of the `source` column
MAX_PROBLEMS = 1_000  # problems listed per import; the rest are counted
FLAGS = {
    "provisional": "provisional",
    "foreløbig": "provisional",
    "suppressed": "suppressed",
    "diskretioneret": "suppressed",
}
UNIT_ALIASES = {
    "%": Unit.PERCENT,
    "pct": Unit.PERCENT,
    "pct.": Unit.PERCENT,
    "procent": Unit.PERCENT,
    "antal": Unit.COUNT,
    "måneder": Unit.MONTHS,
    "uger": Unit.WEEKS,
    **{u.value: u for u in Unit},
}


@attrs.frozen
class IndicatorFacts:
    unit: Unit
    dimensions: frozenset[str]
    # The frequencies its revisions declare; None when one of them declares none (then
    # any kind of period is taken, as before frequencies were declared).
    frequencies: frozenset[Frequency] | None = frozenset()


def indicator_facts(strategies: Iterable[Strategy]) -> dict[str, IndicatorFacts]:
    """What an import may say about each indicator id, across all revisions."""
    facts: dict[str, IndicatorFacts] = {}
    for s in strategies:
        for r in s.revisions:
            for i in r.indicators:
                dims = frozenset(d.value for d in i.breakdowns)
                known = facts.get(i.id)
                before = known.frequencies if known else frozenset()
                frequencies = None if i.frequency is None or before is None else before | {i.frequency}
                facts[i.id] = IndicatorFacts(
                    i.unit, dims | (known.dimensions if known else frozenset()), frequencies
                )
    return facts


_KIND_WORDS = {PeriodKind.YEAR: "a year", PeriodKind.QUARTER: "a quarter", PeriodKind.MONTH: "a month"}
_KIND_EXAMPLE = {
    PeriodKind.YEAR: "one row per year as YYYY (e.g. 2022)",
    PeriodKind.QUARTER: "one row per quarter as YYYYQn (e.g. 2022Q2)",
    PeriodKind.MONTH: "one row per month as YYYY-MM (e.g. 2022-06)",
}


# Asked once per row, for few distinct periods and indicators: a tenth of a large import's
# time went to sorting the frequencies again for every row (bench/results-import.md).
@functools.lru_cache(maxsize=4096)
def wrong_kind_of_period(period: str, indicator: str, fact: IndicatorFacts) -> str | None:
    """Why a period does not fit the indicator's series, or None when it does.

    A yearly figure in a monthly series is another measure, not a thirteenth month: it
    would be charted among the months and compared with a month a year before.
    """
    if not fact.frequencies:
        return None
    kind = parse_period(period).kind
    allowed = sorted(fact.frequencies, key=lambda f: list(Frequency).index(f))
    if kind in {f.period_kind for f in allowed}:
        return None
    series = " or ".join(f.value for f in allowed)
    fix = "; or ".join(_KIND_EXAMPLE[f.period_kind] for f in allowed)
    return f"`{period}` is {_KIND_WORDS[kind]}, but {indicator} is a {series} series: write {fix}"


@attrs.frozen
class Validated:
    observations: list[Observation]
    problems: list[Problem]
    rows: int
    found: int = 0  # problems found, listed or not


def validate(
    rows: Iterable[SourceRow],
    facts: dict[str, IndicatorFacts],
    areas: AreaDirectory,
    published: datetime.date,
    source: str,
) -> Validated:
    observations, problems, seen, count = [], _Problems(), {}, 0
    names = {a.name.lower(): a.code for a in areas}
    for row in rows:
        count += 1
        before = problems.found
        if "__shape__" in row.fields:
            problems.add(Problem(row.location, None, row.fields["__shape__"]))
            continue

        def fail(column: str | None, message: str, row: SourceRow = row) -> None:
            problems.add(Problem(row.location, row.column_name(column) if column else None, message))

        # Every cell is bounded before it is parsed (JSON sources are not split into
        # fields by the CSV reader, which bounds them too).
        if too_long := [c for c, cell in row.fields.items() if len(cell) > MAX_FIELD]:
            for column in too_long:
                fail(
                    column,
                    f"is {len(row.fields[column]):,} characters long; a field has at most {MAX_FIELD:,}",
                )
            continue

        # PostgreSQL refuses NUL in text, and the columns have lengths: say so here, per
        # cell, instead of failing at the write.
        for column, cell in row.fields.items():
            if "\x00" in cell:
                fail(column, "contains a NUL character (\\x00); remove it")
        if len(row.get("source")) > MAX_SOURCE:
            fail("source", f"is {len(row.get('source'))} characters long; at most {MAX_SOURCE}")
        indicator = row.get("indicator")
        fact = facts.get(indicator)
        if fact is None:
            fail(
                "indicator",
                f"`{_shown(indicator)}` is not an indicator of the catalogue (ids look like 2.1, 1.5b, O1)",
            )
        area = row.get("area")
        if areas.get(area) is None:
            hint = (
                f"; use the code {names[area.lower()]}"
                if area.lower() in names
                else " (use a municipality code such as 151, a region 1081–1085 or DK)"
            )
            fail("area", f"`{_shown(area)}` is not a known area code{hint}")
        try:
            period = _canonical_period(row.get("period"))
        except PeriodError as exc:
            fail("period", str(exc))
            period = None
        flags = {
            FLAGS.get(f.strip().lower(), f"?{f.strip()}") for f in row.get("flag").split("|") if f.strip()
        }
        for unknown in sorted(f for f in flags if f.startswith("?")):
            fail(
                "flag",
                f"`{_shown(unknown[1:])}` is not a flag; expected provisional or suppressed (or foreløbig, diskretioneret)",
            )
        value = _number(row, "value", fail, allow_empty=True)
        if value is not None and "suppressed" in flags:
            fail("value", "a suppressed cell must have no value; leave it empty")
        numerator = _number(row, "numerator", fail)
        denominator = _number(row, "denominator", fail)
        # One kind of period per series: a year in a monthly series is another measure.
        if (
            fact is not None
            and period is not None
            and (wrong := wrong_kind_of_period(period, indicator, fact))
        ):
            fail("period", wrong)
        if fact is not None:
            unit_text = row.get("unit")
            if unit_text:
                unit = UNIT_ALIASES.get(unit_text.lower())
                if unit is None:
                    fail(
                        "unit",
                        f"`{_shown(unit_text)}` is not a unit; expected one of: {', '.join(u.value for u in Unit)}",
                    )
                elif unit is not fact.unit:
                    fail(
                        "unit",
                        f"`{unit_text}` does not match indicator {indicator}, which is measured in {fact.unit.value}",
                    )
            if value is not None and fact.unit is Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
                fail("value", f"{value} is outside 0–100, but {indicator} is a share in per cent")
        breakdown = {}
        for dimension in DIMENSIONS:
            cell = row.get(dimension)
            if cell:
                if fact is not None and dimension not in fact.dimensions:
                    declared = ", ".join(sorted(fact.dimensions)) or "none"
                    fail(
                        dimension,
                        f"indicator {indicator} is not broken down by {dimension} (it declares: {declared})",
                    )
                breakdown[dimension] = cell
        vintage = published
        if row.get("published"):
            try:
                vintage = datetime.date.fromisoformat(row.get("published"))
            except ValueError:
                fail("published", f"`{_shown(row.get('published'))}` is not a date (expected YYYY-MM-DD)")
        if problems.found > before:
            continue
        observation = Observation(
            indicator=indicator,
            area=area,
            period=period,
            value=value,
            breakdown=breakdown,
            published=vintage,
            source=row.get("source") or source,
            unit=fact.unit.value,
            numerator=numerator,
            denominator=denominator,
            provisional="provisional" in flags,
        )
        key = observation.natural_key()
        if key in seen:
            fail(
                None,
                f"the same figure (indicator, area, period, breakdown, published) is already in {seen[key]}",
            )
            continue
        seen[key] = row.location
        observations.append(observation)
    return Validated(observations, problems.listed(), count, problems.found)


class _Problems(list):
    """The first MAX_PROBLEMS problems, and how many were found: a file of a million bad
    rows is answered with a page of them, not a million."""

    found = 0

    def add(self, problem: Problem) -> None:
        self.found += 1
        if len(self) < MAX_PROBLEMS:
            self.append(problem)

    def listed(self) -> list[Problem]:
        if self.found <= len(self):
            return list(self)
        more = Problem(
            "file",
            None,
            f"… and {self.found - len(self):,} more problems (the first {MAX_PROBLEMS:,} are listed)",
        )
        return [*self, more]


def _shown(text: str, limit: int = 60) -> str:
    """A cell as quoted in a message: whole if short, else its start (a message never
    echoes a whole hostile field)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=4096)  # a PeriodError is not cached: raised again each time
def _canonical_period(text: str) -> str:
    # Files repeat a handful of periods many thousand times.
    return str(parse_period(text))


def _number(row: SourceRow, column: str, fail, allow_empty: bool = False) -> Decimal | None:
    text = row.get(column)
    if text in SUPPRESSED:
        if text and not allow_empty:
            fail(column, f"`{_shown(text)}` is not a number")
        return None
    if "," in text and "." in text:
        fail(
            column,
            f"`{_shown(text)}` mixes `,` and `.`; write the number without thousands separators, e.g. 1003.5 or 1003,5",
        )
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        fail(
            column,
            f"`{_shown(text)}` is not a number (use a decimal point or a Danish decimal comma: 3.1 or 3,1)",
        )
        return None
    if not number.is_finite():
        fail(column, f"`{_shown(text)}` is not a finite number")
        return None
    # No figure has more than 15 digits before the point or 12 after it; numbers such as
    # 1E+999999 parse, but would expand to a megabyte in every answer that shows them.
    if number.adjusted() > 14 or number.as_tuple().exponent < -12:
        fail(
            column,
            f"`{_shown(text)}` is out of range (at most 15 digits before the decimal point and 12 after it)",
        )
        return None
    return number
