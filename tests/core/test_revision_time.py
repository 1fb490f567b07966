"""Revisions in their own time (kpi_core.revision_time): in-force intervals, supersession,
and the figures a revision is judged on. Expected values computed by hand from the
shipped catalogue's dates; all figures here are SYNTHETIC."""

import datetime
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from kpi_core import (
    BasisKind,
    Lang,
    RevisionStatus,
    Status,
    evaluate,
    judgement_basis,
    judgement_note,
    revision_notice,
    revision_time,
    shipped_areas,
    shipped_strategies,
    testing,
)
from kpi_core.memory import InMemoryRepository
from kpi_core.observations import Observation
from kpi_core.repository import ImportBatch, ObservationQuery
from kpi_core.revision_time import periods_within

D = datetime.date
TODAY = D(2026, 12, 2)
AREAS = shipped_areas()
STRATEGY = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi")
PLAN = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesplan")
R2020, R2022, R2015 = STRATEGY.revision("2020"), STRATEGY.revision("2022"), PLAN.revision("2015")


def with_2024():
    """The strategy after a 2024 revision is published (the 2022 text, from 1 March 2024)."""
    r2024 = attrs.evolve(R2022, version="2024", in_force_from=D(2024, 3, 1), lineage=())
    return STRATEGY.with_revision(r2024)


def test_a_superseded_revision_ends_the_day_before_its_successor_starts():
    assert STRATEGY.in_force_until(R2020) == D(2022, 11, 8)  # 2022 is in force from 9 Nov 2022
    assert STRATEGY.in_force_until(R2022) is None  # open-ended
    assert PLAN.in_force_until(R2015) == D(2015, 12, 31)  # as its own file states
    assert STRATEGY.in_force(D(2022, 11, 8)) is R2020
    assert STRATEGY.in_force(D(2022, 11, 9)) is R2022


def test_the_shipped_revisions_in_their_time():
    t2020, t2022, t2015 = (
        revision_time(STRATEGY, R2020, TODAY),
        revision_time(STRATEGY, R2022, TODAY),
        revision_time(PLAN, R2015, TODAY),
    )
    assert (t2020.status, t2020.successor, t2020.superseded, t2020.reconstructed) == (
        RevisionStatus.SUPERSEDED,
        "2022",
        True,
        True,
    )
    assert (t2020.in_force_from, t2020.in_force_until, t2020.in_force) == (
        D(2020, 10, 6),
        D(2022, 11, 8),
        False,
    )
    assert (t2022.status, t2022.in_force_until, t2022.in_force, t2022.reconstructed) == (
        RevisionStatus.ADOPTED,
        None,
        True,
        False,
    )
    assert (t2015.stated_period, t2015.in_force, t2015.superseded) == (True, False, False)


def test_publishing_a_new_revision_supersedes_the_one_before_it():
    strategy = with_2024()
    r2022 = strategy.revision("2022")
    after = revision_time(strategy, r2022, TODAY)
    assert (after.status, after.in_force_until, after.successor, after.in_force) == (
        RevisionStatus.SUPERSEDED,
        D(2024, 2, 29),  # a leap year: the day before 1 March 2024
        "2024",
        False,
    )
    assert strategy.in_force(TODAY).version == "2024"
    assert strategy.in_force(D(2024, 2, 29)) is r2022
    # 2020 still ends where 2022 begins, not where 2024 does.
    assert strategy.in_force_until(strategy.revision("2020")) == D(2022, 11, 8)
    # Published ahead of its start, the successor ends 2022's time but does not supersede it yet.
    before = revision_time(strategy, r2022, D(2024, 1, 15))
    assert (before.status, before.superseded, before.in_force, before.in_force_until) == (
        RevisionStatus.ADOPTED,
        False,
        True,
        D(2024, 2, 29),
    )
    assert revision_notice(before).en == "Revision 2022 will be superseded by revision 2024 on 1 March 2024."


def test_without_as_of_each_revision_is_judged_in_its_own_time():
    b2020 = judgement_basis(STRATEGY, R2020, TODAY)
    assert (b2020.kind, b2020.as_of, b2020.periods, b2020.outside_own_time) == (
        BasisKind.AS_PUBLISHED_AT_END,
        D(2022, 11, 8),
        None,
        False,
    )
    b2022 = judgement_basis(STRATEGY, R2022, TODAY)
    assert (b2022.kind, b2022.as_of, b2022.periods) == (BasisKind.LATEST, None, None)
    b2015 = judgement_basis(PLAN, R2015, TODAY)
    months = tuple(f"2015-{m:02d}" for m in range(1, 13))
    assert (b2015.kind, b2015.as_of) == (BasisKind.STATED_PERIOD, None)
    assert b2015.periods == ("2015", "2015Q1", "2015Q2", "2015Q3", "2015Q4", *months)


