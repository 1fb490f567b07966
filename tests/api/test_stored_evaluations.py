"""Stored evaluations are what a fresh judgement says, after any sequence of writes, on
SQLite and PostgreSQL; reads use them only while they reflect the current data."""

import contextlib
import datetime
import json
import os
import threading
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from kpi_api.bootstrap import open_services
from kpi_api.evaluation_upkeep import EvaluationUpkeep
from kpi_api.importing.service import import_bytes
from kpi_api.status_service import StatusRequest, evaluate_many
from kpi_api.storage.evaluation_store import StoredEvaluations
from kpi_api.storage.tables import evaluations
from kpi_core import CatalogueError, parse_revision
from kpi_core.shipped import _DATA
from tests.synthetic import CAPITAL, seed

COVID = (_DATA / "catalogue" / "ballerup-covid19-opfoelgning-2020.toml").read_text(encoding="utf-8")
STRATEGY = "ballerup-beskaeftigelsesstrategi"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    server = sa.make_url(request.getfixturevalue("postgres_url"))
    name = f"evaluations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _import(services, text: str, name: str = "figures.csv"):
    report = import_bytes(text.encode(), name, services.observations, services.strategies, services.areas)
    assert not report.rejected, report.problems
    return report


def _assert_current_and_true(services) -> None:
    pending, mismatches = services.upkeep.verify()
    assert pending.current, pending
    assert mismatches == []


def test_a_new_database_is_judged_whole_once_and_then_only_what_writes_touch(fresh_url):
    services = open_services(fresh_url)
    seed(services)
    first = services.upkeep.drain()
    assert first is not None and first.full
    _assert_current_and_true(services)
    assert services.upkeep.drain() is None  # nothing moved: nothing judged

    # 2.2 of one municipality against the country: only that municipality's 2.2, per revision holding it.
    _import(
        services, "indicator,area,period,value,published,source\n2.2,157,2022-12,31,2023-01-10,SYNTETISK\n"
    )
    touched = services.upkeep.drain()
    assert touched is not None and not touched.full
    revisions_with_2_2 = sum(
        1 for s in services.strategies for r in s.revisions if r.indicator("2.2") is not None
    )
    assert touched.evaluated == revisions_with_2_2
    _assert_current_and_true(services)

    # The country's 2.2 is the reference of every municipality with a 2.2 figure: theirs are judged again.
    _import(
        services, "indicator,area,period,value,published,source\n2.2,DK,2022-12,28,2023-02-10,SYNTETISK\n"
    )
    touched = services.upkeep.drain()
    assert touched is not None and not touched.full
    stored = services.evaluations.lookup(
        [((STRATEGY, "2022", "2.2", area), None, None) for area in ("151", "157")]
    )
    assert {area: str(e.reference) for (*_, area), e in stored.items()} == {"151": "28", "157": "28"}
    _assert_current_and_true(services)

    # 2.1 ranks 151 among the capital region's municipalities: a peer's figure moves 151's rank.
    peer = next(c for c in CAPITAL if c != "151")
    _import(
        services,
        f"indicator,area,period,value,published,source\n2.1,{peer},2022-09,1.1,2022-11-15,SYNTETISK\n",
    )
    touched = services.upkeep.drain()
    stored = services.evaluations.lookup([((STRATEGY, "2022", "2.1", "151"), None, None)])
    assert stored, "the stored rows are current after the drain"
    assert touched is not None and touched.evaluated >= len(CAPITAL)
    _assert_current_and_true(services)


