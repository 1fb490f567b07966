"""A strategy and its revisions: principles, focus areas, goals, key figures, indicators.

Invariants are checked when a value is built, so an invalid revision cannot exist:
ids are unique within a revision, each focus area has exactly one key figure among its
own indicators, every citation names a document of the revision, and a revision's
lineage notes point at indicators that exist on the side they claim.
"""

import datetime
import enum
from collections.abc import Hashable, Iterator, Sequence

import attrs

from kpi_core.indicators import Indicator
from kpi_core.sources import Remark, SourceDocument, SourceRef
from kpi_core.text import Text

_text = attrs.validators.instance_of(Text)
_source = attrs.validators.instance_of(SourceRef)
_optional_date = attrs.validators.optional(attrs.validators.instance_of(datetime.date))


class RevisionStatus(enum.Enum):
    DRAFT = "draft"
    ADOPTED = "adopted"
    SUPERSEDED = "superseded"
    # The committee took note of it ("taget til efterretning"): a report it heard, not a
    # decision it made, such as the COVID-19 follow-up of 6 October 2020.
    NOTED = "noted"


@attrs.frozen
class Principle:
    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    text: Text = attrs.field(validator=_text)
    source: SourceRef = attrs.field(validator=_source)
    short: Text | None = attrs.field(default=None)
    remarks: tuple[Remark, ...] = attrs.field(default=(), converter=tuple[Remark, ...])


@attrs.frozen
class Goal:
    """The goal (*mål*) of a focus area."""

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    statement: Text = attrs.field(validator=_text)
    source: SourceRef = attrs.field(validator=_source)
    remarks: tuple[Remark, ...] = attrs.field(default=(), converter=tuple[Remark, ...])


@attrs.frozen
class FocusArea:
    """A focus area (*fokusområde*) with its goal, its key figure and its indicators.

    `key_figure` names the one indicator among `indicators` that is the key figure
    (*nøgletal*); naming exactly one is how "one key figure per focus area" holds.
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    number: int = attrs.field(validator=attrs.validators.instance_of(int))
    name: Text = attrs.field(validator=_text)
    goal: Goal = attrs.field(validator=attrs.validators.instance_of(Goal))
    key_figure: str = attrs.field(validator=attrs.validators.instance_of(str))
    indicators: tuple[Indicator, ...] = attrs.field(converter=tuple[Indicator, ...])
    source: SourceRef = attrs.field(validator=_source)
    remarks: tuple[Remark, ...] = attrs.field(default=(), converter=tuple[Remark, ...])

    @key_figure.validator
    def _key_figure_is_own_indicator(self, attribute: "attrs.Attribute[str]", value: str) -> None:
        if value not in {i.id for i in self.indicators}:
            raise ValueError(f"focus area {self.id}: key figure {value!r} is not one of its indicators")


class LineageKind(enum.Enum):
    """What the revision's documents say happened to an indicator since the previous one."""

    ADDED = "added"
    REMOVED = "removed"
    REPLACED = "replaced"
    RESCOPED = "rescoped"
    REWORDED = "reworded"


@attrs.frozen
class LineageNote:
    """A change the documents record, kept with the revision that made it.

    Notes live in the *later* revision so that publishing a revision never edits an
    earlier, immutable one. `subject` is the id of the indicator, focus area or goal the
    note is about (for REPLACED, the id in the previous revision) and `successor` the id
    that replaces it.
    """

    subject: str = attrs.field(validator=attrs.validators.instance_of(str))
    kind: LineageKind = attrs.field(validator=attrs.validators.instance_of(LineageKind))
    reason: Text = attrs.field(validator=_text)
    source: SourceRef = attrs.field(validator=_source)
    successor: str | None = attrs.field(default=None)

    @successor.validator
    def _successor_iff_replaced(self, attribute: "attrs.Attribute[str | None]", value: str | None) -> None:
        if (value is not None) != (self.kind is LineageKind.REPLACED):
            raise ValueError(
                f"lineage note on {self.subject}: a successor is named exactly when the kind is 'replaced'"
            )


