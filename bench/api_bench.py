"""API benchmark: the service against the practical limit, in the same run.

For five request shapes, the real service (`kpi serve`, uncached and with the response
cache on) is measured against a raw Starlette endpoint (bench/raw_server.py) that
answers with the identical response bytes, precomputed from the service — the same
uvicorn, the same HTTP stack, no GraphQL and no database: the practical limit. Measured
interleaved (raw, uncached, cached, then the next shape; then the next round), reported
as medians over the rounds and as ratios to the raw endpoint.

    scripts/ensure-wrk.sh     # Debian's wrk drives the load
    .venv/bin/python -m bench.api_bench [--rounds 3] [--seconds 5] [--database PATH] [--out bench/results-api.md]

Latency: wrk with 1 connection and `--latency` (p50 and p99 from wrk's histogram).
Throughput: wrk with 8 connections (req/s). Both bounded to `--seconds` per run.

The data is SYNTHETIC: the full national demo dataset (`kpi demo`, ~1.44 million rows)
and, for the scale goal, a ~50,000-row subset of the same generator.
"""

import argparse
import base64
import datetime
import hashlib
import http.client
import json
import math
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRATEGY = "ballerup-beskaeftigelsesstrategi"


@dataclass(frozen=True)
class Shape:
    number: int
    name: str
    method: str
    target: str  # path with query string
    graphql: str | None = None

    @property
    def body(self) -> bytes:
        return json.dumps({"query": self.graphql}).encode() if self.graphql else b""


