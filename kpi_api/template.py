"""`kpi template ID`: the canonical CSV header and one example row for an indicator, for
the figures only the municipality's own systems hold (1.2, 1.3, 2.6, …; see the README).

The example row is valid as it stands (`kpi import` takes it): the owner's area, the
latest complete period of the indicator's frequency, a plausible value in its unit, and
the breakdown columns it declares, empty (the total). A person replaces it with figures.
"""

import csv
import datetime
import io
import re

import attrs

from kpi_api.demo.synthetic import FALLBACK, MONTHLY, PROFILES
from kpi_api.importing.rows import OPTIONAL, REQUIRED
from kpi_core import Indicator, Strategy, Unit
from kpi_core.periods import Frequency

# The frequency is the one the catalogue declares (Indicator.frequency: what `kpi import`
# accepts); for an indicator without one, and for the typical levels, the ones the
# synthetic demo was written from (kpi_api/demo/synthetic.py, after ../shared/sources.md).


@attrs.frozen
class Template:
    text: str  # the CSV: header and one example row
    indicator: Indicator
    strategy: Strategy
    monthly: bool
    frequency: Frequency


class NoSuchIndicator(LookupError):
    pass


def template(indicator_id: str, strategies: tuple[Strategy, ...], today: datetime.date) -> Template:
    found = _find(indicator_id, strategies)
    if found is None:
        known = sorted({i.id for s in strategies for r in s.revisions for i in r.indicators}, key=_natural)
        raise NoSuchIndicator(
            f"`{indicator_id[:60]}` is not an indicator of the catalogue; known ids: {', '.join(known)}"
        )
    strategy, indicator = found
    frequency = indicator.frequency or (Frequency.MONTHLY if indicator.id in MONTHLY else Frequency.YEARLY)
    period = _latest_complete(frequency, today)
    dimensions = [d.value for d in indicator.breakdowns]
    header = [*REQUIRED, *OPTIONAL, *dimensions]
    example = {
        "indicator": indicator.id,
        "area": strategy.owner,
        "period": period,
        "value": _plausible(indicator),
        "unit": indicator.unit.value,
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerow([example.get(column, "") for column in header])
    return Template(out.getvalue(), indicator, strategy, frequency is Frequency.MONTHLY, frequency)


def _latest_complete(frequency: Frequency, today: datetime.date) -> str:
    """The last month, quarter or year that has ended before `today`."""
    if frequency is Frequency.MONTHLY:
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        return f"{last_month.year}-{last_month.month:02d}"
    if frequency is Frequency.QUARTERLY:
        quarter = (today.month - 1) // 3  # the quarters ended this year
        return f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"
    return str(today.year - 1)


def _find(indicator_id: str, strategies: tuple[Strategy, ...]) -> tuple[Strategy, Indicator] | None:
    """The indicator in the newest revision that has it (ids are one namespace for imports)."""
    for strategy in strategies:
        for revision in reversed(strategy.revisions):
            indicator = revision.indicator(indicator_id)
            if indicator is not None:
                return strategy, indicator
    return None


def _plausible(indicator: Indicator) -> str:
    profile = PROFILES.get(indicator.id) or FALLBACK[indicator.unit]
    if indicator.unit is Unit.COUNT:
        return str(max(0, round(profile.level)))
    if indicator.unit is Unit.PERCENT:
        return f"{min(99.9, max(0.1, profile.level)):.1f}"
    return f"{profile.level:.1f}"


def _natural(indicator_id: str) -> tuple:
    """C1, O1, O2, P1.1, …, 1.1, …, 1.5a, 1.5b, 1.6, …, 5.6: numbers as numbers."""
    parts = (re.fullmatch(r"(\d*)(.*)", p) for p in indicator_id.split("."))
    return tuple((int(m[1]) if m[1] else -1, m[2]) for m in parts if m)
