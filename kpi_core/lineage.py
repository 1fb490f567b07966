"""Revision lineage: what changed between two revisions of a strategy, and why.

`diff(strategy, a, b)` compares any two revisions, in either order. Each indicator
present on one side or both becomes one `IndicatorChange`:

| kind | when |
| --- | --- |
| UNCHANGED | same id on both sides, same definition and wording |
| REWORDED | same id and definition, other wording |
| RESCOPED | same id, other definition (unit, direction, target, breakdowns, data source) |
| REPLACED | an id on one side only, linked by a `replaced` lineage note to one on the other |
| ADDED / REMOVED | an id on the `b` / `a` side only, with no such link |

The kinds follow from the revisions themselves; lineage notes add the link for REPLACED
and the documents' reason. `diff(s, b, a)` is exactly `diff(s, a, b).inverted()`: a
replacement link is a pair, not an arrow, and everything else is symmetric.
"""

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, Self, TypeVar

import attrs

from kpi_core.errors import UnknownRevision
from kpi_core.indicators import Indicator
from kpi_core.sources import SourceRef
from kpi_core.strategy import FocusArea, Goal, LineageKind, LineageNote, Revision, Strategy
from kpi_core.text import Text


class ChangeKind(enum.Enum):
    UNCHANGED = "unchanged"
    ADDED = "added"
    REMOVED = "removed"
    REPLACED = "replaced"
    RESCOPED = "rescoped"
    REWORDED = "reworded"


_INVERSE = {ChangeKind.ADDED: ChangeKind.REMOVED, ChangeKind.REMOVED: ChangeKind.ADDED}


# What a change is of: an indicator, a focus area or a goal (each checked on its own).
_S = TypeVar("_S", Indicator, FocusArea, Goal)


@attrs.frozen
class Change(Generic[_S]):
    """One change of one subject; `before` is on the `from` side, `after` on the `to` side."""

    kind: ChangeKind
    before: _S | None
    after: _S | None
    reason: Text | None = None
    source: SourceRef | None = None

    @property
    def subject(self) -> str:
        return (self.before or self.after).id  # type: ignore[union-attr]  # one side is never None

    def inverted(self) -> Self:
        return attrs.evolve(
            self, kind=_INVERSE.get(self.kind, self.kind), before=self.after, after=self.before
        )


@attrs.frozen
class IndicatorChange(Change[Indicator]):
    """`before` and `after` are `Indicator`s."""


@attrs.frozen
class FocusAreaChange(Change[FocusArea]):
    """`before` and `after` are `FocusArea`s (renamed = REWORDED)."""


@attrs.frozen
class GoalChange(Change[Goal]):
    """`before` and `after` are `Goal`s (restated = REWORDED)."""


@attrs.frozen
class RevisionDiff:
    strategy_id: str
    from_version: str
    to_version: str
    changes: tuple[IndicatorChange, ...]
    focus_areas: tuple[FocusAreaChange, ...]
    goals: tuple[GoalChange, ...]

    def inverted(self) -> "RevisionDiff":
        return RevisionDiff(
            self.strategy_id,
            self.to_version,
            self.from_version,
            tuple(c.inverted() for c in self.changes),
            tuple(c.inverted() for c in self.focus_areas),
            tuple(c.inverted() for c in self.goals),
        )

    def change_of(self, subject: str) -> IndicatorChange | FocusAreaChange | GoalChange | None:
        every: tuple[IndicatorChange | FocusAreaChange | GoalChange, ...] = (
            *self.changes,
            *self.focus_areas,
            *self.goals,
        )
        for change in every:
            if subject in {getattr(change.before, "id", None), getattr(change.after, "id", None)}:
                return change
        return None


def diff(strategy: Strategy, a: Revision | str, b: Revision | str) -> RevisionDiff:
    """The changes from revision `a` to revision `b` of `strategy` (either may be older);
    `UnknownRevision` when the strategy has no such revision."""
    a, b = _revision(strategy, a), _revision(strategy, b)
    ia, ib = strategy.revisions.index(a), strategy.revisions.index(b)
    older, newer = sorted((ia, ib))
    notes = _notes_between(strategy.revisions[older + 1 : newer + 1])
    links = _replacement_links(strategy.revisions[older + 1 : newer + 1])

    def order(items_of: Callable[[Revision], Sequence[Indicator | FocusArea | Goal]]) -> list[str]:
        # One order for both directions: the older revision's, with the newer one's
        # additions placed after their predecessor there.
        return _merged_order(
            [x.id for x in items_of(strategy.revisions[older])],
            [x.id for x in items_of(strategy.revisions[newer])],
        )

    return RevisionDiff(
        strategy_id=strategy.id,
        from_version=a.version,
        to_version=b.version,
        changes=tuple(
            _changes(
                IndicatorChange,
                order(lambda r: r.indicators),
                _by_id(a.indicators),
                _by_id(b.indicators),
                notes,
                links,
            )
        ),
        focus_areas=tuple(
            _changes(
                FocusAreaChange,
                order(lambda r: r.focus_areas),
                _by_id(a.focus_areas),
                _by_id(b.focus_areas),
                notes,
                {},
            )
        ),
        goals=tuple(_changes(GoalChange, order(_goals), _by_id(_goals(a)), _by_id(_goals(b)), notes, {})),
    )


def changes_since_previous(strategy: Strategy, revision: Revision) -> RevisionDiff | None:
    """The diff from the revision before `revision`, or None for the first one."""
    previous = strategy.previous(revision)
    return None if previous is None else diff(strategy, previous, revision)


