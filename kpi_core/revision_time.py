"""Revisions in their own time: when a revision was in force, and which figures it is
judged on when nobody asks for others.

A status is a claim about a revision's goals. A superseded revision's goals were
followed up on what was published while it was in force, so that is what it is judged
on unless the caller asks otherwise; a plan written for a stated period (the 2015 plan,
for 2015) is judged on the figures for that period. Asking for other figures is allowed
and then labelled (`JudgementBasis.kind` is REQUESTED; the words are in
`kpi_core.wording.judgement_note`).

=================================  ===========================================================
`revision_time(strategy, r, today)`   in force from/until, status, superseded by, reconstructed
`judgement_basis(strategy, r, today)`  the vintage (`as_of`) and periods it is judged on, and why
`periods_within(first, last)`         the periods (years, quarters, months) inside two dates
=================================  ===========================================================

Pinned: with an explicit `as_of`, the basis depends only on the revision's own fields
and that date, never on revisions published later or on today, so a URL with a revision
and a date keeps its answer.

>>> import datetime
>>> periods_within(datetime.date(2015, 10, 1), datetime.date(2015, 12, 31))
('2015Q4', '2015-10', '2015-11', '2015-12')
"""

import datetime
import enum

import attrs

from kpi_core.periods import Period, PeriodKind, parse_period
from kpi_core.sources import RemarkKind
from kpi_core.strategy import Revision, RevisionStatus, Strategy

# A stated period is read from a catalogue file; its periods are listed for a store
# query, so only its last MAX_STATED_YEARS years are looked at (no plan runs that long).
MAX_STATED_YEARS = 20


@attrs.frozen
class RevisionTime:
    """A revision's place in its strategy's time, seen on `today`."""

    version: str
    status: RevisionStatus  # SUPERSEDED from the day its successor is in force
    in_force_from: datetime.date | None
    in_force_until: datetime.date | None  # its file's end, or the day before its successor starts
    successor: str | None  # the version that takes over (published, maybe not yet in force)
    superseded: bool  # the successor is in force on `today`
    reconstructed: bool  # a revision remark says its contents are reconstructed
    stated_period: bool  # its own file states both ends: written for that period
    in_force: bool  # in force on `today`
    successor_from: datetime.date | None = None  # the day the successor is in force from


class BasisKind(enum.Enum):
    LATEST = "latest"  # in force (or not yet ended): the latest published figures
    AS_PUBLISHED_AT_END = "as_published_at_end"  # ended: what was published by its last day
    STATED_PERIOD = "stated_period"  # written for a stated period: the figures for periods in it
    REQUESTED = "requested"  # the caller asked for a date (asOf) or a period outside its time


@attrs.frozen
class JudgementBasis:
    """Which figures a revision is judged on: published on or before `as_of` (None: all),
    the latest period chosen among `periods` (None: any), and why."""

    kind: BasisKind
    time: RevisionTime
    as_of: datetime.date | None
    periods: tuple[str, ...] | None
    period: str | None = None  # a period the caller asked for
    outside_own_time: bool = False  # the figures asked for lie outside the revision's time
    periods_from: datetime.date | None = None  # `periods` lie wholly between these two days
    periods_until: datetime.date | None = None


def revision_time(strategy: Strategy, revision: Revision, today: datetime.date) -> RevisionTime:
    successor = strategy.successor(revision)
    until = strategy.in_force_until(revision)
    superseded = (
        successor is not None and successor.in_force_from is not None and successor.in_force_from <= today
    )
    status = RevisionStatus.SUPERSEDED if superseded else revision.status
    stated = revision.in_force_from is not None and revision.in_force_until is not None
    return RevisionTime(
        version=revision.version,
        status=status,
        in_force_from=revision.in_force_from,
        in_force_until=until,
        successor=successor.version if successor else None,
        superseded=superseded,
        reconstructed=any(r.kind is RemarkKind.RECONSTRUCTED for r in revision.remarks),
        stated_period=stated,
        in_force=strategy.in_force(today) is revision,
        successor_from=successor.in_force_from if successor else None,
    )


def judgement_basis(
    strategy: Strategy,
    revision: Revision,
    today: datetime.date,
    as_of: datetime.date | None = None,
    period: str | None = None,
) -> JudgementBasis:
    """The figures `revision` is judged on. `as_of` and `period` are what the caller
    asked for (None: not asked); `period` is a canonical period string."""
    time = revision_time(strategy, revision, today)
    start, end = time.in_force_from, time.in_force_until
    # A stated period is the revision's own (its file's two dates), even when a successor
    # cut it short: so that with an explicit `as_of` nothing here depends on later revisions.
    within, first, last = None, revision.in_force_from, revision.in_force_until
    if time.stated_period and first is not None and last is not None:
        within = periods_within(max(first, _years_before(last, MAX_STATED_YEARS)), last)
    else:
        first = last = None
    asked = _span(parse_period(period)) if period is not None else None
    if time.stated_period:
        outside = asked is not None and within is not None and period not in within
    else:
        outside = (as_of is not None and _outside(as_of, as_of, start, end)) or (
            asked is not None and _outside(asked[0], asked[1], start, end)
        )
    if as_of is not None or outside:
        kind, vintage = BasisKind.REQUESTED, as_of
        if as_of is None and not time.stated_period and end is not None and end < today:
            vintage = end  # a period asked for, the vintage still the revision's own
    elif time.stated_period:
        kind, vintage = BasisKind.STATED_PERIOD, None
    elif end is not None and end < today:
        kind, vintage = BasisKind.AS_PUBLISHED_AT_END, end
    else:
        kind, vintage = BasisKind.LATEST, None
    return JudgementBasis(kind, time, vintage, within, period, outside, first, last)


def periods_within(first: datetime.date, last: datetime.date) -> tuple[str, ...]:
    """Every year, quarter and month that lies wholly between `first` and `last`
    (inclusive), years first, then quarters, then months, each in time order."""
    found: dict[PeriodKind, list[str]] = {kind: [] for kind in PeriodKind}
    for year in range(first.year, last.year + 1):
        candidates = [Period(year, PeriodKind.YEAR)]
        candidates += [Period(year, PeriodKind.QUARTER, q) for q in range(1, 5)]
        candidates += [Period(year, PeriodKind.MONTH, m) for m in range(1, 13)]
        for p in candidates:
            begins, ends = _span(p)
            if first <= begins and ends <= last:
                found[p.kind].append(str(p))
    return tuple(found[PeriodKind.YEAR] + found[PeriodKind.QUARTER] + found[PeriodKind.MONTH])


def _span(p: Period) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a period."""
    if p.kind is PeriodKind.YEAR:
        first_month, months = 1, 12
    elif p.kind is PeriodKind.QUARTER:
        first_month, months = 3 * p.index - 2, 3
    else:
        first_month, months = p.index, 1
    begins = datetime.date(p.year, first_month, 1)
    after = first_month + months
    if after > 12:  # ends on 31 December: no date of the next year (there is none after 9999)
        return begins, datetime.date(p.year, 12, 31)
    return begins, datetime.date(p.year, after, 1) - datetime.timedelta(days=1)


def _outside(
    begins: datetime.date, ends: datetime.date, start: datetime.date | None, end: datetime.date | None
) -> bool:
    """Whether the span [begins, ends] lies wholly before `start` or wholly after `end`."""
    return (start is not None and ends < start) or (end is not None and begins > end)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return datetime.date(max(day.year - years + 1, 1000), 1, 1)  # periods begin in year 1000
