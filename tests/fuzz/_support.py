"""Shared by the fuzz tests: the example budget, an in-process HTTP client for the ASGI
app, the checks every response must pass, and a tally of outcomes and defects.

A fuzz test does not stop at the first bad response: every response is checked, the
outcome is counted, and each distinct defect is kept with its shortest reproduction;
the test fails at the end listing them all. So one run yields complete counts for a
report and every defect it met, not only the first."""

import asyncio
import json
import logging
import os
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

import httpx
from hypothesis import HealthCheck, Phase, settings

# ── budget ────────────────────────────────────────────────────────────────────────────
EXAMPLES = max(1, int(os.environ.get("FUZZ_EXAMPLES", "150")))


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    # No shrink phase: examples never raise (they are tallied), so there is nothing to shrink;
    # the tally keeps the shortest request per defect instead.
    return settings(
        max_examples=max(1, examples),
        deadline=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ],
    )


# ── what no response may contain ──────────────────────────────────────────────────────
# Internals: a traceback, a source path, SQL or a driver's name, a Python repr. A marker
# the request itself contains (an echoed argument) does not count.
LEAK_MARKERS = (
    "Traceback",
    'File "',
    "/work/",
    "site-packages",
    '.py"',
    ".py'",
    "SELECT ",
    "INSERT INTO",
    "DELETE FROM",
    "sqlite3.",
    "psycopg",
    "sqlalchemy",
    "OperationalError",
    "IntegrityError",
    "object at 0x",
)


@dataclass
class Request:
    """One HTTP request, described well enough to print as a reproduction."""

    kind: str
    method: str = "POST"
    path: str = "/graphql"
    json: object = None  # the JSON body (when `content` is None and `has_json`)
    has_json: bool = True
    content: bytes | None = None  # a raw body instead of JSON
    params: dict | None = None
    headers: dict = field(default_factory=dict)
    note: str = ""  # what came before this request, when that matters (e.g. an import)

    def echo(self) -> str:
        """Everything the caller sent, for telling an echo from a leak."""
        parts = [
            self.path,
            json.dumps(self.params or {}, ensure_ascii=False),
            json.dumps(self.headers, ensure_ascii=False),
        ]
        if self.content is not None:
            parts.append(self.content.decode("utf-8", "replace"))
        elif self.has_json:
            parts.append(json.dumps(self.json, ensure_ascii=False))
            parts.append(_strings(self.json))
        return "\n".join(parts)

    def size(self) -> int:
        return len(self.describe())

    def describe(self) -> str:
        lines = [self.note] if self.note else []
        lines += [
            f"{self.method} {self.path}"
            + (f"  params={json.dumps(self.params, ensure_ascii=False)}" if self.params else "")
        ]
        for name, value in self.headers.items():
            lines.append(f"{name}: {_redact(name, value)}")
        if self.content is not None:
            lines.append(
                f"body (raw bytes): {self.content[:2000]!r}" + (" …" if len(self.content) > 2000 else "")
            )
        elif self.has_json:
            text = json.dumps(self.json, ensure_ascii=True)
            lines.append(f"body (JSON): {text[:3000]}" + (" …" if len(text) > 3000 else ""))
            if isinstance(self.json, dict) and isinstance(self.json.get("query"), str):
                lines.append("query, as GraphQL:\n" + _indent(self.json["query"][:3000]))
        return "\n".join(lines)


