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
_CONTEXTS = 65_536  # combinations of the other columns remembered
_CONTEXT = ("indicator", "period", "flag", "unit", "published", "source", *DIMENSIONS)


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
        # Answers per distinct value or combination (bounded: what a file repeats is
        # checked in full the first time it is seen).
        self.known_areas: set[str] = set()
        self.contexts: dict[tuple[str | None, ...], tuple] = {}
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
        # Everything but the area and the numbers, checked once per combination: a file has
        # a few hundred (periods × breakdown cells), repeated for every area.
        key = tuple(map(get, _CONTEXT))
        context = self.contexts.get(key)
        if context is None:
            context = self._context(row, key)
        indicator, period, breakdown, vintage, source, unit, provisional, suppressed, percent = context
        area = get("area") or ""
        if area not in self.known_areas:
            if self.areas.get(area) is None:
                raise NotQuick
            self.known_areas.add(area)
        value_text = get("value") or ""
        value = None
        if value_text not in SUPPRESSED:
            value, number = self.numbers.get(value_text) or self._number(row, "value")
            if suppressed or (percent and not _ZERO <= number <= _HUNDRED):
                raise NotQuick
        numerator = self._number(row, "numerator")[0] if get("numerator") else None
        denominator = self._number(row, "denominator")[0] if get("denominator") else None
        return (
            indicator,
            area,
            period,
            value,
            breakdown,
            vintage,
            source,
            unit,
            numerator,
            denominator,
            provisional,
        )

    def _context(self, row: SourceRow, key: tuple[str | None, ...]) -> tuple:
        """The checks of everything but the area and the numbers, for a new combination."""
        get = row.get
        indicator = get("indicator")
        fact = self.facts.get(indicator)
        if fact is None:
            raise NotQuick
        period = self._period(get("period"), indicator, fact)
        flags = self._flags(get("flag"))
        unit_text = get("unit")
        if unit_text and UNIT_ALIASES.get(unit_text.lower()) is not fact.unit:
            raise NotQuick
        breakdown = self._cell(indicator, tuple(map(row.fields.get, DIMENSIONS)), fact)
        vintage = self._vintage(get("published")) if get("published") else self.published
        source = get("source")
        if len(source) > MAX_SOURCE:
            raise NotQuick
        context = (
            indicator,
            period,
            breakdown,
            vintage,
            source or self.source,
            fact.unit.value,
            "provisional" in flags,
            "suppressed" in flags,
            fact.unit is Unit.PERCENT,
        )
        if len(self.contexts) < _CONTEXTS:
            self.contexts[key] = context
        return context

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
        return period

    def _flags(self, text: str) -> frozenset[str]:
        words = [f.strip().lower() for f in text.split("|") if f.strip()]
        if any(w not in FLAGS for w in words):
            raise NotQuick
        return frozenset(FLAGS[w] for w in words)

    def _cell(
        self, indicator: str, cells: tuple[str | None, ...], fact: IndicatorFacts
    ) -> tuple[tuple[str, str], ...]:
        pairs = [(d, c) for d, c in zip(DIMENSIONS, cells, strict=True) if c]
        if any(d not in fact.dimensions for d, _ in pairs):
            raise NotQuick
        return tuple(sorted(pairs))

    def _vintage(self, text: str) -> datetime.date:
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise NotQuick from None
        return day
