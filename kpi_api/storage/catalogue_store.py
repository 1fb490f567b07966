"""The catalogue in the database: published revisions are stored once and never changed.

On first start the shipped catalogue is published into an empty database. A shipped
file whose revision is already stored with other content is *not* written over: the
stored, published revision wins and a warning names the file.
"""

import datetime
import hashlib
import logging

import attrs
import sqlalchemy as sa

from kpi_api.catalogue import PublishConflict, PublishReport
from kpi_api.storage import data_version
from kpi_api.storage.engine import write_transaction
from kpi_api.storage.evaluation_store import Touched
from kpi_api.storage.tables import strategy_revisions as _revisions
from kpi_core import CatalogueError, RevisionFile, Strategy, StrategyHeader, build_strategies, make_converter
from kpi_core.catalogue import structure_revision, unstructure_revision
from kpi_core.catalogue_text import version_key

log = logging.getLogger(__name__)

_converter = make_converter()


def fingerprint(f: RevisionFile) -> str:
    payload = repr((_converter.unstructure(f.strategy), unstructure_revision(f.revision)))
    return hashlib.sha256(payload.encode()).hexdigest()


def publish(engine: sa.Engine, files: list[RevisionFile], by: str, dry_run: bool = False) -> PublishReport:
    """Store revisions not yet stored, in one transaction; never overwrite a stored one.

    The union of stored and new revisions is validated as whole strategies first, so a
    file that would break a strategy's lineage is rejected before anything is written.
    A version that differs from a stored one only by case or Unicode look-alikes is
    refused. Publishers take turns; should a write get past that (another program writing
    the table), the database's unique keys make its insert fail: a PublishConflict.
    """
    try:
        return _publish(engine, files, by, dry_run)
    except sa.exc.IntegrityError:
        raise PublishConflict(files) from None


def _publish(engine: sa.Engine, files: list[RevisionFile], by: str, dry_run: bool) -> PublishReport:
    added, unchanged, conflicting = [], [], []
    with write_transaction(engine) as connection:
        # Publishers take turns (SQLite: BEGIN IMMEDIATE already; PostgreSQL: this row lock),
        # so each sees what the one before it stored, also when it validates the lineage.
        data_version.lock(connection)
        stored = {(r.strategy_id, r.version): r.sha256 for r in connection.execute(sa.select(_revisions))}
        keys = {(strategy, version_key(version)): version for strategy, version in stored}
        new = []
        for f in files:
            key = (f.strategy.id, f.revision.version)
            name = f"{key[0]} {key[1]} ({f.name})"
            similar = keys.get((key[0], version_key(key[1])))
            if key not in stored and similar is not None:
                raise CatalogueError(
                    f.name,
                    [
                        f"version {key[1]!r} is the published version {similar!r} of {key[0]} but for case or "
                        "look-alike characters (versions are compared that way); choose another version @ $.version"
                    ],
                )
            if key not in stored:
                keys[(key[0], version_key(key[1]))] = key[1]
                new.append(f)
                added.append(name)
            elif stored[key] == fingerprint(f):
                unchanged.append(name)
            else:
                conflicting.append(name)
                log.warning("%s differs from the published revision, which is kept as published", name)
        if new:
            build_strategies([*_load_files(connection), *new])  # raises CatalogueError
            if dry_run:
                return PublishReport(tuple(added), tuple(unchanged), tuple(conflicting))
            now = datetime.datetime.now(datetime.UTC)
            connection.execute(
                sa.insert(_revisions),
                [
                    {
                        "strategy_id": f.strategy.id,
                        "version": f.revision.version,
                        "strategy_header": _converter.unstructure(f.strategy),
                        "document": unstructure_revision(f.revision),
                        "source_file": f.name,
                        "sha256": fingerprint(f),
                        "published_at": now,
                        "published_by": by,
                    }
                    for f in new
                ],
            )
            # Everything cached against the data (responses, catalogues) is now stale; its
            # statuses (and its predecessors', whose time it may cut short) are judged again.
            data_version.bump(
                connection, Touched(strategies=frozenset(f.strategy.id for f in new), since=now.date())
            )
    return PublishReport(tuple(added), tuple(unchanged), tuple(conflicting))


def revision_count(engine: sa.Engine) -> int:
    """Published revisions are immutable, so their number identifies the catalogue's state."""
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(_revisions)).scalar_one()


def load_strategies(engine: sa.Engine) -> list[Strategy]:
    with engine.connect() as connection:
        return build_strategies(_load_files(connection))


def _load_files(connection: sa.Connection) -> list[RevisionFile]:
    rows = connection.execute(sa.select(_revisions).order_by(_revisions.c.strategy_id, _revisions.c.version))
    return [
        RevisionFile(
            name=row.source_file,
            strategy=_converter.structure(row.strategy_header, StrategyHeader),
            revision=structure_revision(row.document),
        )
        for row in rows
    ]


@attrs.frozen
class Revisions:
    """The published revisions as the app and `publishRevision` use them: they are handed
    this object, never the engine."""

    engine: sa.Engine

    def count(self) -> int:
        return revision_count(self.engine)

    def strategies(self) -> list[Strategy]:
        return load_strategies(self.engine)

    def publish(self, files: list[RevisionFile], by: str, dry_run: bool = False) -> PublishReport:
        return publish(self.engine, files, by, dry_run)