def _redact(name: str, value: str) -> str:
    return (
        value[:20] + "…"
        if name.lower() == "authorization" and value.startswith("Bearer kpi_") and len(value) > 60
        else value
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _strings(value) -> str:
    """Every string inside a JSON value (keys too), plainly, one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_strings(k) + "\n" + _strings(v) for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return ""


def undo_import(engine, batch: str | None) -> None:
    """Remove what one import added (observations and their batch) and move the data version
    on, so that fuzz examples do not see each other's data and caches do not serve it."""
    if not batch:
        return
    import sqlalchemy as sa

    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM observations WHERE batch_id = :b"), {"b": batch})
        c.execute(sa.text("DELETE FROM import_batches WHERE id = :b"), {"b": batch})
        c.execute(sa.text("UPDATE data_version SET version = version + 1"))


# ── the client ───────────────────────────────────────────────────────────────────────
class _LogCapture(logging.Handler):
    """Errors the service logs while answering (its own record of an unexpected failure)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Answer:
    status: int
    headers: httpx.Headers
    text: str
    seconds: float
    logged: list[str]  # "Type: message (at file:line)" of errors the service logged or raised


class AsgiClient:
    """Calls the ASGI app in-process over httpx, synchronously (for hypothesis tests)."""

    def __init__(self, app) -> None:
        # Its own loop on its own thread: the browser tests' Playwright may keep a loop
        # running on the main thread, where run_until_complete would refuse.
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.raised: list[BaseException] = []

        async def watched(scope, receive, send):
            try:
                await app(scope, receive, send)
            except BaseException as exc:  # a 500 from starlette; keep why, for the report
                self.raised.append(exc)
                raise

        transport = httpx.ASGITransport(app=watched, raise_app_exceptions=False)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://fuzz.test", timeout=60)
        self.capture = _LogCapture()
        logging.getLogger().addHandler(self.capture)

    def send(self, request: Request) -> Answer:
        self.capture.records.clear()
        self.raised.clear()
        # Header values as bytes: HTTP allows Latin-1 (obs-text) there, httpx's str headers only ASCII.
        headers = {
            k: v.encode("latin-1", "replace") if isinstance(v, str) else v for k, v in request.headers.items()
        }
        kwargs: dict = {"params": request.params, "headers": headers}
        if request.content is not None:
            kwargs["content"] = request.content
        elif request.has_json and request.method != "GET":
            try:
                kwargs["content"] = json.dumps(request.json, allow_nan=False).encode()
            except (
                ValueError
            ):  # a NaN/Infinity float is not JSON: send it as written, the service must refuse it
                kwargs["content"] = json.dumps(request.json, allow_nan=True).encode()
            kwargs.setdefault("headers", {})["content-type"] = "application/json"
        started = time.perf_counter()
        response = self._run(self.client.request(request.method, request.path, **kwargs))
        seconds = time.perf_counter() - started
        logged = [
            _exception_summary(r.exc_info[1]) if r.exc_info else r.getMessage()[:300]
            for r in self.capture.records
        ]
        logged += [_exception_summary(e) for e in self.raised]
        return Answer(response.status_code, response.headers, response.text, seconds, logged)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.capture)
        self._run(self.client.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()


def _exception_summary(exc: BaseException | None) -> str:
    if exc is None:
        return "?"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "kpi_" in f.filename]
    where = (
        f" (at {frames[-1].filename.rsplit('/', 2)[-2:][-1]}:{frames[-1].lineno} in {frames[-1].name})"
        if frames
        else ""
    )
    return f"{type(exc).__name__}: {str(exc)[:300]}{where}"


# ── checks ───────────────────────────────────────────────────────────────────────────
MAX_ANSWER_BYTES = 1_000_000  # no answer to one small request should be bigger (amplification)


def check_common(
    request: Request, answer: Answer, *, graphql: bool = True, json_body: bool = True
) -> tuple[object, list[str]]:
    """What every answer must satisfy. Returns the parsed body and the problems found."""
    problems: list[str] = []
    if answer.status >= 500:
        problems.append(f"server error: HTTP {answer.status}")
    if len(answer.text) > MAX_ANSWER_BYTES:
        problems.append(f"an answer over {MAX_ANSWER_BYTES:,} characters")
    echo = request.echo()
    for marker in LEAK_MARKERS:
        if marker in answer.text and marker not in echo:
            problems.append(f"leaks internals: the answer contains {marker!r}")
    if not json_body or (answer.status == 204 and not answer.text):
        return None, problems  # 204 No Content (a CORS preflight) has no body, by definition
    try:
        body = json.loads(answer.text)
    except ValueError:
        if answer.status < 500:  # a server error is reported as such already
            problems.append("the body is not JSON")  # the content type is in the reproduction
        return None, problems
    if graphql:
        if not isinstance(body, dict):
            problems.append("the body is not a JSON object")
            return body, problems
        if "errors" in body:
            errors = body["errors"]
            if not isinstance(errors, list) or not errors:
                problems.append("`errors` is not a non-empty list")
            else:
                for error in errors:
                    code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
                    if not code:
                        problems.append("an error without extensions.code")
                    elif code == "INTERNAL_SERVER_ERROR":
                        where = ".".join(str(p) for p in error.get("path") or [] if isinstance(p, str)) or "-"
                        problems.append(f"INTERNAL_SERVER_ERROR (an unexpected exception) at {where}")
    return body, problems


def codes(body) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    return sorted(
        {str((e.get("extensions") or {}).get("code")) for e in body["errors"] if isinstance(e, dict)}
    )


def outcome(answer: Answer, body) -> str:
    """A short label for counting: status, data, error codes."""
    parts = [str(answer.status)]
    if isinstance(body, dict):
        if "data" in body:
            parts.append("data" if body["data"] is not None else "data=null")
        if body.get("errors"):
            parts.append("errors[" + ",".join(codes(body)) + "]")
    elif body is None:
        parts.append("non-JSON")
    return " ".join(parts)


# ── the tally ────────────────────────────────────────────────────────────────────────
@dataclass
class Defect:
    signature: str
    request: Request
    answer: Answer
    problems: list[str]
    count: int = 1

    def describe(self) -> str:
        text = self.answer.text
        lines = [
            f"■ {self.signature}  (seen {self.count}×; shortest reproduction below)",
            "  problems: " + "; ".join(dict.fromkeys(self.problems)),
            "  request:",
            _indent(_indent(self.request.describe())),
            f"  response: HTTP {self.answer.status} {self.answer.headers.get('content-type', '')} ({len(text):,} characters)",
            _indent(_indent(text[:2000] + (" …" if len(text) > 2000 else ""))),
        ]
        if self.answer.logged:
            lines.append("  the service logged/raised: " + " | ".join(dict.fromkeys(self.answer.logged)))
        return "\n".join(lines)


@dataclass
class Reported:
    """A defect found by another tool (schemathesis), with its own reproduction text."""

    signature: str
    reproduction: str
    count: int = 1

    def describe(self) -> str:
        return f"■ {self.signature}  (seen {self.count}×; shortest reproduction below)\n{self.reproduction}"


@dataclass
class Bucket:
    outcomes: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    examples: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    defects: dict[str, Defect | Reported] = field(default_factory=dict)


class Tally:
    def __init__(self) -> None:
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, name: str) -> Bucket:
        return self.buckets.setdefault(name, Bucket())

    def record(self, name: str, request: Request, answer: Answer, body, problems: list[str]) -> None:
        bucket = self.bucket(name)
        bucket.examples += 1
        bucket.kinds[request.kind] += 1
        bucket.slowest = max(bucket.slowest, answer.seconds)
        bucket.outcomes[outcome(answer, body) + (" ✗" if problems else "")] += 1
        for problem in dict.fromkeys(problems):
            detail = ""
            if problem.startswith(("INTERNAL_SERVER_ERROR", "server error")) and answer.logged:
                detail = " ← " + answer.logged[0].split(":")[0] + _where(answer.logged[0])
            signature = f"[{name}/{request.kind}] {problem}{detail}"
            known = bucket.defects.get(signature)
            if known is None:
                bucket.defects[signature] = Defect(signature, request, answer, problems)
            else:
                known.count += 1
                if request.size() < known.request.size():
                    known.request, known.answer, known.problems = request, answer, problems

    def failure_message(self, name: str) -> str:
        bucket = self.bucket(name)
        return (
            f"{len(bucket.defects)} distinct defect(s) in {bucket.examples} {name} examples:\n\n"
            + "\n\n".join(d.describe() for d in bucket.defects.values())
        )

    def summary(self, only: str | None = None) -> list[str]:
        lines = []
        for name, b in self.buckets.items():
            if only is not None and name != only:
                continue
            rate = b.examples / b.seconds if b.seconds else 0.0
            lines.append(
                f"{name}: {b.examples} examples in {b.seconds:.1f} s ({rate:.0f}/s, slowest answer {b.slowest * 1000:.0f} ms), "
                f"{len(b.defects)} distinct defect(s), {sum(d.count for d in b.defects.values())} defective answer(s)"
            )
            lines.append("    by kind:    " + ", ".join(f"{k} {n}" for k, n in sorted(b.kinds.items())))
            lines.append("    by outcome: " + ", ".join(f"{k} ×{n}" for k, n in b.outcomes.most_common()))
            for d in b.defects.values():
                lines.append(f"    DEFECT {d.signature} ×{d.count}")
        return lines

    def as_json(self) -> dict:
        return {
            name: {
                "examples": b.examples,
                "seconds": round(b.seconds, 2),
                "kinds": dict(b.kinds),
                "outcomes": dict(b.outcomes),
                "defects": {
                    s: {"count": d.count, "reproduction": d.describe()} for s, d in b.defects.items()
                },
            }
            for name, b in self.buckets.items()
        }


def _where(logged: str) -> str:
    return logged[logged.rfind(" (at ") :] if " (at " in logged else ""


TALLY = Tally()