def test_a_retraction_and_a_publish_are_judged_again(fresh_url):
    services = open_services(fresh_url)
    seed(services)
    services.upkeep.drain()
    batch = next(b for b in services.observations.batches() if b.file_name == "status-revised.csv")
    services.observations.retract(
        batch.id, datetime.date.today(), "test", datetime.datetime.now(datetime.UTC)
    )
    assert not services.evaluations.pending().current
    assert services.upkeep.drain() is not None
    _assert_current_and_true(services)

    text = COVID.replace('id = "ballerup-covid19-opfoelgning"', 'id = "test-opfoelgning"', 1)
    services.revisions.publish([parse_revision(text, "test.toml")], by="test")
    report = services.upkeep.drain()
    assert report is not None and report.evaluated > 0
    _assert_current_and_true(services)
    with services.engine.connect() as c:
        assert (
            c.execute(
                sa.select(sa.func.count())
                .select_from(evaluations)
                .where(evaluations.c.strategy_id == "test-opfoelgning")
            ).scalar_one()
            == report.evaluated
        )


def test_a_write_not_yet_drained_is_still_queued_after_a_crash(fresh_url):
    services = open_services(fresh_url)
    seed(services)
    services.upkeep.drain()
    _import(
        services, "indicator,area,period,value,published,source\n3.1,151,2023-01,9,2023-02-10,SYNTETISK\n"
    )
    services.engine.dispose()  # the process ends before its upkeep ran
    again = open_services(fresh_url)
    pending = again.evaluations.pending()
    assert not pending.current and pending.entries
    assert "3.1" in pending.touched().figures
    assert again.upkeep.drain() is not None
    _assert_current_and_true(again)


def test_reads_use_stored_rows_only_while_they_reflect_the_current_data(fresh_url):
    services = open_services(fresh_url)
    seed(services)
    services.upkeep.drain()
    revision = services.revisions.strategies()
    indicator = next(s for s in revision if s.id == STRATEGY).revision("2022").indicator("2.2")
    request = StatusRequest(indicator, "151", revision=(STRATEGY, "2022"))
    (judged,) = evaluate_many([request], services.observations, services.areas)
    # Mark the stored row, so an answer from it can be told from a fresh judgement.
    where = (
        evaluations.c.strategy_id == STRATEGY,
        evaluations.c.version == "2022",
        evaluations.c.indicator == "2.2",
        evaluations.c.area == "151",
    )
    with services.engine.begin() as c:
        payload = json.loads(c.execute(sa.select(evaluations.c.payload).where(*where)).scalar_one())
        payload["value"] = "77.7"
        c.execute(sa.update(evaluations).where(*where).values(payload=json.dumps(payload)))
    (answered,) = evaluate_many([request], services.observations, services.areas, services.evaluations)
    assert str(answered.value) == "77.7" != str(judged.value)  # from the stored row
    # Another basis (an asOf) is not what is stored: judged fresh.
    asked = StatusRequest(indicator, "151", as_of=datetime.date(2024, 1, 1), revision=(STRATEGY, "2022"))
    (fresh,) = evaluate_many([asked], services.observations, services.areas, services.evaluations)
    assert str(fresh.value) != "77.7"
    # A write the upkeep has not drained: the stored rows are not current, so not used.
    _import(
        services, "indicator,area,period,value,published,source\n3.1,153,2022-12,9,2023-01-10,SYNTETISK\n"
    )
    (after,) = evaluate_many([request], services.observations, services.areas, services.evaluations)
    assert after == evaluate_many([request], services.observations, services.areas)[0]
    assert str(after.value) != "77.7"


# ── the state machine: any writes, any drains, two upkeeps racing ────────────────────────
DAYS = ["2022-10-15", "2023-01-10", "2023-03-10"]
FIGURES = {  # indicator → (areas, periods): a rank target, a national average, a roll-up by group
    "2.1": (["151", CAPITAL[1], CAPITAL[2], "1084", "DK"], ["2021-09", "2022-09"]),
    "3.1": (["151", "153", "DK"], ["2021-12", "2022-12"]),
    "4.1": (["151", "DK"], ["2021", "2022"]),
}
figure = st.sampled_from(sorted(FIGURES)).flatmap(
    lambda i: st.tuples(
        st.just(i),
        st.sampled_from(FIGURES[i][0]),
        st.sampled_from(FIGURES[i][1]),
        st.decimals(min_value=0, max_value=60, places=1, allow_nan=False),
        st.sampled_from(DAYS),
    )
)
EXAMPLES = max(1, int(os.environ.get("FUZZ_EXAMPLES", "6")))


