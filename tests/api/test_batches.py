"""Taking a batch back (`kpi batches retract`, `retractBatch`): a new vintage, so its
figures leave the current view while a replay as of an earlier day still shows them.
On SQLite and PostgreSQL; the migration that made room for it, on a database with rows."""

import datetime
import uuid
from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from kpi_api.storage.engine import create_engine, migrate, write_transaction
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import Observation
from kpi_core.memory import InMemoryRepository
from kpi_core.repository import (
    AlreadyRetractedError,
    ImportBatch,
    ObservationQuery,
    UnknownBatchError,
    WithdrawnFigureError,
)
from tests.conftest import reset_observations

JAN, FEB, MAR, APR = (datetime.date(2023, m, 15) for m in (1, 2, 3, 4))
AT = datetime.datetime(2023, 3, 15, 10, tzinfo=datetime.UTC)


def batch(id: str, sha: str) -> ImportBatch:
    return ImportBatch(
        id, f"{id}.csv", sha, "csv", "test", datetime.datetime(2023, 1, 16, tzinfo=datetime.UTC)
    )


def figure(value: str, published: datetime.date, area: str = "151") -> Observation:
    return Observation("2.2", area, "2022", Decimal(value), published=published, unit="percent")


@pytest.fixture(params=["memory", "sql"])
def store(request, store_engine):
    """The in-memory model and the SQL adapter (each database kind): the same behaviour."""
    if request.param == "memory":
        return InMemoryRepository()
    reset_observations(store_engine)
    return SqlObservationRepository(store_engine)


def test_a_retracted_batch_leaves_the_current_view_and_a_past_view_keeps_it(store):
    store.add(batch("b1", "a"), [figure("30.5", JAN)])
    store.add(batch("b2", "b"), [figure("99.0", FEB), figure("4.0", FEB, area="DK")])  # the mistake
    before = store.data_version()
    retracted = store.retract("b2", MAR, "an analyst", AT)
    assert (retracted.retracted_on, retracted.retracted_by, retracted.retracted_at) == (MAR, "an analyst", AT)
    assert store.data_version() == before + 1  # every cache keyed on it is stale now
    # Now and from the retraction on: the vintage before it is back; DK had none.
    assert store.find(ObservationQuery()) == [figure("30.5", JAN)]
    assert store.find(ObservationQuery(as_of=MAR)) == [figure("30.5", JAN)]
    # The committee's view on the day before the retraction, as it was.
    assert store.find(ObservationQuery(as_of=MAR - datetime.timedelta(days=1))) == [
        figure("99.0", FEB),
        figure("4.0", FEB, area="DK"),
    ]
    assert store.find(ObservationQuery(as_of=JAN)) == [figure("30.5", JAN)]
    assert store.latest_periods(ObservationQuery(indicators=("2.2",))) == {("2.2", "151"): "2022"}
    assert store.latest_periods(ObservationQuery(as_of=MAR - datetime.timedelta(days=1))) == {
        ("2.2", "151"): "2022",
        ("2.2", "DK"): "2022",
    }
    assert [b.retracted_on for b in store.batches()] == [None, MAR]


def test_a_retracted_figure_is_imported_again_correct_from_the_day_of_the_retraction(store):
    store.add(batch("b1", "a"), [figure("99.0", MAR)])
    store.retract("b1", MAR, "an analyst", AT)
    # The correction, published the same day: allowed, and it is what every view from then shows.
    store.add(batch("b2", "b"), [figure("30.5", MAR)])
    assert store.find(ObservationQuery()) == [figure("30.5", MAR)]
    assert store.find(ObservationQuery(as_of=MAR)) == [figure("30.5", MAR)]
    # The same figure once more after a second retraction the same day: no clash either.
    store.retract("b2", MAR, "an analyst", AT)
    store.add(batch("b3", "c"), [figure("31.0", MAR)])
    assert store.find(ObservationQuery()) == [figure("31.0", MAR)]