def test_other_figures_on_request_are_labelled():
    asked = judgement_basis(STRATEGY, R2020, TODAY, as_of=D(2025, 6, 1))
    assert (asked.kind, asked.as_of, asked.outside_own_time) == (BasisKind.REQUESTED, D(2025, 6, 1), True)
    assert judgement_note(asked).da == (
        "Efter ønske bedømt på tal offentliggjort til og med 1. juni 2025 – uden for revisionens egen tid "
        "(6. oktober 2020 – 8. november 2022)."
    )
    assert judgement_note(asked).en == (
        "On request, judged on the figures published by 1 June 2025 – outside the revision's own time "
        "(6 October 2020 – 8 November 2022)."
    )
    inside = judgement_basis(STRATEGY, R2020, TODAY, as_of=D(2021, 6, 1))
    assert (inside.kind, inside.outside_own_time) == (BasisKind.REQUESTED, False)
    # The 2015 plan on 2025's figures: allowed, and said.
    late = judgement_basis(PLAN, R2015, TODAY, period="2025")
    assert (late.kind, late.as_of, late.outside_own_time) == (BasisKind.REQUESTED, None, True)
    assert judgement_note(late).en == (
        "On request, judged on the period 2025 and the latest published figures – outside the revision's "
        "own time (2015)."
    )
    own = judgement_basis(PLAN, R2015, TODAY, period="2015-06")
    assert (own.kind, own.outside_own_time) == (BasisKind.STATED_PERIOD, False)
    # A period asked of a superseded revision keeps its vintage: what was published by its last day.
    period = judgement_basis(STRATEGY, R2020, TODAY, period="2021")
    assert (period.kind, period.as_of, period.outside_own_time) == (
        BasisKind.AS_PUBLISHED_AT_END,
        D(2022, 11, 8),
        False,
    )


def test_the_notes_in_danish_and_english():
    t2020 = revision_time(STRATEGY, R2020, TODAY)
    notice = revision_notice(t2020)
    assert notice is not None
    assert notice.da.startswith(
        "Revision 2020 er afløst af revision 2022 (i kraft fra 9. november 2022); den var i kraft "
        "6. oktober 2020 – 8. november 2022. Revision 2020 er delvis rekonstrueret"
    )
    assert "is partly reconstructed" in notice.en
    assert revision_notice(revision_time(STRATEGY, R2022, TODAY)) is None  # in force, not reconstructed
    end = judgement_note(judgement_basis(STRATEGY, R2020, TODAY))
    assert end.en == "Judged on the figures published by 8 November 2022, the revision's last day in force."
    plan = judgement_note(judgement_basis(PLAN, R2015, TODAY))
    assert plan(Lang.DA) == "Bedømt på tallene for perioder i 2015, som revisionen er skrevet for."
    assert plan(Lang.EN) == "Judged on the figures for periods in 2015, which the revision is written for."


def test_the_last_possible_periods_are_judged_without_a_date_after_them():
    """Periods run to 9999 (kpi_core.periods); their last day is 31 December 9999."""
    for period in ("9999", "9999Q4", "9999-12"):
        basis = judgement_basis(STRATEGY, R2022, TODAY, period=period)
        assert (basis.kind, basis.outside_own_time) == (BasisKind.LATEST, False)
    assert judgement_basis(PLAN, R2015, TODAY, period="9999-12").outside_own_time


def test_periods_within_take_only_whole_periods():
    assert periods_within(D(2015, 10, 1), D(2015, 12, 31)) == ("2015Q4", "2015-10", "2015-11", "2015-12")
    assert periods_within(D(2015, 2, 15), D(2015, 4, 30)) == ("2015-03", "2015-04")
    assert periods_within(D(2015, 1, 1), D(2015, 1, 30)) == ()


def _store(rows: list[Observation]) -> InMemoryRepository:
    repository = InMemoryRepository()
    batch = ImportBatch(
        "b1", "synthetic.csv", "0" * 64, "csv", "test", datetime.datetime(2026, 1, 1), len(rows)
    )
    repository.add(batch, rows)
    return repository


def _judged(strategy, revision, indicator_id, repository, **asked):
    """What the service does: choose the period and the vintage by the basis, then evaluate."""
    basis = judgement_basis(strategy, revision, TODAY, **asked)
    period = asked.get("period") or repository.latest_periods(
        ObservationQuery(indicators=(indicator_id,), areas=("151",), as_of=basis.as_of, periods=basis.periods)
    ).get((indicator_id, "151"))
    found = repository.find(ObservationQuery(indicators=(indicator_id,), as_of=basis.as_of))
    return basis, evaluate(revision.indicator(indicator_id), "151", period, found, AREAS)


