"""Hostile files sent to the writes over HTTP (a real `kpi serve` process on a real SQLite
file, with import and publish tokens): each is refused with its place and the limit in the
message, `/healthz` keeps answering meanwhile, and the server's peak RSS stays bounded.
Times, `/healthz` latencies and the peak RSS are printed (pytest -s), not asserted."""

import concurrent.futures
import contextlib
import json
import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens
from kpi_core.shipped import _DATA
from tests.api.test_no_stale_answers import _serve

MAX_ROWS = 1_500  # the server's KPI_MAX_IMPORT_ROWS here, so that the limit is cheap to reach
IMPORT = """mutation($csv: String!, $format: ImportFormat) { importObservations(csv: $csv, format: $format, dryRun: true) {
  rejected rows problems { location column message } } }"""
PUBLISH = (
    "mutation($text: String!) { publishRevision(catalogue: $text) { strategyId version published problems } }"
)
CATALOGUE = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
# A new revision that validates against the published ones (as in test_graphql_writes).
NEW = CATALOGUE.replace("in_force_from = 2022-11-09", "in_force_from = 2099-01-01")
NEW = NEW[: NEW.index("# ── What changed since the 2020 revision")]


def versioned(version: str) -> str:
    return NEW.replace('version = "2022"', f'version = "{version}"', 1)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-inputs') / 'kpi.sqlite3'}"
    engine = open_services(url).engine
    made = {
        scope: tokens.create(engine, scope, f"hostile {scope.value}")[0]
        for scope in (tokens.Scope.IMPORT, tokens.Scope.PUBLISH)
    }
    process, base = _serve(url, {"KPI_MAX_IMPORT_ROWS": str(MAX_ROWS)})
    yield base, made, process.pid
    print(f"\nserver peak RSS (VmHWM) after the hostile inputs: {peak_rss_mb(process.pid):.0f} MB")
    process.kill()
    process.wait()


