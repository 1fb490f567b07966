"""Periods as the sources publish them: a year `2022`, a quarter `2022Q3`, a month `2022-09`.

>>> parse_period("2022-09").year_earlier()
Period(year=2021, kind=<PeriodKind.MONTH: 'month'>, index=9)
>>> str(parse_period("2022q3"))
'2022Q3'
"""

import enum
import re

import attrs


class PeriodKind(enum.Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


class PeriodError(ValueError):
    """A period string that is not a year, quarter or month."""


_PATTERNS = {
    PeriodKind.YEAR: re.compile(r"(\d{4})"),
    PeriodKind.QUARTER: re.compile(r"(\d{4})[Qq](\d)"),
    PeriodKind.MONTH: re.compile(r"(\d{4})-(\d{2})"),
}


@attrs.frozen(order=True)
class Period:
    year: int
    kind: PeriodKind = attrs.field(order=lambda k: k.value)
    index: int = 0  # quarter 1–4 or month 1–12; 0 for a year

    def __str__(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    def year_earlier(self) -> "Period":
        """The same month, quarter or year one year before."""
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
