"""Staff commentary in the database: rows are only ever inserted (kpi_core.commentary).

An edit reads the newest version and inserts the next; the unique (commentary id, version
number) key makes the second of two concurrent edits of one version fail instead of both
being kept as "version 3": a CommentaryConflict, and the caller reads it again. Every
write bumps the data version in its transaction, so pages and cached answers that show
commentary are stale the moment it commits.
"""

import datetime
import uuid

import attrs
import sqlalchemy as sa

from kpi_api.storage import data_version
from kpi_api.storage.engine import write_transaction
from kpi_api.storage.evaluation_store import Touched
from kpi_api.storage.tables import commentary_versions as _rows
from kpi_core.commentary import (
    CommentaryConflict,
    CommentaryVersion,
    Subject,
    SubjectKind,
    UnknownCommentary,
)
from kpi_core.text import Lang


def add(
    engine: sa.Engine,
    subject: Subject,
    area: str,
    period: str,
    lang: Lang,
    text: str,
    author: str,
    at: datetime.datetime,
) -> CommentaryVersion:
    texts = {"da": None, "en": None, lang.value: text}
    first = CommentaryVersion(
        uuid.uuid4().hex, 1, subject, area, period, author=author, written_at=at, **texts
    )
    return insert(engine, first)


def edit(
    engine: sa.Engine, commentary_id: str, lang: Lang, text: str, author: str, at: datetime.datetime
) -> CommentaryVersion:
    return insert(engine, newest(engine, commentary_id).edited(lang, text, author, at))


def withdraw(engine: sa.Engine, commentary_id: str, author: str, at: datetime.datetime) -> CommentaryVersion:
    return insert(engine, newest(engine, commentary_id).withdrawn_by(author, at))


def newest(engine: sa.Engine, commentary_id: str) -> CommentaryVersion:
    found = versions_of(engine, commentary_id)
    if not found:
        raise UnknownCommentary(f"There is no commentary {commentary_id!r}.")
    return found[-1]


def versions_of(engine: sa.Engine, commentary_id: str) -> list[CommentaryVersion]:
    """Every version of one commentary, oldest first."""
    with engine.connect() as c:
        rows = c.execute(
            sa.select(_rows).where(_rows.c.commentary_id == commentary_id).order_by(_rows.c.version_number)
        )
        return [_version(r) for r in rows]


def versions_about(
    engine: sa.Engine, subject: Subject, area: str, period: str | None, before: datetime.datetime | None
) -> list[CommentaryVersion]:
    """Every version written before `before` (None: ever) on a subject for an area (and a period)."""
    query = _on(subject.strategy_id, subject.version, area, before).where(
        _rows.c.subject_kind == subject.kind.value, _rows.c.subject_id == subject.id
    )
    if period is not None:
        query = query.where(_rows.c.period == period)
    return _read(engine, query)


def versions_for_area(
    engine: sa.Engine, strategy_id: str, version: str, area: str, before: datetime.datetime | None
) -> list[CommentaryVersion]:
    """Every version written before `before` on any indicator or goal of a revision for an area."""
    return _read(engine, _on(strategy_id, version, area, before))


def _on(strategy_id: str, version: str, area: str, before: datetime.datetime | None) -> sa.Select:
    query = sa.select(_rows).where(
        _rows.c.strategy_id == strategy_id, _rows.c.strategy_version == version, _rows.c.area == area
    )
    # In UTC, as every time is stored: SQLite keeps the clock reading and drops the zone.
    return query if before is None else query.where(_rows.c.created_at < before.astimezone(datetime.UTC))


def _read(engine: sa.Engine, query: sa.Select) -> list[CommentaryVersion]:
    with engine.connect() as c:
        return [_version(r) for r in c.execute(query.order_by(_rows.c.id))]


def insert(engine: sa.Engine, v: CommentaryVersion) -> CommentaryVersion:
    """Store one version as a new row (never an update); a CommentaryConflict where its
    number is taken."""
    try:
        with write_transaction(engine) as c:
            c.execute(
                sa.insert(_rows).values(
                    commentary_id=v.commentary_id,
                    version_number=v.number,
                    strategy_id=v.subject.strategy_id,
                    strategy_version=v.subject.version,
                    subject_kind=v.subject.kind.value,
                    subject_id=v.subject.id,
                    area=v.area,
                    period=v.period,
                    text_da=v.da,
                    text_en=v.en,
                    author=v.author,
                    created_at=v.written_at.astimezone(datetime.UTC),
                    withdrawn=v.withdrawn,
                )
            )
            data_version.bump(c, Touched())  # commentary changes pages, not statuses
    except sa.exc.IntegrityError:
        raise CommentaryConflict(
            f"commentary {v.commentary_id} was changed by another request just now (version {v.number} "
            "exists); read it again and make the change on the newest version"
        ) from None
    return v


def _version(r) -> CommentaryVersion:
    written_at = r.created_at
    if written_at.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        written_at = written_at.replace(tzinfo=datetime.UTC)
    return CommentaryVersion(
        commentary_id=r.commentary_id,
        number=r.version_number,
        subject=Subject(r.strategy_id, r.strategy_version, SubjectKind(r.subject_kind), r.subject_id),
        area=r.area,
        period=r.period,
        da=r.text_da,
        en=r.text_en,
        author=r.author,
        written_at=written_at,
        withdrawn=r.withdrawn,
    )


@attrs.frozen
class CommentaryStore:
    """What the faces (GraphQL, pages) are handed: they never see the engine."""

    engine: sa.Engine

    def add(self, subject, area, period, lang, text, author, at) -> CommentaryVersion:
        return add(self.engine, subject, area, period, lang, text, author, at)

    def edit(self, commentary_id, lang, text, author, at) -> CommentaryVersion:
        return edit(self.engine, commentary_id, lang, text, author, at)

    def withdraw(self, commentary_id, author, at) -> CommentaryVersion:
        return withdraw(self.engine, commentary_id, author, at)

    def versions_of(self, commentary_id: str) -> list[CommentaryVersion]:
        return versions_of(self.engine, commentary_id)

    def versions_about(self, subject, area, period, before) -> list[CommentaryVersion]:
        return versions_about(self.engine, subject, area, period, before)

    def versions_for_area(self, strategy_id, version, area, before) -> list[CommentaryVersion]:
        return versions_for_area(self.engine, strategy_id, version, area, before)