def upkeep_machine(url: str):
    class StoredEvaluationsAgree(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.services = open_services(url)
            # Every example goes on from the last one's database; the first starts from the
            # shared synthetic figures (2.1 for every capital municipality: ranks to move).
            if not any(b.file_name == "status-test.csv" for b in self.services.observations.batches()):
                seed(self.services)
            # A second process's upkeep: its own engine, its own lock.
            engine = sa.create_engine(url) if not url.startswith("sqlite") else self.services.engine
            self.other = EvaluationUpkeep(
                StoredEvaluations(engine),
                self.services.observations,
                lambda: tuple(self.services.revisions.strategies()),
                self.services.areas,
            )
            self.published = 0

        @rule(rows=st.lists(figure, min_size=1, max_size=6, unique_by=lambda f: (*f[:3], f[4])))
        def import_figures(self, rows) -> None:
            lines = [f"{i},{a},{p},{v},{d},SYNTETISK {uuid.uuid4().hex[:6]}" for i, a, p, v, d in rows]
            text = "indicator,area,period,value,published,source\n" + "\n".join(lines) + "\n"
            s = self.services
            import_bytes(
                text.encode(), "machine.csv", s.observations, s.strategies, s.areas
            )  # may be refused

        @rule(pick=st.integers(min_value=0, max_value=20))
        def retract(self, pick) -> None:
            open_batches = [b for b in self.services.observations.batches() if b.retracted_on is None]
            if open_batches:
                batch = open_batches[pick % len(open_batches)]
                self.services.observations.retract(
                    batch.id, datetime.date.today(), "machine", datetime.datetime.now(datetime.UTC)
                )

        @rule()
        def publish(self) -> None:
            self.published += 1
            text = COVID.replace(
                'id = "ballerup-covid19-opfoelgning"', f'id = "machine-{uuid.uuid4().hex[:6]}"', 1
            )
            with contextlib.suppress(CatalogueError):  # a refused file changes nothing
                self.services.revisions.publish([parse_revision(text, "machine.toml")], by="machine")

        @rule()
        def drain_and_compare(self) -> None:
            self.services.upkeep.drain()
            _assert_current_and_true(self.services)

        @rule()
        def two_upkeeps_race(self) -> None:
            threads = [
                threading.Thread(target=self.services.upkeep.drain),
                threading.Thread(target=self.other.drain),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.services.upkeep.drain()  # whichever lost has nothing left, or catches up here
            _assert_current_and_true(self.services)

        def teardown(self) -> None:
            self.services.upkeep.drain()
            _assert_current_and_true(self.services)

    return StoredEvaluationsAgree


def test_stored_evaluations_equal_a_fresh_judgement_after_any_writes(fresh_url):
    machine = upkeep_machine(fresh_url)
    machine.TestCase.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine.TestCase().runTest()


# ── the faces: the CLI's commands, and `kpi serve` catching up after a write ─────────────
def test_the_cli_keeps_them_current_and_says_so(tmp_path):
    from typer.testing import CliRunner

    from kpi_api.cli import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "indicator,area,period,value,published,source\n3.1,151,2022-12,9.5,2023-01-10,SYNTETISK\n"
    )
    imported = runner.invoke(app, ["import", str(figures), "--database", url])
    assert imported.exit_code == 0, imported.output
    assert "evaluation(s) judged again and stored" in imported.output
    status = runner.invoke(app, ["evaluations", "status", "--database", url])
    assert status.exit_code == 0 and "current:" in status.output, status.output
    verified = runner.invoke(app, ["evaluations", "verify", "--database", url])
    assert (
        verified.exit_code == 0 and "ok: every stored evaluation equals a fresh judgement" in verified.output
    )

    # A stored row that lies is found, named, and the exit code says so; rebuild mends it.
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(
            sa.update(evaluations)
            .where(evaluations.c.indicator == "3.1", evaluations.c.area == "151")
            .values(payload=sa.func.replace(evaluations.c.payload, '"value":"9.5"', '"value":"1"'))
        )
    engine.dispose()
    verified = runner.invoke(app, ["evaluations", "verify", "--database", url])
    assert verified.exit_code == 1
    assert f"differs: {STRATEGY} 2022 3.1 151" in verified.output
    rebuilt = runner.invoke(app, ["evaluations", "rebuild", "--database", url])
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output, rebuilt.output
    assert runner.invoke(app, ["evaluations", "verify", "--database", url]).exit_code == 0


def test_kpi_serve_catches_up_after_a_write_by_another_process(tmp_path):
    import time

    import httpx

    from tests.service import UNLIMITED_ADDRESSES, serving

    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    services = open_services(url)
    seed(services)
    with serving(url, **UNLIMITED_ADDRESSES) as base:
        # Written beside the server, as `kpi import` in another terminal would.
        _import(
            services, "indicator,area,period,value,published,source\n3.1,153,2022-12,9,2023-01-10,SYNTETISK\n"
        )
        waited = time.monotonic() + 60
        while not services.evaluations.pending().current:
            assert time.monotonic() < waited, "the server's upkeep did not catch up within a minute"
            time.sleep(0.1)
        stored = services.evaluations.lookup([((STRATEGY, "2022", "3.1", "153"), None, None)])
        assert str(stored[(STRATEGY, "2022", "3.1", "153")].value) == "9"
        query = 'query($s: ID!) { strategy(id: $s) { revision(version: "2022") { indicator(id: "3.1") { status(area: "153") { value status } } } } }'
        answer = httpx.post(f"{base}/graphql", json={"query": query, "variables": {"s": STRATEGY}}).json()
        assert answer["data"]["strategy"]["revision"]["indicator"]["status"]["value"] == "9", answer


def _wait_until_current(services, seconds: float = 60) -> None:
    import time

    waited = time.monotonic() + seconds
    while not services.evaluations.pending().current:
        assert time.monotonic() < waited, "the server's upkeep did not catch up within a minute"
        time.sleep(0.1)


FEED = """query($after: String, $first: Int, $area: String) {
  statusChanges(after: $after, first: $first, area: $area) {
    cursor hasMore changes { cursor strategyId version indicatorId area from to period value asOf batch batches }
  } }"""


def test_the_change_feed_and_the_history_say_what_changed_when_and_why(tmp_path):
    import httpx

    from tests.service import UNLIMITED_ADDRESSES, serving

    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    services = open_services(url)
    seed(services)
    with serving(url, **UNLIMITED_ADDRESSES) as base:
        client = httpx.Client(base_url=base, timeout=30)

        def gql(query, **variables):
            return client.post("/graphql", json={"query": query, "variables": variables}).json()

        _wait_until_current(services)
        assert gql(FEED)["data"]["statusChanges"] == {"cursor": "0", "hasMore": False, "changes": []}
        before = services.evaluations.lookup([((STRATEGY, "2022", "2.1", "151"), None, None)])
        # Nine capital municipalities below 151 in 2022-09: 151 falls from 3rd to 12th.
        peers = [c for c in CAPITAL if c != "151"][-9:]  # the nine highest: all above 151
        lines = [f"2.1,{c},2022-09,1.0,2022-11-15,SYNTETISK" for c in peers]
        report = _import(services, "indicator,area,period,value,published,source\n" + "\n".join(lines) + "\n")
        _wait_until_current(services)
        after = services.evaluations.lookup([((STRATEGY, "2022", "2.1", "151"), None, None)])
        old, new = before[(STRATEGY, "2022", "2.1", "151")], after[(STRATEGY, "2022", "2.1", "151")]
        assert old.status != new.status

        feed = gql(FEED, area="151")["data"]["statusChanges"]
        mine = [c for c in feed["changes"] if (c["indicatorId"], c["version"]) == ("2.1", "2022")]
        assert mine == [
            {
                "cursor": mine[0]["cursor"],
                "strategyId": STRATEGY,
                "version": "2022",
                "indicatorId": "2.1",
                "area": "151",
                "from": old.status.name,
                "to": new.status.name,
                "period": "2022-09",
                "value": "2.15",
                "asOf": "2022-11-15",
                "batch": report.batch,
                "batches": [report.batch],
            }
        ]
        # The peers' own statuses moved too: paging one at a time gives the same changes in the same order.
        everything = gql(FEED, first=100)["data"]["statusChanges"]["changes"]
        paged, cursor = [], None
        while True:
            page = gql(FEED, after=cursor, first=1)["data"]["statusChanges"]
            paged += page["changes"]
            cursor = page["cursor"]
            if not page["hasMore"]:
                break
        assert paged == everything and len(everything) >= 1
        assert gql(FEED, after=cursor)["data"]["statusChanges"] == {
            "cursor": cursor,
            "hasMore": False,
            "changes": [],
        }

        # The same feed over REST.
        rest = client.get("/api/status-changes", params={"area": "151"}).json()
        assert [(c["indicatorId"], c["from"], c["to"], c["asOf"]) for c in rest["changes"]] == [
            (c["indicatorId"], c["from"], c["to"], c["asOf"]) for c in feed["changes"]
        ]
        assert client.get("/api/status-changes", params={"after": "x"}).status_code == 400
        assert client.get("/api/status-changes", params={"first": "101"}).status_code == 400

        # The history of the indicator and of its goal (2.1 is goal 2's key figure).
        history = gql(
            """query($s: ID!) { strategy(id: $s) { revision(version: "2022") {
                 indicator(id: "2.1") { statusHistory(area: "151") { from to asOf batch } }
                 focusAreas { number goal { statusHistory(area: "151") { to } } } } } }""",
            s=STRATEGY,
        )["data"]["strategy"]["revision"]
        assert history["indicator"]["statusHistory"] == [
            {"from": old.status.name, "to": new.status.name, "asOf": "2022-11-15", "batch": report.batch}
        ]
        goal_2 = next(f for f in history["focusAreas"] if f["number"] == 2)["goal"]["statusHistory"]
        assert goal_2 == [{"to": new.status.name}]

        # "Since when", on the status page and in REST: only 2.1 changed for 151.
        rest_status = client.get("/api/status/151?revision=2022").json()
        since = {
            i["id"]: i["statusSince"]
            for g in rest_status["goals"]
            for i in g["indicators"]
            if i["statusSince"]
        }
        assert since == {"2.1": "2022-11-15"}
        page = client.get("/status/151?revision=2022").text
        assert "siden 15. november 2022" in page.replace("\u00a0", " ")
        replay = client.get("/api/status/151?revision=2022&asOf=2023-01-01").json()
        assert all(
            i["statusSince"] is None for g in replay["goals"] for i in g["indicators"]
        )  # a replay: not known

        # Bad arguments name themselves.
        bad = gql(FEED, after="not-a-cursor")
        assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
        assert gql(FEED, first=0)["errors"][0]["extensions"]["argument"] == "first"
        client.close()


def test_rows_judged_by_other_code_are_not_used_and_are_judged_again(fresh_url):
    from kpi_api.storage.tables import evaluation_state

    services = open_services(fresh_url)
    seed(services)
    services.upkeep.drain()
    key = ((STRATEGY, "2022", "3.1", "151"), None, None)
    assert services.evaluations.lookup([key])
    # As after an upgrade whose rules or wording differ: the state names another judge.
    with services.engine.begin() as c:
        c.execute(sa.update(evaluation_state).values(judged_by="an older version"))
    assert services.evaluations.lookup([key]) is None  # judged per request meanwhile
    assert not services.evaluations.pending().current
    report = services.upkeep.drain()
    assert report is not None and report.full
    _assert_current_and_true(services)
    assert services.evaluations.lookup([key])
