"""Which source periods a fetch asks for: those whose canonical period starts on or after
`--since` (a year, a quarter or a month, as canonical periods are written)."""

from kpi_api.importing.engine import map_period
from kpi_api.importing.mapping_model import TimeRule
from kpi_core import PeriodError
from kpi_core.periods import Period, PeriodKind, parse_period


def first_month(period: Period) -> tuple[int, int]:
    if period.kind is PeriodKind.YEAR:
        return period.year, 1
    if period.kind is PeriodKind.QUARTER:
        return period.year, 3 * period.index - 2
    return period.year, period.index


def since_month(text: str | None) -> tuple[int, int] | None:
    """`--since` as (year, month); a ValueError saying what is expected."""
    if not text:
        return None
    try:
        return first_month(parse_period(text))
    except PeriodError as exc:
        raise ValueError(f"--since: {exc}") from None


def wanted(code: str, rule: TimeRule, since: tuple[int, int] | None) -> bool:
    """A source period the mapping reads and that starts on or after `since`."""
    try:
        period = parse_period(map_period(code, rule))
    except (LookupError, PeriodError):
        return False  # refused (rolling years) or unknown: not asked for
    return since is None or first_month(period) >= since
