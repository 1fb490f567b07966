"""Periods as the sources publish them: a year `2022`, a quarter `2022Q3`, a month `2022-09`.

>>> parse_period("2022-09").year_earlier()
Period(year=2021, kind=<PeriodKind.MONTH: 'month'>, index=9)
>>> str(parse_period("2022q3"))
'2022Q3'
"""

import enum
import functools
import re

import attrs

from kpi_core.errors import PeriodError


class PeriodKind(enum.Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


class Frequency(enum.Enum):
    """How often a source publishes an indicator: the one kind of period its series has.

    A series of one kind only can be charted and compared a year back; a yearly figure
    in a monthly series is a different measure, not a thirteenth month.
    """

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def period_kind(self) -> "PeriodKind":
        return _KIND_OF[self]


_KIND_OF = {
    Frequency.MONTHLY: PeriodKind.MONTH,
    Frequency.QUARTERLY: PeriodKind.QUARTER,
    Frequency.YEARLY: PeriodKind.YEAR,
}

# ASCII digits only: Python's \d also matches other scripts' digits ("٢٠٢٢" read as 2022).
_PATTERNS = {
    PeriodKind.YEAR: re.compile(r"([0-9]{4})"),
    PeriodKind.QUARTER: re.compile(r"([0-9]{4})[Qq]([0-9])"),
    PeriodKind.MONTH: re.compile(r"([0-9]{4})-([0-9]{2})"),
}


# The canonical forms as regular expressions that JSON Schema (ECMA-262) and Python read
# alike, for what a URL or a schema may say: ASCII digits, years 1000–9999, quarters 1–4,
# months 01–12. `parse_period` accepts exactly these, and is lenient beyond them only in
# spaces around the text (files typed by hand).
PERIOD_PATTERNS = {
    PeriodKind.YEAR: "^[1-9][0-9]{3}$",
    PeriodKind.QUARTER: "^[1-9][0-9]{3}[Qq][1-4]$",
    PeriodKind.MONTH: "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$",
}

_INDEX_RANGE = {PeriodKind.YEAR: range(0, 1), PeriodKind.QUARTER: range(1, 5), PeriodKind.MONTH: range(1, 13)}


def _four_digit_year(instance: object, attribute: "attrs.Attribute[int]", year: int) -> None:
    # Below 1000 a year would print as fewer than four digits, which parses back as no period.
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise PeriodError(f"{year!r} is not a year of a period (expected 1000–9999)")


@attrs.frozen(order=True)
class Period:
    """A year, a quarter or a month; `Period(2022, PeriodKind.MONTH, 13)` cannot be built.

    >>> Period(2022, PeriodKind.MONTH, 13)
    Traceback (most recent call last):
    ...
    kpi_core.errors.PeriodError: 13 is not a month of a period (expected 1–12)
    """

    year: int = attrs.field(validator=_four_digit_year)
    kind: PeriodKind = attrs.field(
        order=lambda k: k.value, validator=attrs.validators.instance_of(PeriodKind)
    )
    index: int = attrs.field(default=0)  # quarter 1–4 or month 1–12; 0 for a year

    @index.validator
    def _index_fits_kind(self, attribute: "attrs.Attribute[int]", index: int) -> None:
        allowed = _INDEX_RANGE[self.kind]
        if isinstance(index, bool) or not isinstance(index, int) or index not in allowed:
            if self.kind is PeriodKind.YEAR:
                raise PeriodError(f"{index!r} is not the index of a year (expected 0)")
            raise PeriodError(
                f"{index!r} is not a {self.kind.value} of a period (expected {allowed[0]}–{allowed[-1]})"
            )

    def __str__(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    def year_earlier(self) -> "Period":
        """The same month, quarter or year one year before; a `PeriodError` for year 1000."""
        return attrs.evolve(self, year=self.year - 1)


def parse_period(text: str) -> Period:
    """Parse a canonical period string, with an error that says what was expected."""
    text = text.strip()
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(text)
        if match:
            year = int(match.group(1))
            if year < 1000:  # "0999" would print back as "999", which is no period
                raise PeriodError(f"{text!r} is not a period (years from 1000 on)")
            index = int(match.group(2)) if kind is not PeriodKind.YEAR else 0
            if kind is PeriodKind.QUARTER and not 1 <= index <= 4:
                raise PeriodError(f"{text!r} is not a quarter (expected YYYYQ1 … YYYYQ4)")
            if kind is PeriodKind.MONTH and not 1 <= index <= 12:
                raise PeriodError(f"{text!r} is not a month (expected YYYY-MM with MM 01–12)")
            return Period(year, kind, index)
    raise PeriodError(f"{text!r} is not a period (expected a year YYYY, a quarter YYYYQn or a month YYYY-MM)")


@functools.lru_cache(maxsize=4096)  # called per evaluation, for few distinct periods
def a_year_earlier(period: str) -> str | None:
    """The canonical period a year before `period`, or None before year 1000 (no period).

    >>> a_year_earlier("2022q3"), a_year_earlier("1000")
    ('2021Q3', None)
    """
    try:
        return str(parse_period(period).year_earlier())
    except PeriodError:
        return None