def _o(indicator, area, period, value, published):
    return Observation(indicator, area, period, Decimal(value), source="SYNTETISK", published=published)


# 3.1 "op på landsniveau": 2021 published in January 2022 (while 2020 was in force),
# 2022 published in January 2023 (after 2022 had superseded it).
FIGURES_31 = [
    _o("3.1", "151", "2020", "7", D(2021, 1, 10)),
    _o("3.1", "DK", "2020", "10", D(2021, 1, 10)),
    _o("3.1", "151", "2021", "8", D(2022, 1, 10)),
    _o("3.1", "DK", "2021", "10", D(2022, 1, 10)),
    _o("3.1", "151", "2022", "10.5", D(2023, 1, 10)),
    _o("3.1", "DK", "2022", "10", D(2023, 1, 10)),
]


def test_the_superseded_2020_revision_is_judged_on_what_was_published_while_it_was_in_force():
    store = _store(FIGURES_31)
    basis, e2020 = _judged(STRATEGY, R2020, "3.1", store)
    # 8 < 10, not met; the gap of 2 is smaller than 2020's 3: on track, in 2021.
    assert (e2020.period, e2020.status, e2020.gap) == ("2021", Status.ON_TRACK, Decimal("2"))
    _, e2022 = _judged(STRATEGY, R2022, "3.1", store)
    assert (e2022.period, e2022.status) == ("2022", Status.ACHIEVED)  # 10.5 ≥ 10
    basis, asked = _judged(STRATEGY, R2020, "3.1", store, as_of=D(2023, 6, 1))
    assert (asked.period, asked.status, basis.kind, basis.outside_own_time) == (
        "2022",
        Status.ACHIEVED,
        BasisKind.REQUESTED,
        True,
    )


def test_the_2015_plan_is_judged_on_2015_not_on_later_figures():
    store = _store(
        [
            _o("P5.1", "151", "2014", "68", D(2015, 2, 1)),
            _o("P5.1", "151", "2015", "72", D(2016, 2, 1)),
            _o("P5.1", "151", "2024", "65", D(2025, 2, 1)),
            _o("P5.1", "151", "2025", "60", D(2026, 2, 1)),
        ]
    )
    _, own = _judged(PLAN, R2015, "P5.1", store)
    assert (own.period, own.status, own.value) == ("2015", Status.ACHIEVED, Decimal("72"))  # 72 ≥ 70
    basis, late = _judged(PLAN, R2015, "P5.1", store, period="2025")
    assert (late.period, late.status, basis.kind) == (
        "2025",
        Status.OFF_TRACK,
        BasisKind.REQUESTED,
    )  # 60 < 70


@given(
    testing.strategies_with_history(max_revisions=3),
    st.none() | st.integers(0, 800),
    st.dates(D(2000, 1, 1), D(2040, 12, 31)),
    st.dates(D(2000, 1, 1), D(2040, 12, 31)),
    st.dates(D(2000, 1, 1), D(2040, 12, 31)),
)
def test_an_answer_with_a_revision_and_a_date_is_pinned(strategy, stated_days, as_of, today, later):
    """With an explicit date, what a revision is judged on depends neither on today nor
    on any revision published after it — also when its own file states an end that a
    successor then cuts short: the same URL keeps its answer."""
    first = strategy.revisions[0]
    assert first.in_force_from is not None  # testing.revisions() dates every revision
    if stated_days is not None:
        first = attrs.evolve(first, in_force_until=first.in_force_from + datetime.timedelta(days=stated_days))
        strategy = attrs.evolve(strategy, revisions=(first, *strategy.revisions[1:]))
    alone = attrs.evolve(strategy, revisions=(first,))
    then = judgement_basis(alone, first, today, as_of=as_of)
    now = judgement_basis(strategy, first, later, as_of=as_of)
    assert (then.as_of, then.periods) == (now.as_of, now.periods) == (as_of, then.periods)
    assert (then.periods is None) == (stated_days is None)


@given(testing.strategies_with_history(max_revisions=3), st.dates(D(2000, 1, 1), D(2040, 12, 31)))
def test_intervals_follow_each_other_without_overlap(strategy, on):
    """At most one revision is in force on a day, and a superseded one ends the day
    before the next begins."""
    in_force = [r for r in strategy.revisions if strategy.in_force(on) is r]
    assert len(in_force) <= 1
    for revision in strategy.revisions:
        successor = strategy.successor(revision)
        if successor is not None and successor.in_force_from is not None:
            until = strategy.in_force_until(revision)
            assert until is not None and until < successor.in_force_from