def peak_rss_mb(pid: int) -> float:
    return int(re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024


@contextlib.contextmanager
def healthz_meanwhile(base: str):
    """Polls /healthz while the block runs; yields the list of (sent at, latency, status)."""
    answers, done = [], threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not done.is_set():
                sent = time.perf_counter()
                status = client.get("/healthz").status_code
                answers.append((sent, time.perf_counter() - sent, status))
                time.sleep(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        yield answers
    finally:
        done.set()
        poller.join()


def send(base: str, token: str, query: str, **variables) -> tuple[dict, float, list]:
    """The answer, how long it took, and the /healthz answers meanwhile (printed)."""
    with healthz_meanwhile(base) as health:
        started = time.perf_counter()
        response = httpx.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        took, ended = time.perf_counter() - started, time.perf_counter()
    during = [latency for sent, latency, _ in health if started <= sent <= ended]
    print(
        f"\n  {len(response.content):,} bytes answered in {took:.2f} s; /healthz meanwhile: {len(during)} answers, "
        f"slowest {max(during, default=0) * 1000:.0f} ms"
    )
    assert response.status_code == 200, response.text[:300]
    assert all(status == 200 for _, _, status in health)
    return response.json(), took, during


def jsonstat_bomb(values: str = '{"7": 1}') -> str:
    dims = {f"D{d}": {"category": {"index": [f"c{i}" for i in range(1000)]}} for d in range(4)}
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": list(dims),
        "size": [1000] * 4,
        "dimension": dims,
        "value": "VALUES",
        "status": "..",
        "role": {"geo": ["D0"], "time": ["D1"]},
    }
    return json.dumps(document).replace('"VALUES"', values)


HEADER = "indicator,area,period,value"
IMPORTS = {
    # case: (format, text, expected first problem: location, column, words of the message)
    "jsonstat-bomb": (
        "JSONSTAT",
        jsonstat_bomb(),
        ("graphql-import.json", None, "does not say which Statbank table it is"),
    ),
    "jsonstat-too-many-values": (
        "JSONSTAT",
        jsonstat_bomb("[" + "1," * 2_000_000 + "1]"),
        ("graphql-import.json", None, "has 2,000,001 values; a JSON-stat file may have at most 2,000,000"),
    ),
    "jsonstat-huge-position": (
        "JSONSTAT",
        jsonstat_bomb('{"' + "9" * 5000 + '": 1}'),
        ("value[99999999999999999999…]", None, "is not a cell position (0–999999999999)"),
    ),
    "csv-million-columns": (
        "CSV",
        HEADER + ",x234567" * 1_000_000 + "\n",
        (
            "header",
            None,
            "is longer than 262,336 characters; a line has at most 64 fields of at most 4,096 characters",
        ),
    ),
    "csv-65-columns": ("CSV", HEADER + ",x" * 61 + "\n", ("header", None, "has 65 columns; at most 64")),
    "csv-15-mb-line": (
        "CSV",
        f"{HEADER}\n4.2,151,2022-12," + "9" * (15 << 20) + "\n",
        ("line 2", None, "is longer than 262,336 characters"),
    ),
    "csv-long-field": (
        "CSV",
        f"{HEADER}\n4.2,151,2022-12," + "9" * 5000 + "\n",
        ("row 2", "value", "is 5,000 characters long; a field has at most 4,096"),
    ),
    "csv-long-quoted-field": (
        "CSV",
        f'{HEADER}\n4.2,151,2022-12,"' + "9\n" * 70_000 + '"\n',
        ("row 2", None, "has a field longer than 4,096 characters (the most a field may have)"),
    ),
    "csv-too-many-rows": (
        "CSV",
        HEADER + "\n" + "4.2,151,2022-12,1\n" * (MAX_ROWS + 1),
        ("graphql-import.csv", None, f"has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} per import"),
    ),
    "csv-echoed-area": (
        "CSV",
        f"{HEADER}\n4.2," + "x" * 4000 + ",2022-12,1\n",
        ("row 2", "area", "`" + "x" * 60 + "… (4,000 characters)` is not a known area code"),
    ),
}


@pytest.mark.parametrize("case", IMPORTS)
def test_a_hostile_import_is_refused_with_its_place_and_limit(served, case):
    base, made, pid = served
    fmt, text, (location, column, message) = IMPORTS[case]
    print(f"\n{case} ({len(text.encode()):,} bytes):", end="")
    answer, _, _ = send(base, made[tokens.Scope.IMPORT], IMPORT, csv=text, format=fmt)
    result = answer["data"]["importObservations"]
    assert result["rejected"]
    first = result["problems"][0]
    assert (first["location"], first["column"]) == (location, column) and message in first["message"], first
    assert peak_rss_mb(pid) < 600


def test_a_file_of_many_bad_rows_lists_the_first_thousand(served):
    base, made, _ = served
    answer, _, _ = send(
        base,
        made[tokens.Scope.IMPORT],
        IMPORT,
        csv=HEADER + "\n" + "4.2,nowhere,2022-12,1\n" * 1_200,
        format="CSV",
    )
    problems = answer["data"]["importObservations"]["problems"]
    assert len(problems) == 1_001 and problems[-1] == {
        "location": "file",
        "column": None,
        "message": "… and 200 more problems (the first 1,000 are listed)",
    }


PUBLISHES = {
    # case: (catalogue text, the words of the one problem)
    "dotted-key-bomb": (
        "format = 1\n" + "a." * 100_000 + "b = 1\n",
        "not read: a dotted key or table header has more than 8 parts (line 2, column 16)",
    ),
    "nested-arrays": (
        "format = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n",
        "not read: arrays and inline tables are nested more than 16 deep (line 2, column 21)",
    ),
    "too-large": (NEW + "# " + "x" * 300_000 + "\n", "a catalogue file has at most 262,144"),
    "bell-in-a-name": (
        versioned("2099-bell").replace(
            "Andel placeringer oprettet til tiden", "Andel placeringer\\u0007 oprettet", 1
        ),
        "contains a control character, U+0007, at position 18; remove it @ $.focus_areas[0].indicators[1].name.da",
    ),
    "trailing-space": (
        versioned("2022 "),
        "version '2022 ' has U+0020 SPACE at position 5 (it looks like '2022')",
    ),
    "full-width": (
        versioned("２０２２"),
        "version '２０２２' has U+FF12 FULLWIDTH DIGIT TWO at position 1 (it looks like '2022')",
    ),
    "zero-width-space": (
        versioned("2099\\u200B"),
        "version '2099\\u200b' has U+200B ZERO WIDTH SPACE at position 5",
    ),
}


@pytest.mark.parametrize("case", PUBLISHES)
def test_a_hostile_catalogue_is_refused_with_its_place_and_limit(served, case):
    base, made, _ = served
    text, expected = PUBLISHES[case]
    print(f"\n{case} ({len(text.encode()):,} bytes):", end="")
    answer, _, _ = send(base, made[tokens.Scope.PUBLISH], PUBLISH, text=text)
    result = answer["data"]["publishRevision"]
    assert result["published"] is False
    assert any(expected in p for p in result["problems"]), result["problems"]


def test_healthz_answers_while_a_large_catalogue_is_parsed(served):
    """The largest file within the limits, of the slowest kind to parse (0.4 s of tomllib
    on an idle machine): parsed in a thread, so the event loop answers /healthz meanwhile."""
    base, made, _ = served
    text = "format = 1\nx = [" + "1," * 130_000 + "1]\n"
    answer, took, during = send(base, made[tokens.Scope.PUBLISH], PUBLISH, text=text)
    assert answer["data"]["publishRevision"]["published"] is False  # `x` is no field of a catalogue
    assert during, f"no /healthz answer during the {took:.2f} s the catalogue was parsed"


def test_a_look_alike_of_a_published_version_is_refused(served):
    base, made, _ = served
    first, _, _ = send(base, made[tokens.Scope.PUBLISH], PUBLISH, text=versioned("2099-case"))
    assert first["data"]["publishRevision"]["published"] is True
    again, _, _ = send(base, made[tokens.Scope.PUBLISH], PUBLISH, text=versioned("2099-CASE"))
    assert again["data"]["publishRevision"]["problems"] == [
        "version '2099-CASE' is the published version '2099-case' of ballerup-beskaeftigelsesstrategi but for case "
        "or look-alike characters (versions are compared that way); choose another version @ $.version"
    ]


def test_concurrent_publishers_of_one_version_get_one_success_and_conflicts(served):
    base, made, _ = served
    headers = {"Authorization": f"Bearer {made[tokens.Scope.PUBLISH]}"}

    def publish(n: int) -> dict:
        text = versioned("2100-race").replace("Fleksjobledigheden", f"Fleksjobledigheden {n}", 1)
        return httpx.post(
            f"{base}/graphql",
            json={"query": PUBLISH, "variables": {"text": text}},
            headers=headers,
            timeout=60,
        ).json()

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(publish, range(6)))
    published = [a for a in answers if (a.get("data") or {}).get("publishRevision", {}).get("published")]
    conflicts = [a["errors"][0] for a in answers if a.get("errors")]
    refused = [
        a["data"]["publishRevision"]["problems"][0]
        for a in answers
        if a.get("data") and not a.get("errors") and not a["data"]["publishRevision"]["published"]
    ]
    print(
        f"\n6 concurrent publishers: {len(published)} published, {len(conflicts)} CONFLICT, {len(refused)} already published"
    )
    assert len(published) == 1 and len(conflicts) + len(refused) == 5
    for error in conflicts:
        assert error["extensions"]["code"] == "CONFLICT"
        assert error["message"].startswith(
            "revision 2100-race of ballerup-beskaeftigelsesstrategi was published by another request just now"
        )
    for problem in refused:
        assert "is already published; published revisions are immutable" in problem