def test_a_replacement_dated_before_the_retraction_is_refused_and_nothing_is_written(store):
    store.add(batch("b1", "a"), [figure("99.0", JAN)])
    store.retract("b1", MAR, "an analyst", AT)
    version = store.data_version()
    with pytest.raises(
        WithdrawnFigureError,
        match="retracted on 2023-03-15; a replacement must be published on or after 2023-03-15",
    ):
        store.add(batch("b2", "b"), [figure("1.0", FEB, area="DK"), figure("30.5", JAN)])
    assert store.data_version() == version and [b.id for b in store.batches()] == ["b1"]
    assert store.find(ObservationQuery(as_of=FEB)) == [figure("99.0", JAN)]  # the past view, unchanged
    store.add(batch("b3", "c"), [figure("30.5", APR)])  # dated on or after the retraction: fine
    assert store.find(ObservationQuery()) == [figure("30.5", APR)]


def test_an_unknown_or_retracted_batch_is_refused_and_changes_nothing(store):
    store.add(batch("b1", "a"), [figure("30.5", JAN)])
    with pytest.raises(UnknownBatchError, match="there is no batch 'nope'; `kpi batches` lists them"):
        store.retract("nope", MAR, "an analyst", AT)
    store.retract("b1", MAR, "an analyst", AT)
    version = store.data_version()
    with pytest.raises(
        AlreadyRetractedError, match=r"batch b1 \(b1.csv\) was already retracted on 2023-03-15 10:00"
    ):
        store.retract("b1", APR, "someone else", AT)
    assert store.data_version() == version and store.batches()[0].retracted_by == "an analyst"


def test_a_batch_that_stored_nothing_new_still_changes_the_data_version(store):
    """The list of batches is an answer too (importBatches, cached by the data version)."""
    store.add(batch("b1", "a"), [figure("30.5", JAN)])
    version = store.data_version()
    store.add(batch("b2", "b"), [figure("30.5", JAN)])  # the same figure: nothing new
    assert store.data_version() == version + 1 and [b.added for b in store.batches()] == [1, 0]


# ── the migration, on a database with rows ───────────────────────────────────────────
def _alembic(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("kpi_api.storage") / "migrations"))
    config.attributes["connection"] = connection
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    server = sa.make_url(request.getfixturevalue("postgres_url"))
    name = f"migration_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def test_migration_0005_keeps_the_rows_and_makes_them_retractable(fresh_url):
    engine = create_engine(fresh_url)
    with write_transaction(engine) as c:
        command.upgrade(_alembic(c), "0004")
    with write_transaction(engine) as c:
        c.execute(
            sa.text(
                "INSERT INTO import_batches (id, file_name, sha256, format, rows, added, imported_by, imported_at) "
                "VALUES ('old', 'old.csv', 'sha-old', 'csv', 1, 1, 'before', :at)"
            ),
            {"at": AT},
        )
        c.execute(
            sa.text(
                "INSERT INTO observations (indicator, area, period, breakdown, published, value, unit, provisional, source, batch_id) "
                "VALUES ('2.2', '151', '2022', '', :published, '99.0', 'percent', :no, 'old.csv', 'old')"
            ),
            {"published": JAN, "no": False},
        )
    migrate(engine)  # to the newest
    store = SqlObservationRepository(engine)
    assert [(b.id, b.retracted_on) for b in store.batches()] == [("old", None)]
    assert [o.value for o in store.find(ObservationQuery())] == [Decimal("99.0")]
    store.retract("old", MAR, "an analyst", AT)
    store.add(batch("new", "sha-new"), [figure("30.5", MAR)])
    assert [o.value for o in store.find(ObservationQuery())] == [Decimal("30.5")]
    assert [o.value for o in store.find(ObservationQuery(as_of=FEB))] == [Decimal("99.0")]
    # Still one vintage in view per figure and date, held by the database itself.
    with pytest.raises(sa.exc.IntegrityError), write_transaction(engine) as c:
        c.execute(
            sa.text(
                "INSERT INTO observations (indicator, area, period, breakdown, published, value, unit, provisional, source, batch_id) "
                "VALUES ('2.2', '151', '2022', '', :published, '31.0', 'percent', :no, 'x', 'new')"
            ),
            {"published": MAR, "no": False},
        )
    engine.dispose()
