"""The load run: many concurrent anonymous callers send hostile and heavy requests for a
bounded time while a monitor measures what an ordinary caller gets.

Against a `kpi serve` process over the SYNTHETIC demo dataset, `KPI_FUZZ_CLIENTS`
clients (default 100), each with an address of its own behind one trusted proxy (the
worst case: a crowd, not one address the rate limit would stop at once), send for
`KPI_FUZZ_LOAD_SECONDS`: exponential fragment spreads, 30 aliased statusTables,
uncached statusTables, series, figures and status pages with a distinct `asOf` each
(so every one misses the response cache), deep queries and oversized bodies. Beside
them a monitor, in a process of its own (load_probe.py) so the crowd's client work
cannot delay it, asks `/healthz` and a cheap cached query every 50 ms and samples the
server's RSS.

Printed (run with -s; `make fuzz` runs it on the whole national demo dataset): the
cheap request's and /healthz's p50/p99, the answers by HTTP status and `extensions.code`,
and the peak RSS. Timings are the record, not assertions (the machine is shared);
asserted: every answer is an answer or a refusal with a stated code, /healthz answered
every time, no orphaned work keeps the CPU busy after the run, and the RSS stays under
the documented 600 MB.
"""

import asyncio
import collections
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time

import httpx
import pytest

from tests.api.test_no_stale_answers import KPI, _serve
from tests.conftest import run_async
from tests.security.load_probe import CHEAP, cpu_seconds, rss_mb

CLIENTS = int(os.environ.get("KPI_FUZZ_CLIENTS", "100"))
SECONDS = float(os.environ.get("KPI_FUZZ_LOAD_SECONDS", "12"))
FIRST_YEAR = int(os.environ.get("KPI_FUZZ_LOAD_FROM_YEAR", "2023"))
RSS_LIMIT_MB = 600
STRATEGY = "ballerup-beskaeftigelsesstrategi"

# Refusals a hostile or heavy request may get; anything else (a 500, a hang, a code
# nobody documented) fails the run.
REFUSALS = {
    (400, "GRAPHQL_VALIDATION_FAILED"),
    (400, "GRAPHQL_PARSE_FAILED"),
    (200, "GRAPHQL_VALIDATION_FAILED"),
    (200, "COST_LIMIT_EXCEEDED"),
    (400, "COST_LIMIT_EXCEEDED"),
    (200, "DEPTH_LIMIT_EXCEEDED"),
    (400, "DEPTH_LIMIT_EXCEEDED"),
    (200, "TOKEN_LIMIT_EXCEEDED"),
    (400, "TOKEN_LIMIT_EXCEEDED"),
    (200, "ALIAS_LIMIT_EXCEEDED"),
    (400, "ALIAS_LIMIT_EXCEEDED"),
    (413, "REQUEST_TOO_LARGE"),
    (429, "RATE_LIMITED"),
    (503, "TIMEOUT"),
    (503, "SERVER_BUSY"),
}


def _fragments(n: int) -> str:
    chain = " ".join(f"fragment F{i} on Strategy {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, n + 1))
    return f"{{ strategies {{ ...F{n} }} }} fragment F0 on Strategy {{ id name }} {chain}"


F39, F60 = _fragments(39), _fragments(60)
DEPTH_60 = "{ areas { " + "region { " * 60 + "code" + " }" * 60 + " } }"
ONE_MIB = b'{"query": "' + b" " * (1 << 20) + b'{ areas { code } }"}'


def _hostile_or_heavy(rng: random.Random) -> tuple[str, str, dict]:
    """(kind, method + path, request arguments) — one of the mix, chosen at random; every
    heavy one has a day of its own, so it misses the answer cache."""
    day = (datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(1, 700))).isoformat()
    kind = rng.choice(KINDS)
    if kind == "fragments F39":
        return kind, "POST /graphql", {"json": {"query": F39}}
    if kind == "fragments F60":
        return kind, "GET /graphql", {"params": {"query": F60}}
    if kind == "depth 60":
        return kind, "POST /graphql", {"json": {"query": DEPTH_60}}
    if kind == "1 MiB body":
        return kind, "POST /graphql", {"content": ONE_MIB, "headers": {"content-type": "application/json"}}
    if kind == "uncached figure":
        return kind, "GET /figures/2.1/151.svg", {"params": {"asOf": day, "compare": "DK,1084"}}
    if kind == "uncached status page":
        return kind, "GET /status/151", {"params": {"asOf": day}}
    table = f'statusTable(strategyId: "{STRATEGY}", asOf: "{day}") {{ version areas cells }}'
    if kind == "30 aliased statusTables":
        return (
            kind,
            "POST /graphql",
            {"json": {"query": "{ " + " ".join(f"t{i}: {table}" for i in range(30)) + " }"}},
        )
    if kind == "uncached statusTable":
        return kind, "POST /graphql", {"json": {"query": "{ " + table + " }"}}
    series = (
        f'{{ strategy(id: "{STRATEGY}") {{ revision {{ indicator(id: "2.1") '
        f'{{ series(area: "151", asOf: "{day}") {{ points {{ periods values }} }} }} }} }} }}'
    )
    return kind, "POST /graphql", {"json": {"query": series}}


