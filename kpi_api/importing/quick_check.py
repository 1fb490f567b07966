"""The common case of validation, done quickly: rows that pass every check of validate.py
become plain tuples, with no `Observation` built and nothing kept per row.

This is not a second set of rules. Every check asks what `validate` asks, through the same
functions, and remembers the answer for the few distinct values a file repeats (a
million rows hold a hundred areas, a few hundred periods, a handful of units and flags).
The first row it cannot clear stops it (`NotQuick`); the import then runs `validate` over
the whole file, which finds and words every problem as before. So a file with a problem
is checked twice, and a good file once, in a single pass that holds one chunk of rows.

A duplicate figure within the file is not looked for here: the store's unique index of
vintages refuses it, and the import then also falls back to `validate`, which names both
rows.
"""

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from kpi_api.importing.rows import DIMENSIONS, MAX_FIELD, SourceRow
from kpi_api.importing.validate import (
    FLAGS,
    MAX_SOURCE,
    SUPPRESSED,
    UNIT_ALIASES,
    IndicatorFacts,
    _canonical_period,
    _number,
    wrong_kind_of_period,
)
from kpi_core import AreaDirectory, PeriodError, Unit

CHUNK = 5_000  # rows handed to the store at a time: what is held in memory besides the input
_ZERO, _HUNDRED = Decimal(0), Decimal(100)

# A checked row: Observation's fields in its order, already valid (kpi_core.Observation),
# its numbers as the text of their Decimal (`str(Decimal(...))`, as the store keeps them):
# (indicator, area, period, value, breakdown, published, source, unit, numerator,
#  denominator, provisional).
Row = tuple
_NUMBERS = 65_536  # distinct number texts remembered (a share in per cent has ~1,000)


class NotQuick(Exception):
    """A row the quick check cannot clear: `validate` must look at the file."""


def _refuse(column: str | None = None, message: str = "") -> None:
    raise NotQuick


class QuickCheck:
    def __init__(
        self,
        facts: dict[str, IndicatorFacts],
        areas: AreaDirectory,
        published: datetime.date,
        source: str,
    ) -> None:
        self.facts, self.areas, self.published, self.source = facts, areas, published, source
        # Answers per distinct value (bounded by what a file repeats: each is checked in
        # full the first time it is seen).
        self.known_areas: set[str] = set()
        self.periods: dict[tuple[str, str], str] = {}
        self.flags: dict[str, frozenset[str]] = {}
        self.units: dict[tuple[str, str], None] = {}
        self.vintages: dict[str, datetime.date] = {}
        self.cells: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, str], ...]] = {}
        self.numbers: dict[str, tuple[str, Decimal]] = {}  # the cell's text: its Decimal's text, it
        self.rows = 0

    def chunks(self, rows: Iterable[SourceRow]) -> Iterator[list[Row]]:
        """The rows, checked, CHUNK at a time; NotQuick at the first that is not plainly valid."""
        chunk: list[Row] = []
        check = self.check
        for row in rows:
            chunk.append(check(row))
            if len(chunk) == CHUNK:
                self.rows += len(chunk)
                yield chunk
                chunk = []
        if chunk:
            self.rows += len(chunk)
            yield chunk

    def check(self, row: SourceRow) -> Row:
        fields = row.fields
        get = fields.get
        cells = fields.values()
        # As validate: the reader's shape complaint, cells over MAX_FIELD, NUL characters.
        joined = "".join(cells)
        if "\x00" in joined or "__shape__" in fields:
            raise NotQuick
        if len(joined) > MAX_FIELD and max(map(len, cells)) > MAX_FIELD:
            raise NotQuick
        indicator = get("indicator") or ""
        fact = self.facts.get(indicator)
        if fact is None:
            raise NotQuick
        area = get("area") or ""
        if area not in self.known_areas:
            if self.areas.get(area) is None:
                raise NotQuick
            self.known_areas.add(area)
        period_text = get("period") or ""
        period = self.periods.get((period_text, indicator))
        if period is None:
            period = self._period(period_text, indicator, fact)
        flag_text = get("flag") or ""
        flags = self.flags.get(flag_text)
        if flags is None:
            flags = self._flags(flag_text)
        value_text = get("value") or ""
        value = None
        if value_text not in SUPPRESSED:
            value, number = self.numbers.get(value_text) or self._number(row, "value")
            if "suppressed" in flags:
                raise NotQuick
            if fact.unit is Unit.PERCENT and not _ZERO <= number <= _HUNDRED:
                raise NotQuick
        numerator = self._number(row, "numerator")[0] if get("numerator") else None
        denominator = self._number(row, "denominator")[0] if get("denominator") else None
        unit_text = get("unit") or ""
        if unit_text and (unit_text, indicator) not in self.units:
            if UNIT_ALIASES.get(unit_text.lower()) is not fact.unit:
                raise NotQuick
            self.units[(unit_text, indicator)] = None
        dimensions = tuple(map(get, DIMENSIONS))
        breakdown = self.cells.get((indicator, dimensions))
        if breakdown is None:
            breakdown = self._cell(indicator, dimensions, fact)
        vintage = self.published
        if published_text := get("published"):
            vintage = self.vintages.get(published_text) or self._vintage(published_text)
        source = get("source") or ""
        if len(source) > MAX_SOURCE:
            raise NotQuick
        provisional = "provisional" in flags
        return (
            indicator,
            area,
            period,
            value,
            breakdown,
            vintage,
            source or self.source,
            fact.unit.value,
            numerator,
            denominator,
            provisional,
        )

    def _number(self, row: SourceRow, column: str) -> tuple[str, Decimal]:
        number = _number(row, column, _refuse)
        if number is None:  # a suppression marker where a number must be
            raise NotQuick
        known = (str(number), number)
        if len(self.numbers) < _NUMBERS:
            self.numbers[row.get(column)] = known
        return known

    def _period(self, text: str, indicator: str, fact: IndicatorFacts) -> str:
        try:
            period = _canonical_period(text)
        except PeriodError:
            raise NotQuick from None
        if wrong_kind_of_period(period, indicator, fact):
            raise NotQuick
        self.periods[(text, indicator)] = period
        return period

    def _flags(self, text: str) -> frozenset[str]:
        words = [f.strip().lower() for f in text.split("|") if f.strip()]
        if any(w not in FLAGS for w in words):
            raise NotQuick
        flags = self.flags[text] = frozenset(FLAGS[w] for w in words)
        return flags

    def _cell(
        self, indicator: str, cells: tuple[str | None, ...], fact: IndicatorFacts
    ) -> tuple[tuple[str, str], ...]:
        pairs = [(d, c) for d, c in zip(DIMENSIONS, cells, strict=True) if c]
        if any(d not in fact.dimensions for d, _ in pairs):
            raise NotQuick
        breakdown = self.cells[(indicator, cells)] = tuple(sorted(pairs))
        return breakdown

    def _vintage(self, text: str) -> datetime.date:
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise NotQuick from None
        self.vintages[text] = day
        return day
