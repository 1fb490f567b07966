"""The commentary store on SQLite and PostgreSQL: every change is a new row, nothing is
updated or deleted, and a day's view stays what it was."""

import datetime

import pytest
import sqlalchemy as sa

from kpi_api import commentary_service
from kpi_api.storage import commentary_store, data_version
from kpi_api.storage.tables import commentary_versions
from kpi_core import Lang, shipped_areas, shipped_strategies
from kpi_core.commentary import CommentaryConflict, Subject, SubjectKind, UnknownCommentary

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