@attrs.frozen
class Revision:
    """One version of a strategy, as adopted (or drafted) on one occasion."""

    version: str = attrs.field(validator=attrs.validators.instance_of(str))
    status: RevisionStatus = attrs.field(validator=attrs.validators.instance_of(RevisionStatus))
    title: Text = attrs.field(validator=_text)
    sources: tuple[SourceDocument, ...] = attrs.field(converter=tuple[SourceDocument, ...])
    source: SourceRef = attrs.field(validator=_source)
    focus_areas: tuple[FocusArea, ...] = attrs.field(converter=tuple[FocusArea, ...])
    adopted_on: datetime.date | None = attrs.field(default=None, validator=_optional_date)
    in_force_from: datetime.date | None = attrs.field(default=None, validator=_optional_date)
    in_force_until: datetime.date | None = attrs.field(default=None, validator=_optional_date)
    case_number: str | None = attrs.field(default=None)
    principles: tuple[Principle, ...] = attrs.field(default=(), converter=tuple[Principle, ...])
    overall_indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=tuple[Indicator, ...])
    lineage: tuple[LineageNote, ...] = attrs.field(default=(), converter=tuple[LineageNote, ...])
    remarks: tuple[Remark, ...] = attrs.field(default=(), converter=tuple[Remark, ...])

    def __attrs_post_init__(self) -> None:
        _check_unique("source document", [d.id for d in self.sources], self.version)
        _check_unique("principle", [p.id for p in self.principles], self.version)
        _check_unique("focus area", [f.id for f in self.focus_areas], self.version)
        _check_unique("focus area number", [f.number for f in self.focus_areas], self.version)
        _check_unique("goal", [f.goal.id for f in self.focus_areas], self.version)
        _check_unique("indicator", [i.id for i in self.indicators], self.version)
        _check_unique("lineage note", [n.subject for n in self.lineage], self.version)
        _check_unique("indicator, focus area or goal", self.subject_ids(), self.version)
        documents = {d.id for d in self.sources}
        for where, ref in self._citations():
            if ref.doc not in documents:
                raise ValueError(
                    f"revision {self.version}: {where} cites document {ref.doc!r}, "
                    f"which is not among its sources ({', '.join(sorted(documents))})"
                )
        if (
            self.in_force_from is not None
            and self.in_force_until is not None
            and self.in_force_until < self.in_force_from
        ):
            raise ValueError(f"revision {self.version}: in force until a date before it is in force from")

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator of the revision: the overall ones, then each focus area's."""
        return self.overall_indicators + tuple(i for f in self.focus_areas for i in f.indicators)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def focus_area_of(self, indicator_id: str) -> FocusArea | None:
        return next((f for f in self.focus_areas if any(i.id == indicator_id for i in f.indicators)), None)

    def subject_ids(self) -> list[str]:
        """Ids a lineage note can be about: indicators, focus areas and goals."""
        return (
            [i.id for i in self.indicators]
            + [f.id for f in self.focus_areas]
            + [f.goal.id for f in self.focus_areas]
        )

    def is_key_figure(self, indicator_id: str) -> bool:
        return any(f.key_figure == indicator_id for f in self.focus_areas)

    def is_in_force(self, on: datetime.date) -> bool:
        if self.status is RevisionStatus.DRAFT or self.in_force_from is None:
            return False
        return self.in_force_from <= on and (self.in_force_until is None or on <= self.in_force_until)

    def _citations(self) -> Iterator[tuple[str, SourceRef]]:
        yield "the revision", self.source
        for r in self.remarks:
            if r.source:
                yield "a revision remark", r.source
        for p in self.principles:
            yield f"principle {p.id}", p.source
        for f in self.focus_areas:
            yield f"focus area {f.id}", f.source
            yield f"goal {f.goal.id}", f.goal.source
            for r in f.remarks + f.goal.remarks:
                if r.source:
                    yield f"a remark of focus area {f.id}", r.source
        for i in self.indicators:
            yield f"indicator {i.id}", i.source
            for r in i.remarks:
                if r.source:
                    yield f"a remark of indicator {i.id}", r.source
        for n in self.lineage:
            yield f"the lineage note on {n.subject}", n.source


