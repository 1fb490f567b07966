"""The commentary store on SQLite and PostgreSQL: every change is a new row, nothing is
updated or deleted, and a day's view stays what it was."""

import datetime

import pytest
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kpi_api import commentary_service
from kpi_api.storage import commentary_store, data_version
from kpi_api.storage.tables import commentary_versions
from kpi_core import Lang, shipped_areas, shipped_strategies
from kpi_core.commentary import (
    CommentaryConflict,
    CommentaryError,
    Subject,
    SubjectKind,
    UnknownCommentary,
    as_of,
)

SUBJECT = Subject("ballerup-beskaeftigelsesstrategi", "2022", SubjectKind.INDICATOR, "2.1")
COPENHAGEN = commentary_service.DAYS_IN


def at(day: int, hour: int, zone=datetime.UTC) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=zone)


@pytest.fixture
def engine(store_engine):
    with store_engine.begin() as c:
        c.execute(sa.delete(commentary_versions))  # the session's database is shared by the tests
    return store_engine


def rows(engine) -> list[tuple]:
    with engine.connect() as c:
        return [
            tuple(r) for r in c.execute(sa.select(commentary_versions).order_by(commentary_versions.c.id))
        ]


def version(engine) -> int:
    with engine.connect() as c:
        return data_version.read(c)


def test_every_change_is_a_new_row_and_earlier_rows_stay_as_written(engine):
    store = commentary_store.CommentaryStore(engine)
    before = version(engine)
    added = store.add(SUBJECT, "151", "2022-09", Lang.DA, "Ledigheden steg.", "anna", at(1, 9))
    after_add = rows(engine)
    store.edit(added.commentary_id, Lang.EN, "Unemployment rose.", "bo", at(2, 9))
    store.edit(added.commentary_id, Lang.DA, "Ledigheden steg i september.", "cy", at(3, 9))
    store.withdraw(added.commentary_id, "dan", at(4, 9))
    assert rows(engine)[:1] == after_add  # the first row is as it was written
    kept = store.versions_of(added.commentary_id)
    assert [(v.number, v.da, v.en, v.author, v.withdrawn) for v in kept] == [
        (1, "Ledigheden steg.", None, "anna", False),
        (2, "Ledigheden steg.", "Unemployment rose.", "bo", False),
        (3, "Ledigheden steg i september.", "Unemployment rose.", "cy", False),
        (4, "Ledigheden steg i september.", "Unemployment rose.", "dan", True),
    ]
    assert [v.written_at for v in kept] == [at(d, 9) for d in (1, 2, 3, 4)]  # in UTC, on both databases
    assert version(engine) == before + 4  # each write makes the cached pages and answers stale


def test_a_withdrawal_hides_it_from_then_on_and_keeps_its_history(engine):
    store = commentary_store.CommentaryStore(engine)
    target = commentary_service.indicator_target(_catalogue(), SUBJECT.strategy_id, "2022", "2.1")
    added = store.add(SUBJECT, "151", "2022-09", Lang.DA, "Først", "anna", at(1, 9))
    store.edit(added.commentary_id, Lang.DA, "Siden", "bo", at(2, 9))
    store.withdraw(added.commentary_id, "bo", at(3, 9))

    def shown(as_of):
        return [
            (c.latest.da, [v.number for v in c.earlier])
            for c in commentary_service.current(store, target, "151", None, as_of)
        ]

    assert shown(datetime.date(2026, 10, 31)) == []
    assert shown(datetime.date(2026, 11, 1)) == [("Først", [])]
    assert shown(datetime.date(2026, 11, 2)) == [("Siden", [1])]
    assert shown(datetime.date(2026, 11, 3)) == [] == shown(None)
    assert len(store.versions_of(added.commentary_id)) == 3  # nothing deleted


def test_as_of_is_a_day_in_denmark_and_pins_what_was_shown(engine):
    store = commentary_store.CommentaryStore(engine)
    target = commentary_service.indicator_target(_catalogue(), SUBJECT.strategy_id, "2022", "2.1")
    # 23:30 in Copenhagen on the 1st is 22:30 UTC: it belongs to the 1st, not the 2nd.
    late = store.add(
        SUBJECT, "151", "2022-09", Lang.DA, "Sent", "anna", at(1, 23, COPENHAGEN).replace(minute=30)
    )
    # 00:30 in Copenhagen on the 2nd is 23:30 UTC on the 1st: it belongs to the 2nd.
    store.add(SUBJECT, "151", "2022-10", Lang.DA, "Tidligt", "anna", at(2, 0, COPENHAGEN).replace(minute=30))
    on_1st = commentary_service.current(store, target, "151", None, datetime.date(2026, 11, 1))
    assert [c.latest.da for c in on_1st] == ["Sent"]
    pinned = [c.latest for c in on_1st]
    store.edit(late.commentary_id, Lang.DA, "Rettet senere", "bo", at(20, 9))
    again = commentary_service.current(store, target, "151", None, datetime.date(2026, 11, 1))
    assert [c.latest for c in again] == pinned  # an edit later does not change that day's view
    october = commentary_service.current(store, target, "151", "2022-10", datetime.date(2026, 11, 2))
    assert [c.latest.da for c in october] == ["Tidligt"]  # the period filters