SHAPES = [
    Shape(
        1,
        "status of all goals and indicators, area 151",
        "POST",
        "/graphql",
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ focusAreas {{ '
        'goal { status(area: "151") { status value reference referenceLabel gap trend explanation } } '
        'indicators { id status(area: "151") { status value reference gap trend explanation } } } } } }',
    ),
    Shape(
        2,
        "monthly series of 2.2 for 151 with references",
        "POST",
        "/graphql",
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicator(id: "2.2") {{ '
        'series(area: "151") { points { periods values } references { area points { periods values } } } } } } }',
    ),
    Shape(
        3,
        "bulk statusTable (all indicators × 98 municipalities)",
        "POST",
        "/graphql",
        f'{{ statusTable(strategyId: "{STRATEGY}", version: "2022") {{ indicators areas cells }} }}',
    ),
    Shape(4, "GET /figures/2.2/151.svg", "GET", "/figures/2.2/151.svg"),
    Shape(5, "GET /status/151?revision=2022", "GET", "/status/151?revision=2022"),
]

# (shape, what, limit): the goals of issue 7.
GOALS = [
    (1, "uncached p50", 6.0),
    (1, "cached req/s", 0.5),
    (2, "uncached p50", 3.0),
    (3, "uncached p50", 2.0),
    (4, "cached req/s", 0.5),
    (5, "cached req/s", 0.5),
]
SCALE_LIMIT = 1.5  # shape 1 p50 on the full database ≤ 1.5 × p50 at ~50k rows
RSS_LIMIT_MB = 300

# The ~50k-row database: every indicator and area of the demo generator (same seed, same
# values), years 2023–2025, monthly figures only for November and December, yearly figures
# all. It keeps the latest period (2025-12) and the same period one and two years earlier
# that status needs, so shape 1 should give the same answer on both databases.
SMALL_YEARS = (2023, 2025)
SMALL_MONTHS = ("11", "12")


# ── Processes ───────────────────────────────────────────────────────────────────────────
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server process with its log in a file (never a pipe that could fill up)."""

    def __init__(self, label: str, argv: list[str], folder: Path, env: dict[str, str] | None = None):
        self.label, self.port = label, free_port()
        self.log = folder / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}.log"
        argv = [*argv, "--port", str(self.port)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def wait(self, path: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if request(self.port, "GET", path, timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} did not answer {path} within {timeout:.0f} s:\n{self.tail()}")

    def rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def request(
    port: int, method: str, target: str, body: bytes = b"", timeout: float = 60
) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"content-type": "application/json"} if body else {}
        connection.request(method, target, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def fetch(server: Server, shape: Shape) -> tuple[int, str, bytes]:
    return request(server.port, shape.method, shape.target, shape.body)


# ── Databases ───────────────────────────────────────────────────────────────────────────
def kpi_command() -> str:
    beside = Path(sys.executable).with_name("kpi")
    found = str(beside) if beside.exists() else shutil.which("kpi")
    if not found:
        raise SystemExit(
            "the `kpi` command was not found beside this Python or on PATH: install the project first"
        )
    return found


def prepare_full(path: Path) -> None:
    """The full synthetic national dataset; `kpi demo` is a no-op when it is loaded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"full database {path}: kpi demo (SYNTHETIC; ~30–60 s the first time, a no-op after)…", flush=True)
    done = subprocess.run(
        [kpi_command(), "demo", "--database", f"sqlite:///{path}"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode:
        raise SystemExit(f"kpi demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print("  " + " ".join(done.stdout.split()), flush=True)


def prepare_small(path: Path) -> None:
    """~50,000 SYNTHETIC rows (see SMALL_YEARS/SMALL_MONTHS), loaded once as one batch."""
    from kpi_api.bootstrap import open_services
    from kpi_api.demo import synthetic as demo
    from kpi_core.repository import ImportBatch

    first, last = SMALL_YEARS
    fingerprint = f"kpi api-bench small v1 seed=2022 years={first}-{last} months={','.join(SMALL_MONTHS)}"
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    services = open_services(f"sqlite:///{path}")
    try:
        if any(b.sha256 == digest for b in services.observations.batches()):
            print(f"small database {path}: already loaded", flush=True)
            return
        print(f"small database {path}: loading the ~50k-row SYNTHETIC subset…", flush=True)
        rows = [
            o
            for o in demo.generate(
                seed=2022,
                first_year=first,
                last_year=last,
                areas=list(services.areas),
                strategies=services.strategies,
            )
            if len(o.period) == 4 or o.period[5:7] in SMALL_MONTHS
        ]
        batch = ImportBatch(
            id=f"bench-small-2022-{first}-{last}",
            file_name=f"(synthetic demo data subset for the API benchmark: {first}–{last}, "
            f"monthly figures for months {', '.join(SMALL_MONTHS)} only)",
            sha256=digest,
            format="demo",
            imported_by="bench.api_bench",
            imported_at=datetime.datetime.now(datetime.UTC),
        )
        services.observations.add(batch, rows)
        services.upkeep.drain()  # as the CLI's writes do: the statuses stored before the run
    finally:
        services.engine.dispose()


def wait_for_stored_evaluations(path: Path, timeout: float = 600) -> None:
    """Until the stored evaluations reflect the data (the server's upkeep drains at start)."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            state = c.execute("SELECT version FROM evaluation_state").fetchone()[0]
            data = c.execute("SELECT version FROM data_version").fetchone()[0]
            queued = c.execute("SELECT count(*) FROM evaluation_queue").fetchone()[0]
        if state == data and not queued:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{path}: the stored evaluations did not catch up within {timeout:.0f} s")
        time.sleep(0.5)


def row_counts(path: Path) -> tuple[int, int]:
    """(all observations, synthetic ones)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
        total = c.execute("SELECT count(*) FROM observations").fetchone()[0]
        synthetic = c.execute(
            "SELECT count(*) FROM observations WHERE source LIKE 'SYNTETISKE DATA%'"
        ).fetchone()[0]
    return total, synthetic


# ── Load ────────────────────────────────────────────────────────────────────────────────
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNITS[unit]


@dataclass
class Run:
    requests: int  # completed in the run (for latency: the samples)
    p50: float | None = None  # ms
    p99: float | None = None
    rps: float | None = None
    errors: str = ""  # non-2xx responses, socket errors
    tool: str = "wrk"  # "wrk", "python" (sequential client) or "estimate" (1 ÷ p50, not run)


def wrk(url: str, script: Path | None, connections: int, seconds: float, latency: bool) -> Run:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    if latency:
        argv.append("--latency")
    if script:
        argv += ["-s", str(script)]
    done = subprocess.run([*argv, url], check=False, capture_output=True, text=True, timeout=seconds + 60)
    out = done.stdout
    if done.returncode or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed ({done.returncode}): {' '.join(argv)} {url}\n{out}\n{done.stderr}")
    count = re.search(r"^\s*(\d+) requests in", out, re.MULTILINE)
    run = Run(requests=int(count.group(1)) if count else 0)
    run.rps = float(re.search(r"^Requests/sec:\s*([\d.]+)", out, re.MULTILINE).group(1))
    if latency and run.requests:  # with no request completed, wrk prints 0.00us
        percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+[a-z]+)\s*$", out, re.MULTILINE))
        run.p50, run.p99 = _ms(percentiles["50"]), _ms(percentiles["99"])
    problems = re.findall(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", out, re.MULTILINE)
    run.errors = "; ".join(problems)
    return run


def lua_script(folder: Path, shape: Shape) -> Path | None:
    if shape.method == "GET":
        return None
    body = folder / f"body-{shape.number}.json"
    body.write_bytes(shape.body)
    script = folder / f"shape-{shape.number}.lua"
    script.write_text(
        f'local f = assert(io.open("{body}", "rb"))\n'
        'wrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def warm(server: Server, shape: Shape, n: int = 3, budget: float = 1.0) -> float:
    """Up to n requests (at least one, at most `budget` seconds); the median time in ms."""
    times, start = [], time.perf_counter()
    while len(times) < n and (not times or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        status = fetch(server, shape)[0]
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"{server.label}: shape {shape.number} answered {status} while warming up")
    return statistics.median(times)


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def settle(server: Server, limit: float = 120) -> float:
    """Wait until the server is idle (requests wrk abandoned at the end of a run keep it
    busy and would slow the next measurement down); the seconds waited."""
    start = time.monotonic()
    before = cpu_seconds(server.process.pid)
    while before is not None and time.monotonic() - start < limit:
        time.sleep(0.25)
        now = cpu_seconds(server.process.pid)
        if now is None or now - before < 0.02:
            break
        before = now
    return time.monotonic() - start


def percentile(samples: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def sequential(server: Server, shape: Shape, seconds: float, at_least: int = 3, limit: float = 60) -> Run:
    """1-connection latency with a plain keep-alive client, for shapes too slow for wrk's
    histogram to see enough requests in the run: at least `at_least` requests."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"content-type": "application/json"} if shape.body else {}
    samples, errors, start = [], 0, time.monotonic()
    try:
        while (
            time.monotonic() - start < seconds or len(samples) < at_least
        ) and time.monotonic() - start < limit:
            t0 = time.perf_counter()
            connection.request(shape.method, shape.target, body=shape.body or None, headers=headers)
            response = connection.getresponse()
            response.read()
            samples.append((time.perf_counter() - t0) * 1000)
            errors += not 200 <= response.status < 400
    finally:
        connection.close()
    return Run(
        len(samples),
        percentile(samples, 50),
        percentile(samples, 99),
        tool="python",
        errors=f"Non-2xx or 3xx responses: {errors}" if errors else "",
    )


def measure(
    server: Server, shape: Shape, script: Path | None, seconds: float, latency_only: bool = False
) -> Run:
    """p50/p99 with 1 connection, then req/s with 8 connections, each for `seconds`."""
    typical = warm(server, shape)
    if typical * 20 > seconds * 1000:  # wrk would see fewer than ~20 requests
        latency = sequential(server, shape, seconds)
    else:
        latency = wrk(server.url + shape.target, script, 1, seconds, latency=True)
    settle(server)
    run = Run(latency.requests, latency.p50, latency.p99, errors=latency.errors, tool=latency.tool)
    if latency_only:
        return run
    if typical * 2 > seconds * 1000:  # not one round of 8 requests would finish: 1 ÷ p50 at best
        run.rps, run.tool = 1000 / latency.p50, run.tool + "+estimate"
    else:
        throughput = wrk(server.url + shape.target, script, 8, seconds, latency=False)
        run.rps = throughput.rps
        run.errors = "; ".join(e for e in (latency.errors, throughput.errors) if e)
        waited = settle(server)
        if waited > 1:
            run.errors = "; ".join(
                e for e in (run.errors, f"busy {waited:.0f} s after the 8-connection run") if e
            )
    return run


# ── Report ──────────────────────────────────────────────────────────────────────────────
def fmt_ms(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x * 1000:.0f} µs" if x < 1 else f"{x:.1f} ms" if x < 100 else f"{x:.0f} ms"


def fmt_rps(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}" if x >= 10 else f"{x:.2f}"


def fmt_ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2g}×" if x < 0.1 else f"{x:.2f}×" if x < 10 else f"{x:.0f}×"


def med(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def main() -> None:
    parser = argparse.ArgumentParser(description="The API against a raw endpoint serving the same bytes.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each wrk run")
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kpi-api-bench" / "full.sqlite3",
        help="SQLite file for the full SYNTHETIC dataset (reused when already loaded); "
        "the ~50k-row one is created beside it",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-api.md"))
    args = parser.parse_args()
    command = "python -m bench.api_bench " + shlex.join(sys.argv[1:])
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: run scripts/ensure-wrk.sh (as root it installs Debian's wrk)")
    # A SIGTERM (e.g. from a timeout) unwinds through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, load_before = time.monotonic(), os.getloadavg()

    full_db = args.database.resolve()
    small_db = full_db.with_name(full_db.stem + "-50k" + full_db.suffix)
    prepare_full(full_db)
    prepare_small(small_db)
    full_rows, small_rows = row_counts(full_db), row_counts(small_db)
    print(
        f"rows: full {full_rows[0]:,} ({full_rows[1]:,} synthetic), small {small_rows[0]:,} ({small_rows[1]:,} synthetic)"
    )

    source = ROOT / "kpi_api"
    cache_known = any("KPI_RESPONSE_CACHE" in p.read_text(errors="ignore") for p in source.rglob("*.py"))
    if not cache_known:
        print("note: kpi_api does not read KPI_RESPONSE_CACHE yet; 'cached' runs the same code as 'uncached'")

    folder = Path(tempfile.mkdtemp(prefix="kpi-api-bench-"))
    servers: list[Server] = []
    ok = False
    try:

        def service(label: str, db: Path, cache: str) -> Server:
            # One loopback client sending thousands of requests a second: the per-address
            # limit for anonymous callers (10/s) would answer nearly all of them with a 429.
            env = {
                **os.environ,
                "KPI_RESPONSE_CACHE": cache,
                "KPI_REQUIRE_READ_TOKEN": "0",
                "KPI_ANONYMOUS_RATE": "1e9",
                "KPI_ANONYMOUS_BURST": "1000000000",
            }
            server = Server(label, [kpi_command(), "serve", "--database", f"sqlite:///{db}"], folder, env)
            servers.append(server)
            server.wait("/healthz")  # one at a time: each start publishes the catalogue into its file
            wait_for_stored_evaluations(db)
            return server

        uncached = service("uncached", full_db, "0")
        cached = service("cached", full_db, "1")
        small = service("uncached, ~50k rows", small_db, "0")

        # The reference bytes: the real service's answers, once.
        entries, answers, notes = [], {}, []
        for shape in SHAPES:
            t0 = time.perf_counter()
            status, content_type, body = fetch(uncached, shape)
            elapsed = time.perf_counter() - t0
            if status != 200:
                raise RuntimeError(f"shape {shape.number} answered {status}: {body[:500]!r}")
            if shape.graphql and b'"errors"' in body:
                raise RuntimeError(f"shape {shape.number} answered GraphQL errors: {body[:500]!r}")
            answers[shape.number] = body
            print(
                f"shape {shape.number}: 200, {content_type}, {len(body):,} bytes, first answer {elapsed * 1000:.0f} ms"
            )
            path, _, query = shape.target.partition("?")
            entries.append(
                {
                    "method": shape.method,
                    "path": path,
                    "query": query,
                    "body_sha256": hashlib.sha256(shape.body).hexdigest() if shape.body else None,
                    "status": status,
                    "content_type": content_type,
                    "body_b64": base64.b64encode(body).decode(),
                }
            )
            for _ in range(2):  # the second answer of the cached server comes from its cache, if it has one
                if fetch(cached, shape)[2] != body:
                    notes.append(
                        f"shape {shape.number}: the cached server's answer differs from the uncached one"
                    )
                    break
        same_small = fetch(small, SHAPES[0])[2] == answers[1]
        notes.append(
            f"shape 1 answers on the full and the ~50k database are {'identical' if same_small else 'DIFFERENT'}"
        )
        responses = folder / "responses.json"
        responses.write_text(json.dumps(entries))
        raw = Server("raw", [sys.executable, "-m", "bench.raw_server", str(responses)], folder)
        servers.append(raw)
        raw.wait(SHAPES[3].target)
        for shape in SHAPES:
            status, content_type, body = fetch(raw, shape)
            if (status, body) != (200, answers[shape.number]) or content_type != entries[shape.number - 1][
                "content_type"
            ]:
                raise RuntimeError(
                    f"the raw server's answer to shape {shape.number} is not the service's bytes"
                )
        print("raw server: identical bytes and content-type for every shape", flush=True)

        scripts = {s.number: lua_script(folder, s) for s in SHAPES}
        targets = [("raw", raw), ("uncached", uncached), ("cached", cached)]
        runs: dict[tuple[int, str], list[Run]] = {}
        scale: dict[str, list[float | None]] = {"full": [], "small": []}
        for round_ in range(args.rounds):
            for shape in SHAPES:
                line = []
                for label, server in targets:
                    run = measure(server, shape, scripts[shape.number], args.seconds)
                    runs.setdefault((shape.number, label), []).append(run)
                    if run.errors:
                        notes.append(f"round {round_ + 1}, shape {shape.number}, {label}: {run.errors}")
                    line.append(f"{label} p50 {fmt_ms(run.p50)} p99 {fmt_ms(run.p99)} {fmt_rps(run.rps)}/s")
                    if shape.number == 1 and label == "uncached":
                        # Scale: the same query on the ~50k-row database, right after.
                        other = measure(small, shape, scripts[1], args.seconds, latency_only=True)
                        scale["full"].append(run.p50)
                        scale["small"].append(other.p50)
                        line.append(f"(~50k rows: p50 {fmt_ms(other.p50)})")
                print(f"round {round_ + 1} shape {shape.number}: " + ", ".join(line), flush=True)
        rss = {s.label: s.rss_mb() for s in servers}

        # ── The report ──
        summary: dict[tuple[int, str], dict[str, float | None]] = {}
        for (number, label), rs in runs.items():
            summary[number, label] = {
                "p50": med([r.p50 for r in rs]),
                "p99": med([r.p99 for r in rs]),
                "rps": med([r.rps for r in rs]),
                "n": med([r.requests for r in rs]),
                "python": any(r.tool.startswith("python") for r in rs),
                "estimate": any(r.tool.endswith("estimate") for r in rs),
            }
        header = f"# API benchmark (the service against a raw endpoint with the same bytes; {args.rounds} round(s), medians)"
        measured = (
            f"Measured {datetime.date.today()} with `{command}` on this machine (2 cores, shared with other work; "
            f"quote medians, not single runs). Load average (1 min) {load_before[0]:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end."
        )
        data = (
            f"- Data (SYNTHETIC): full database {full_rows[0]:,} observations ({full_rows[1]:,} synthetic demo rows, "
            f"all 98 municipalities, 5 regions and DK, every indicator, 2010–2025); scale database {small_rows[0]:,} "
            f"observations ({small_rows[1]:,} synthetic: the same generator, {SMALL_YEARS[0]}–{SMALL_YEARS[1]}, "
            f"monthly figures for months {'/'.join(SMALL_MONTHS)} only). SQLite."
        )
        reference = (
            "- raw: bench/raw_server.py, a Starlette endpoint answering with the service's own response bytes and "
            "content-type, precomputed (checked identical), on the same uvicorn settings as `kpi serve`."
        )
        not_read = " (this version of kpi_api does not read it yet: both run the same code)"
        variants = (
            "- uncached: `kpi serve` with `KPI_RESPONSE_CACHE=0`; cached: with `KPI_RESPONSE_CACHE=1`"
            f"{'' if cache_known else not_read}."
        )
        method = (
            f"- Latency: wrk, 1 connection, `--latency` (p50/p99 from wrk's histogram), {args.seconds:g} s per run; "
            "for a shape too slow for that (a warm-up request longer than 1/20 of the run) a sequential keep-alive "
            "Python client (http.client) instead, at least 3 requests, marked ‡. "
            f"Throughput: wrk, 1 thread, 8 connections, {args.seconds:g} s per run. Interleaved raw → uncached → "
            "cached per shape and round; each server warmed with up to 3 requests first, and left to become idle "
            "after each run (requests wrk abandons at the end of a run would otherwise slow the next one down)."
        )
        columns = (
            "| shape | raw p50 | raw p99 | raw req/s | uncached p50 | p99 | req/s | p50 ÷ raw | req/s ÷ raw "
            "| cached p50 | p99 | req/s | p50 ÷ raw | req/s ÷ raw |"
        )
        lines = [
            header,
            "",
            measured,
            "",
            data,
            reference,
            variants,
            method,
            "",
            columns,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        marks = set()
        for shape in SHAPES:
            r = summary[shape.number, "raw"]
            cells = [f"({shape.number}) {shape.name}", fmt_ms(r["p50"]), fmt_ms(r["p99"]), fmt_rps(r["rps"])]
            for label in ("uncached", "cached"):
                s = summary[shape.number, label]
                latency_marks = ["‡"] * s["python"] + ["†"] * (s["n"] is not None and s["n"] < 100)
                rps_marks = ["≈"] * s["estimate"]
                marks.update(latency_marks + rps_marks)
                latency_mark = "".join(" " + m for m in latency_marks)
                rps_mark = "".join(m + " " for m in rps_marks)
                cells += [
                    fmt_ms(s["p50"]) + latency_mark,
                    fmt_ms(s["p99"]) + latency_mark,
                    rps_mark + fmt_rps(s["rps"]),
                    fmt_ratio(div(s["p50"], r["p50"])),
                    rps_mark + fmt_ratio(div(s["rps"], r["rps"])),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        legend = {
            "‡": "measured with the sequential Python client (too slow for wrk's histogram in the run).",
            "†": "fewer than 100 requests in the 1-connection run: its p99 is close to the slowest request.",
            "≈": "not run with 8 connections (one request takes longer than half the run): 1 ÷ p50, an estimate.",
        }
        if marks:
            lines += ["", *[f"{m} {text}  " for m, text in legend.items() if m in marks]]
        lines += ["", "## Goals", "", "| goal | measured | limit | result |", "| --- | ---: | ---: | --- |"]
        for number, what, limit in GOALS:
            label, metric = what.split()
            metric = "rps" if metric == "req/s" else metric
            ratio = div(summary[number, label][metric], summary[number, "raw"][metric])
            passed = ratio is not None and (ratio <= limit if metric == "p50" else ratio >= limit)
            # A figure measured on refusals (429, 503) says nothing about the answer.
            refused = any(
                "Non-2xx" in r.errors for key in ((number, label), (number, "raw")) for r in runs[key]
            )
            relation = "≤" if metric == "p50" else "≥"
            lines.append(
                f"| ({number}) {what} {relation} {limit:g}× raw | {fmt_ratio(ratio)} | {limit:g}× | "
                f"{'INVALID (non-2xx answers in the runs: see the notes)' if refused else 'PASS' if passed else 'MISS'} |"
            )
        full_p50, small_p50 = med(scale["full"]), med(scale["small"])
        ratio = div(full_p50, small_p50)
        lines.append(
            f"| scale: (1) uncached p50 on {full_rows[0]:,} rows ≤ {SCALE_LIMIT:g}× p50 on {small_rows[0]:,} rows "
            f"({fmt_ms(full_p50)} vs {fmt_ms(small_p50)}) | {fmt_ratio(ratio)} | {SCALE_LIMIT:g}× | "
            f"{'PASS' if ratio is not None and ratio <= SCALE_LIMIT else 'MISS'} |"
        )
        memory = rss.get("cached")
        lines.append(
            f"| memory: RSS of the cached server after the runs ≤ {RSS_LIMIT_MB} MB | "
            f"{'—' if memory is None else f'{memory:.0f} MB'} | {RSS_LIMIT_MB} MB | "
            f"{'PASS' if memory is not None and memory <= RSS_LIMIT_MB else 'MISS'} |"
        )
        lines += [
            "",
            "RSS after the runs (VmRSS): "
            + ", ".join(f"{label} {'—' if mb is None else f'{mb:.0f} MB'}" for label, mb in rss.items())
            + ".",
        ]
        if notes:
            lines += ["", "Notes:", "", *[f"- {n}" for n in notes]]
        lines += ["", f"Total time of the run: {time.monotonic() - started:.0f} s."]
        text = "\n".join(lines) + "\n"
        args.out.write_text(text)
        print()
        print(text)
        ok = True
    finally:
        for server in reversed(servers):
            server.stop()
        if ok:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"server logs kept in {folder}", file=sys.stderr)
            for server in servers:
                print(f"── {server.label} (port {server.port}) ──\n{server.tail()}", file=sys.stderr)


if __name__ == "__main__":
    main()