def _check_unique(what: str, ids: Sequence[Hashable], version: str) -> None:
    seen: set[Hashable] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"revision {version}: {what} id {i!r} is used twice")
        seen.add(i)


@attrs.frozen
class Strategy:
    """A strategy (or plan) of one municipality with its revisions, oldest first."""

    id: str = attrs.field(validator=attrs.validators.matches_re(r"[a-z0-9][a-z0-9\-]*"))
    name: Text = attrs.field(validator=_text)
    owner: str = attrs.field(validator=attrs.validators.instance_of(str))
    revisions: tuple[Revision, ...] = attrs.field(converter=tuple[Revision, ...])

    def __attrs_post_init__(self) -> None:
        _check_unique("revision", [r.version for r in self.revisions], self.id)
        for previous, revision in zip((None, *self.revisions), self.revisions, strict=False):
            _check_lineage(self.id, previous, revision)

    def revision(self, version: str) -> Revision | None:
        return next((r for r in self.revisions if r.version == version), None)

    def in_force(self, on: datetime.date) -> Revision | None:
        """The revision in force on a date: the latest one whose period covers it (a
        revision's period ends where its successor's begins: see `in_force_until`)."""
        candidates = [r for r in self.revisions if r.is_in_force(on) and on <= (self.in_force_until(r) or on)]
        # A revision in force has a date it is in force from: `date.min` is never used.
        return max(candidates, key=lambda r: r.in_force_from or datetime.date.min, default=None)

    def successor(self, revision: Revision) -> Revision | None:
        """The revision that takes over from `revision`: the next one that is not a draft
        and says from when it is in force. Publishing it is what supersedes `revision`."""
        later = self.revisions[self.revisions.index(revision) + 1 :]
        return next(
            (r for r in later if r.status is not RevisionStatus.DRAFT and r.in_force_from is not None), None
        )

    def in_force_until(self, revision: Revision) -> datetime.date | None:
        """The last day `revision` is in force: the day before its successor starts, or
        the end its own file states, whichever is earlier; None while open-ended.

        Derived, never stored: published revisions are immutable, so a revision's end
        cannot be written into it when its successor is published."""
        successor = self.successor(revision)
        # `successor()` only returns a revision that states its start.
        ends = [revision.in_force_until] if revision.in_force_until else []
        if successor is not None and successor.in_force_from is not None:
            ends.append(successor.in_force_from - datetime.timedelta(days=1))
        return min(ends, default=None)

    def previous(self, revision: Revision) -> Revision | None:
        index = self.revisions.index(revision)
        return self.revisions[index - 1] if index > 0 else None

    def with_revision(self, revision: Revision) -> "Strategy":
        """A new strategy value with `revision` appended as the newest."""
        return attrs.evolve(self, revisions=(*self.revisions, revision))


def _check_lineage(strategy_id: str, previous: Revision | None, revision: Revision) -> None:
    """A note must point at indicators that exist where it says: a replaced or removed
    indicator in the previous revision, its successor or an added one in this one."""
    where = f"strategy {strategy_id}, revision {revision.version}"
    if previous is None:
        if revision.lineage:
            raise ValueError(f"{where}: the first revision has no previous one to record changes against")
        return
    before = set(previous.subject_ids())
    after = set(revision.subject_ids())
    for note in revision.lineage:
        kind = note.kind
        subject = note.subject
        if kind is LineageKind.ADDED:
            ok = subject in after and subject not in before
            need = "in this revision and not in the previous one"
        elif kind is LineageKind.REMOVED:
            ok = subject in before and subject not in after
            need = "in the previous revision and not in this one"
        elif kind is LineageKind.REPLACED:
            ok = subject in before and subject not in after and note.successor in after
            need = f"in the previous revision only, with its successor {note.successor!r} in this one"
        else:
            ok = subject in before and subject in after
            need = "in both revisions"
        if not ok:
            raise ValueError(f"{where}: lineage note '{kind.value}' on {subject!r} needs it {need}")