def test_a_second_edit_of_the_same_version_is_a_conflict_and_writes_nothing(engine):
    store = commentary_store.CommentaryStore(engine)
    added = store.add(SUBJECT, "151", "2022-09", Lang.DA, "Først", "anna", at(1, 9))
    # Two requests read version 1 and each makes version 2: the first is stored.
    mine, theirs = (added.edited(Lang.DA, text, who, at(2, 9)) for text, who in (("A", "a"), ("B", "b")))
    commentary_store.insert(engine, mine)
    stored = rows(engine)
    with pytest.raises(CommentaryConflict, match="read it again"):
        commentary_store.insert(engine, theirs)
    assert rows(engine) == stored


def test_an_unknown_id_is_named(engine):
    with pytest.raises(UnknownCommentary, match="no commentary 'nope'"):
        commentary_store.edit(engine, "nope", Lang.DA, "x", "anna", at(1, 9))


def test_a_page_gets_the_newest_on_each_indicator_and_goal_in_one_read(engine):
    store = commentary_store.CommentaryStore(engine)
    goal = Subject(SUBJECT.strategy_id, "2022", SubjectKind.GOAL, "M2")
    store.add(SUBJECT, "151", "2022-08", Lang.DA, "Ældre", "anna", at(1, 9))
    store.add(SUBJECT, "151", "2022-09", Lang.DA, "Nyere", "anna", at(2, 9))
    store.add(goal, "151", "2022-09", Lang.EN, "On the goal", "anna", at(2, 10))
    store.add(SUBJECT, "DK", "2022-09", Lang.DA, "Et andet område", "anna", at(2, 11))
    shown = commentary_service.latest_on_page(store, SUBJECT.strategy_id, "2022", "151", None)
    assert {k: v.latest.text(Lang.DA) for k, v in shown.items()} == {
        (SubjectKind.INDICATOR, "2.1"): "Nyere",
        (SubjectKind.GOAL, "M2"): "On the goal",
    }


def _catalogue():
    from kpi_api.catalogue import Catalogue

    return Catalogue(strategies=tuple(shipped_strategies()), areas=shipped_areas())


def test_the_store_answers_like_the_model_under_any_sequence_of_changes(engine):
    """A stateful test: SQLite and PostgreSQL keep and select exactly what the pure model
    (kpi_core.commentary on a plain list) does, for any adds, edits, withdrawals and days."""
    run_state_machine_as_test(_contract(engine), settings=settings(max_examples=25, stateful_step_count=12))


INDICATORS = [Subject(SUBJECT.strategy_id, "2022", SubjectKind.INDICATOR, i) for i in ("2.1", "2.2")]
GOALS = [Subject(SUBJECT.strategy_id, "2022", SubjectKind.GOAL, "M2")]


def _contract(engine):
    class CommentaryContract(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            with engine.begin() as c:
                c.execute(sa.delete(commentary_versions))
            self.store = commentary_store.CommentaryStore(engine)
            self.model: list = []
            self.clock = at(1, 0)

        def tick(self, hours: int) -> datetime.datetime:
            self.clock += datetime.timedelta(hours=hours)
            return self.clock

        @rule(
            subject=st.sampled_from(INDICATORS + GOALS),
            area=st.sampled_from(["151", "DK"]),
            period=st.sampled_from(["2022-09", "2022-10"]),
            lang=st.sampled_from(Lang),
            hours=st.integers(1, 30),
        )
        def add(self, subject, area, period, lang, hours):
            self.model.append(self.store.add(subject, area, period, lang, "t", "a", self.tick(hours)))

        @rule(data=st.data(), lang=st.sampled_from(Lang), withdraw=st.booleans(), hours=st.integers(1, 30))
        def change(self, data, lang, withdraw, hours):
            if not self.model:
                return
            cid = data.draw(st.sampled_from(sorted({v.commentary_id for v in self.model})))
            newest = max((v for v in self.model if v.commentary_id == cid), key=lambda v: v.number)
            when = self.tick(hours)
            try:
                expected = (
                    newest.withdrawn_by("b", when) if withdraw else newest.edited(lang, f"v{when}", "b", when)
                )
            except CommentaryError:
                expected = None
            try:
                stored = (
                    self.store.withdraw(cid, "b", when)
                    if withdraw
                    else self.store.edit(cid, lang, f"v{when}", "b", when)
                )
            except CommentaryError:
                stored = None
            assert stored == expected
            if stored is not None:
                self.model.append(stored)

        @rule(
            subject=st.sampled_from(INDICATORS + GOALS),
            area=st.sampled_from(["151", "DK"]),
            period=st.sampled_from([None, "2022-09"]),
            day=st.none() | st.integers(1, 20),
        )
        def read(self, subject, area, period, day):
            day_ = None if day is None else datetime.date(2026, 11, day)
            indicator = subject.id if subject.kind is SubjectKind.INDICATOR else "2.1"  # M2's key figure
            target = commentary_service.CommentedOn(
                subject, _catalogue().strategy(SUBJECT.strategy_id).revision("2022").indicator(indicator)
            )
            cutoff = commentary_service.before(day_)
            mine = [
                v
                for v in self.model
                if v.subject == subject and v.area == area and (period is None or v.period == period)
            ]
            assert commentary_service.current(self.store, target, area, period, day_) == as_of(mine, cutoff)

        @invariant()
        def every_version_is_kept(self):
            ids = {v.commentary_id for v in self.model}
            stored = [v for i in sorted(ids) for v in self.store.versions_of(i)]
            assert sorted(stored, key=_order) == sorted(self.model, key=_order)

    return CommentaryContract


def _order(v) -> tuple[str, int]:
    return (v.commentary_id, v.number)