_NOTE_KIND = {
    LineageKind.ADDED: ChangeKind.ADDED,
    LineageKind.REMOVED: ChangeKind.REMOVED,
    LineageKind.REPLACED: ChangeKind.REPLACED,
    LineageKind.RESCOPED: ChangeKind.RESCOPED,
    LineageKind.REWORDED: ChangeKind.REWORDED,
}


def check_notes_agree(strategy: Strategy) -> list[str]:
    """Problems where a revision's lineage note claims a change its content does not show
    (e.g. 'rescoped' while the definition is unchanged). Empty when all agree."""
    problems: list[str] = []
    for previous, revision in zip(strategy.revisions, strategy.revisions[1:], strict=False):
        d = diff(strategy, previous, revision)
        for note in revision.lineage:
            change = d.change_of(note.subject)
            expected = _NOTE_KIND[note.kind]
            if change is None or change.kind is not expected:
                found = "nothing" if change is None else change.kind.value
                problems.append(
                    f"revision {revision.version}: the note says {note.subject} was {note.kind.value}, "
                    f"but comparing with revision {previous.version} shows {found}"
                )
    return problems


def _revision(strategy: Strategy, r: Revision | str) -> Revision:
    found = strategy.revision(r) if isinstance(r, str) else r
    if found is None or found not in strategy.revisions:
        version = r if isinstance(r, str) else r.version
        known = ", ".join(x.version for x in strategy.revisions)
        raise UnknownRevision(f"strategy {strategy.id} has no revision {version!r} (it has {known})")
    return found


def _goals(revision: Revision) -> list[Goal]:
    return [f.goal for f in revision.focus_areas]


def _by_id(items: Iterable[_S]) -> dict[str, _S]:
    return {x.id: x for x in items}


def _notes_between(revisions: Iterable[Revision]) -> dict[str, LineageNote]:
    notes: dict[str, LineageNote] = {}
    for revision in revisions:
        for note in revision.lineage:
            notes[note.subject] = note
            if note.successor:
                notes[note.successor] = note
    return notes


def _replacement_links(revisions: Iterable[Revision]) -> dict[str, str]:
    """Each original id → the id that finally replaces it, composing chains (a→b, b→c)."""
    links: dict[str, str] = {}
    for revision in revisions:
        for note in revision.lineage:
            if note.kind is LineageKind.REPLACED and note.successor is not None:  # always, if replaced
                for origin, current in list(links.items()):
                    if current == note.subject:
                        links[origin] = note.successor
                links[note.subject] = note.successor
    return links


def _merged_order(older: list[str], newer: list[str]) -> list[str]:
    merged = list(older)
    previous = None
    for item in newer:
        if item not in merged:
            merged.insert(merged.index(previous) + 1 if previous is not None else 0, item)
        previous = item
    return merged


_C = TypeVar("_C", bound=Change[Any])


def _changes(
    cls: type[_C],
    order: list[str],
    before_by_id: Mapping[str, _S],
    after_by_id: Mapping[str, _S],
    notes: Mapping[str, LineageNote],
    links: Mapping[str, str],
) -> Iterator[_C]:
    def side(subject: str) -> str | None:
        return {(True, False): "before", (False, True): "after", (True, True): "both"}.get(
            (subject in before_by_id, subject in after_by_id)
        )

    # A link is a pair, not an arrow: it matches whichever side holds the old id. Only
    # links between an id on one side alone and an id on the other side alone count.
    one_sided = {x for x in (*before_by_id, *after_by_id) if side(x) in ("before", "after")}
    pairs = {(old, new) for old, new in links.items() if old in one_sided and new in one_sided}
    partners = {**{old: new for old, new in pairs}, **{new: old for old, new in sorted(pairs)}}
    consumed: set[str] = set()
    for subject in order:
        if subject in consumed:
            continue
        before, after = before_by_id.get(subject), after_by_id.get(subject)
        note = notes.get(subject)
        reason, source = (note.reason, note.source) if note else (None, None)
        partner = partners.get(subject)
        if side(subject) == "both":
            kind = _compare(before_by_id[subject], after_by_id[subject])  # both hold it
        elif (
            partner is not None
            and partner not in consumed
            and {side(subject), side(partner)} == {"before", "after"}
        ):
            before, after = before or before_by_id[partner], after or after_by_id[partner]
            consumed.add(partner)
            kind = ChangeKind.REPLACED
        else:
            kind = ChangeKind.REMOVED if before is not None else ChangeKind.ADDED
        if kind is ChangeKind.UNCHANGED:
            reason, source = None, None
        yield cls(kind=kind, before=before, after=after, reason=reason, source=source)


def _compare(before: _S, after: _S) -> ChangeKind:
    # Both sides are of one class (`_changes` compares within one kind of subject).
    if isinstance(before, Indicator) and isinstance(after, Indicator):
        if before.definition() != after.definition():
            return ChangeKind.RESCOPED
        return ChangeKind.REWORDED if before.wording() != after.wording() else ChangeKind.UNCHANGED
    if isinstance(before, FocusArea) and isinstance(after, FocusArea):
        if before.key_figure != after.key_figure:
            return ChangeKind.RESCOPED
        return ChangeKind.REWORDED if before.name != after.name else ChangeKind.UNCHANGED
    if isinstance(before, Goal) and isinstance(after, Goal):
        return ChangeKind.REWORDED if before.statement != after.statement else ChangeKind.UNCHANGED
    raise TypeError(f"cannot compare a {type(before).__name__} with a {type(after).__name__}")