KINDS = (
    "fragments F39",
    "fragments F60",
    "depth 60",
    "1 MiB body",
    "uncached figure",
    "uncached status page",
    "30 aliased statusTables",
    "uncached statusTable",
    "uncached series",
)


def _outcome(response: httpx.Response) -> tuple[int, str]:
    code = "answered"
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
        except ValueError:
            return response.status_code, "unreadable JSON"
        if isinstance(body, dict) and body.get("errors"):
            code = (body["errors"][0].get("extensions") or {}).get("code", "no code")
        elif isinstance(body, dict) and response.status_code >= 400:
            code = body.get("code") or body.get("title") or "problem"
    elif response.status_code >= 400:
        code = "problem"
    return response.status_code, code


async def _attacker(
    base: str, number: int, until: float, outcomes: collections.Counter, kinds: collections.Counter
) -> None:
    rng = random.Random(number)
    address = f"10.{number // 250}.{number % 250}.{rng.randrange(1, 250)}"  # as the trusted proxy reports it
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"x-forwarded-for": address}) as client:
        while time.monotonic() < until:
            kind, route, arguments = _hostile_or_heavy(rng)
            method, path = route.split(" ")
            try:
                response = await client.request(method, path, **arguments)
            except httpx.TimeoutException:
                outcomes[(0, "client timed out after 60 s")] += 1
                continue
            outcome = _outcome(response)
            outcomes[outcome] += 1
            kinds[(kind, *outcome)] += 1
            if response.status_code in (429, 503):  # a polite crowd would wait; this one barely does
                await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), 1.0) * rng.random())


async def _crowd(base: str) -> tuple[collections.Counter, collections.Counter]:
    until = time.monotonic() + SECONDS
    outcomes: collections.Counter = collections.Counter()
    kinds: collections.Counter = collections.Counter()
    await asyncio.gather(*(_attacker(base, n, until, outcomes, kinds) for n in range(CLIENTS)))
    return outcomes, kinds


def _percentiles(samples: list[tuple[float, int]]) -> str:
    times = sorted(t for t, _ in samples)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return f"p50 {statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms ({len(times)} calls)"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'kpi.sqlite3'}"
    subprocess.run(
        [KPI, "demo", "--from-year", str(FIRST_YEAR), "--database", url], check=True, capture_output=True
    )
    return url


def test_the_service_holds_under_hostile_and_heavy_load(demo_database):
    server, base = _serve(demo_database, {"KPI_TRUSTED_PROXIES": "1"})
    try:
        # The cheap query as an ordinary caller asks it again and again: from the answer
        # cache (uncached GraphQL beyond KPI_MAX_GRAPHQL_IN_PROGRESS is refused as busy).
        httpx.post(f"{base}/graphql", json=CHEAP, headers={"x-forwarded-for": "192.0.2.1"}).raise_for_status()
        rss_before = rss_mb(server.pid)
        probe = subprocess.Popen(
            [sys.executable, "-m", "tests.security.load_probe", base, str(server.pid), str(SECONDS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        outcomes, kinds = run_async(_crowd(base))
        record = json.loads(probe.communicate(timeout=SECONDS + 120)[0])
        time.sleep(2)  # whatever the crowd left behind has had time to stop
        cpu_after_run = cpu_seconds(server.pid)
        time.sleep(3)
        idle_cpu = cpu_seconds(server.pid) - cpu_after_run
        peak = max(record["rss"])
        print(
            f"\nload run: {CLIENTS} anonymous clients for {SECONDS:.0f} s on the SYNTHETIC demo data from {FIRST_YEAR}"
        )
        print(f"  /healthz      {_percentiles(record['healthz'])}")
        print(f"  cheap query   {_percentiles(record['cheap'])}")
        print(
            f"  RSS {rss_before:.0f} MB before, peak {peak:.0f} MB; CPU in the 3 s after the run {idle_cpu:.2f} s"
        )
        for (status, code), count in sorted(outcomes.items(), key=lambda item: -item[1]):
            print(f"  {count:6,} × HTTP {status} {code}")
        for (kind, status, code), count in sorted(kinds.items()):
            print(f"    {kind:26} HTTP {status} {code}: {count:,}")

        unexpected = {o: n for o, n in outcomes.items() if o[1] != "answered" and o not in REFUSALS}
        assert not unexpected, f"answers that are neither an answer nor a documented refusal: {unexpected}"
        assert all(status == 200 for _, status in record["healthz"]), "/healthz failed under load"
        assert all(status == 200 for _, status in record["cheap"]), "the cheap query failed under load"
        assert peak < RSS_LIMIT_MB, f"the server grew to {peak:.0f} MB (limit {RSS_LIMIT_MB} MB)"
        # No orphaned work: once the crowd is gone, the server idles (a generous margin:
        # a thread still evaluating for a vanished client would use ~1 s per second).
        assert idle_cpu < 1.0, f"the server kept using CPU after the run: {idle_cpu:.2f} s in 3 s"
    finally:
        server.kill()
        server.wait()
