"""The catalogue in a real SQLite file: created on first use, never overwritten."""

from importlib import resources

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from kpi_api.storage import catalogue_store
from kpi_api.storage.engine import create_engine, migrate
from kpi_core import parse_revision, shipped_revision_files, shipped_strategies
from kpi_core.shipped import _DATA


def test_first_start_publishes_the_shipped_catalogue_once(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    migrate(engine)
    first = catalogue_store.publish(engine, list(shipped_revision_files()), by="test")
    second = catalogue_store.publish(engine, list(shipped_revision_files()), by="test")
    assert len(first.added) == 4 and second.added == () and len(second.unchanged) == 4
    assert tuple(catalogue_store.load_strategies(engine)) == shipped_strategies()
    with engine.connect() as c:
        assert c.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_a_published_revision_is_never_overwritten(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    migrate(engine)
    catalogue_store.publish(engine, list(shipped_revision_files()), by="test")
    text = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
    edited = parse_revision(text.replace("Fleksjobledigheden", "Fleksjob-ledigheden"), "edited.toml")
    report = catalogue_store.publish(engine, [edited], by="test")
    assert report.conflicting == ("ballerup-beskaeftigelsesstrategi 2022 (edited.toml)",)
    stored = next(s for s in catalogue_store.load_strategies(engine) if s.id == edited.strategy.id)
    assert stored.revision("2022").indicator("3.2").name.da == "Fleksjobledigheden"


def test_migrations_are_idempotent(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    migrate(engine)
    migrate(engine)
    head = ScriptDirectory(str(resources.files("kpi_api.storage") / "migrations")).get_current_head()
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
    # A branch's migration may carry a letter until it is chained at merge ("0006c").
    assert head is not None and int(head.rstrip("abcdefghijklmnopqrstuvwxyz")) >= 2
