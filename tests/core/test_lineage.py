"""Revision diffs: 2020 → 2022 as the documents say, and diff(a, b) inverts diff(b, a)."""

from hypothesis import given

from kpi_core import ChangeKind, diff, shipped_strategies, testing
from kpi_core.lineage import check_notes_agree

STRATEGY = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi")


def kinds(d) -> dict:
    return {(getattr(c.before, "id", None), getattr(c.after, "id", None)): c.kind for c in d.changes}


def test_2020_to_2022_is_what_the_documents_say():
    d = diff(STRATEGY, "2020", "2022")
    changed = {k: v for k, v in kinds(d).items() if v is not ChangeKind.UNCHANGED}
    assert changed == {
        (None, "O1"): ChangeKind.ADDED,  # "tilføjet … efter ønske fra udvalget"
        (None, "O2"): ChangeKind.ADDED,
        ("1.5a", "1.5b"): ChangeKind.REPLACED,  # "UDGÅR" / "ERSTATES MED"
        (None, "2.5"): ChangeKind.ADDED,  # "Ny: … sygemeldte"
        (None, "2.6"): ChangeKind.ADDED,  # "Ny: … delvis raskmeldte"
        (None, "3.2"): ChangeKind.ADDED,  # "Ny: Fleksjobledigheden"
        (None, "3.3"): ChangeKind.ADDED,  # "Ny: Tilkendelse af førtidspension"
        ("5.4", "5.4"): ChangeKind.RESCOPED,  # "opgøres på målgruppeniveau"
        ("5.5", None): ChangeKind.REMOVED,  # "Udgår: … ikke længere adgang til disse data"
    }
    unchanged = [k[0] for k, v in kinds(d).items() if v is ChangeKind.UNCHANGED]
    assert unchanged == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.6",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
        "5.2",
        "5.3",
        "5.6",
    ]


def test_reasons_come_from_the_documents():
    d = diff(STRATEGY, "2020", "2022")
    assert "Lettere at trække" in d.change_of("1.5a").reason.da
    assert "ikke længere adgang" in d.change_of("5.5").reason.da
    assert d.change_of("1.1").reason is None


def test_goal_1_was_reworded_and_nothing_else_in_goals_or_focus_areas():
    d = diff(STRATEGY, "2020", "2022")
    assert [(c.subject, c.kind) for c in d.goals if c.kind is not ChangeKind.UNCHANGED] == [
        ("M1", ChangeKind.REWORDED)
    ]
    assert "opleve hjælp til at få" in d.change_of("M1").before.statement.da
    assert "opleve at få hjælp til at få" in d.change_of("M1").after.statement.da
    assert all(c.kind is ChangeKind.UNCHANGED for c in d.focus_areas)


def test_the_shipped_diff_inverts_exactly():
    forward, backward = diff(STRATEGY, "2020", "2022"), diff(STRATEGY, "2022", "2020")
    assert forward.inverted() == backward
    assert kinds(backward)[("1.5b", "1.5a")] is ChangeKind.REPLACED
    assert kinds(backward)[("O1", None)] is ChangeKind.REMOVED


@given(testing.strategies_with_history())
def test_diff_of_b_a_is_the_inverse_of_diff_of_a_b(strategy):
    for a in strategy.revisions:
        for b in strategy.revisions:
            assert diff(strategy, a, b) == diff(strategy, b, a).inverted()


@given(testing.strategies_with_history())
def test_a_revision_diffed_with_itself_is_all_unchanged(strategy):
    for r in strategy.revisions:
        assert {c.kind for c in diff(strategy, r, r).changes} == {ChangeKind.UNCHANGED}


@given(testing.strategies_with_history())
def test_generated_lineage_notes_agree_with_the_revisions(strategy):
    assert check_notes_agree(strategy) == []


@given(testing.strategies_with_history())
def test_every_indicator_on_either_side_appears_in_exactly_one_change(strategy):
    first, last = strategy.revisions[0], strategy.revisions[-1]
    d = diff(strategy, first, last)
    before = [c.before.id for c in d.changes if c.before is not None]
    after = [c.after.id for c in d.changes if c.after is not None]
    assert sorted(before) == sorted(i.id for i in first.indicators)
    assert sorted(after) == sorted(i.id for i in last.indicators)
