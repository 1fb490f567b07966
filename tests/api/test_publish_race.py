"""Publishing is atomic on SQLite and PostgreSQL: of two publishers racing for the same new
version exactly one stores it; the other is told of the conflict. Look-alike versions
(case only) cannot both be stored, even when written past the publisher's own check."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from kpi_api.storage import catalogue_store
from kpi_core import CatalogueError, parse_revision
from kpi_core.shipped import _DATA

COVID = (_DATA / "catalogue" / "ballerup-covid19-opfoelgning-2020.toml").read_text(encoding="utf-8")


def revision(strategy: str, version: str, title: str):
    text = COVID.replace('id = "ballerup-covid19-opfoelgning"', f'id = "{strategy}"', 1)
    text = text.replace('version = "2020"', f'version = "{version}"', 1)
    text = text.replace('title = { da = "Opfølgning', f'title = {{ da = "{title}: Opfølgning', 1)
    return parse_revision(text, f"{title}.toml")


def test_two_racing_publishers_of_one_version_get_one_success_and_one_conflict(store_engine):
    strategy = f"race-{uuid.uuid4().hex[:8]}"
    outcomes, start = [], threading.Barrier(8)

    def publish(n: int) -> None:
        start.wait()
        try:
            report = catalogue_store.publish(
                store_engine, [revision(strategy, "2030", f"Udgave {n}")], by=f"test {n}"
            )
            outcomes.append(
                "stored" if report.added else "conflicting" if report.conflicting else "unchanged"
            )
        except catalogue_store.PublishConflict as exc:
            assert "was published by another request just now" in str(exc)
            outcomes.append("conflict")

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"\n{store_engine.dialect.name}: {sorted(outcomes)}")
    assert outcomes.count("stored") == 1
    assert set(outcomes) - {"stored"} <= {"conflict", "conflicting"} and len(outcomes) == 8
    stored = next(s for s in catalogue_store.load_strategies(store_engine) if s.id == strategy)
    assert [r.version for r in stored.revisions] == ["2030"]


def test_a_version_differing_only_in_case_is_refused(store_engine):
    strategy = f"lookalike-{uuid.uuid4().hex[:8]}"
    catalogue_store.publish(store_engine, [revision(strategy, "2030a", "Første")], by="test")
    with pytest.raises(CatalogueError) as refused:
        catalogue_store.publish(store_engine, [revision(strategy, "2030A", "Anden")], by="test")
    assert refused.value.problems == [
        "version '2030A' is the published version '2030a' of "
        + strategy
        + " but for case or look-alike characters (versions are compared that way); choose another version @ $.version"
    ]


def test_the_database_itself_refuses_a_case_variant(store_engine):
    """The unique index of migration 0004: what holds two concurrent publishers apart."""
    strategy = f"index-{uuid.uuid4().hex[:8]}"
    catalogue_store.publish(store_engine, [revision(strategy, "v1", "Første")], by="test")
    with pytest.raises(sa.exc.IntegrityError), store_engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO strategy_revisions (strategy_id, version, strategy_header, document, source_file, sha256, published_at, published_by) "
                "SELECT strategy_id, 'V1', strategy_header, document, source_file, sha256, published_at, published_by FROM strategy_revisions "
                "WHERE strategy_id = :s"
            ),
            {"s": strategy},
        )
