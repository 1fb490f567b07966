"""Fuzz the REST and figure routes from their OpenAPI document (schemathesis), in-process
over ASGI: valid (positive) and invalid (negative) requests for every operation in
/openapi.json, with all of schemathesis' default checks (not_a_server_error, status codes,
content types, headers and bodies as documented, negative data rejected, positive data
accepted, …) and ours: no internals in any answer, and 4xx answers as problem documents.

FUZZ_EXAMPLES (default 150) examples per generation mode, spread over the operations.
Cases come from schemathesis' hypothesis strategies under a plain `@given` (its pytest
loader `from_fixture` does not work with pytest 9: it sets a private node attribute)."""

import json
import time
import traceback
from urllib.parse import unquote, unquote_plus

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from kpi_api.web import parameters
from kpi_api.web.openapi import document
from kpi_core import shipped_strategies
from tests.fuzz._support import EXAMPLES, LEAK_MARKERS, TALLY, Reported, fuzz_settings

OPERATIONS = [op["operationId"] for methods in document()["paths"].values() for op in methods.values()]
_PARAMETERS = {
    op["operationId"]: op.get("parameters", [])
    for methods in document()["paths"].values()
    for op in methods.values()
}
PER_OPERATION = max(1, EXAMPLES // len(OPERATIONS))


# Half the cases name things that exist (else nearly every answer is a 404), half are schemathesis' own.
_revisions = [(s.id, r.version) for s in shipped_strategies() for r in s.revisions]
_indicators = sorted({i.id for s in shipped_strategies() for r in s.revisions for i in r.indicators})
_areas = ["151", "DK", "1084", "101", "860"]
KNOWN_PATHS = {
    "listStrategies": [{}],
    "getStrategy": [{"strategy": s} for s, _ in _revisions],
    "getRevision": [{"strategy": s, "version": v} for s, v in _revisions],
    "getStatus": [{"area": a} for a in _areas],
    "getFigure": [
        {"indicator": i, "file": f"{a}.{fmt}"}
        for i in _indicators
        for a in _areas
        for fmt in ("svg", "html", "csv", "json", "txt", "png", "xlsx")
    ],
    "getFigureShare": [{"indicator": i, "area": a} for i in _indicators for a in _areas],
    "listStatusChanges": [{}],  # query parameters only
}


# Period-shaped values for a figure's `from`/`to` (schemathesis' own strings are rarely periods).
PERIODS = [
    "2022",
    "2021",
    "2022Q3",
    "2022-09",
    "0000",
    "0001",
    "0999",
    "0100-01",
    "0999Q4",
    "9999",
    "9999-12",
    "2022-13",
    "2022Q5",
    "٢٠٢٢",
]
# Schema-valid requests carry only periods the document describes; the others must be refused
# (test_a_period_the_document_does_not_describe_is_refused).
VALID_PERIODS = [p for p in PERIODS if parameters.matches(parameters.PERIOD, p)]
INVALID_PERIODS = [p for p in PERIODS if p not in VALID_PERIODS]


def cases(operation, operation_id: str, mode):
    known = st.sampled_from(KNOWN_PATHS[operation_id])
    branches = [
        operation.as_strategy(generation_mode=mode),
        known.flatmap(lambda path: operation.as_strategy(generation_mode=mode, path_parameters=path or None)),
    ]
    if operation_id == "getFigure" and mode is GenerationMode.POSITIVE:
        periods = st.fixed_dictionaries(
            {},
            optional={"from": st.sampled_from(VALID_PERIODS), "to": st.sampled_from(VALID_PERIODS)},
        )
        branches.append(
            st.tuples(known, periods).flatmap(
                lambda pq: operation.as_strategy(
                    generation_mode=mode, path_parameters=pq[0], query=pq[1] or None
                )
            )
        )
    return st.one_of(*branches)


@pytest.fixture(scope="module")
def openapi_schema(fuzz_service):
    return schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(fuzz_service[0]))


def _without_lifespan(app):
    """The app, minus its lifespan: schemathesis' pytest plugin ends an ASGI app's lifespan after each
    test (which closes the app's database), but this app is shared by the module's tests and the
    fixture owns it. Refusing the lifespan scope at once is how an app says it has none."""

    async def serve(scope, receive, send):
        if scope["type"] == "lifespan":
            raise RuntimeError("no lifespan: the fixture owns the app")
        await app(scope, receive, send)

    return serve


def _sent(case, response) -> str:
    """Everything the case sent, as text, for telling an echo from a leak."""
    parts = [
        json.dumps(part or {}, ensure_ascii=False, default=str)
        for part in (case.path_parameters, case.query, dict(case.headers or {}), case.cookies)
    ]
    url = getattr(response.request, "url", None)
    if url:
        parts += [str(url), unquote(str(url)), unquote_plus(str(url))]
    return "\n".join(parts)


def no_internals(ctx, response, case):
    """No traceback, source path, SQL or driver name in an answer, unless the request sent it."""
    text = response.content.decode("utf-8", "replace")
    sent = _sent(case, response)
    leaked = [m for m in LEAK_MARKERS if m in text and m not in sent]
    if leaked:
        raise AssertionError(f"the answer leaks internals: {', '.join(map(repr, leaked))}")


def errors_are_problem_documents(ctx, response, case):
    """A refusal (4xx) is an RFC 9457 problem document: JSON with title, status and detail."""
    if not 400 <= response.status_code < 500:
        return
    content_type = response.headers.get("content-type") or [""]
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not content_type.startswith(("application/problem+json", "application/json")) or not (
        isinstance(body, dict) and {"title", "status", "detail"} <= body.keys()
    ):
        raise AssertionError(
            f"HTTP {response.status_code} ({content_type!r}) is not a problem document: {response.content[:200]!r}"
        )


# Valid requests for every operation; invalid ones only where there is a parameter to break.
_RUNS = [(o, GenerationMode.POSITIVE) for o in OPERATIONS] + [
    (o, GenerationMode.NEGATIVE) for o in OPERATIONS if _PARAMETERS[o]
]


@pytest.mark.parametrize(
    ("operation_id", "mode"),
    _RUNS,
    ids=[f"{o}-{'valid' if m is GenerationMode.POSITIVE else 'invalid'}" for o, m in _RUNS],
)
def test_openapi_operation(openapi_schema, operation_id, mode):
    operation = openapi_schema.find_operation_by_id(operation_id)
    bucket_name = "openapi-" + ("valid" if mode is GenerationMode.POSITIVE else "invalid")
    bucket = TALLY.bucket(bucket_name)
    found: dict[str, Reported] = {}

    @fuzz_settings(PER_OPERATION)
    @given(cases(operation, operation_id, mode))
    def run(case):
        started = time.perf_counter()
        try:
            response = case.call()
        except Exception as exc:  # in-process, the app's exception reaches us instead of its 500
            _keep_crash(
                found,
                f"[{bucket_name}/{case.method.upper()} {case.path}] server error (HTTP 500): {type(exc).__name__}",
                case,
                exc,
            )
            bucket.examples += 1
            bucket.kinds[f"{case.method.upper()} {case.path}"] += 1
            bucket.outcomes["500 ✗"] += 1
            return
        seconds = time.perf_counter() - started
        label = f"{response.status_code}"
        try:
            # Every check, positive_data_acceptance too: the document states what is accepted
            # (kpi_api/web/parameters.py), and a 404 for an unknown area or indicator is allowed.
            case.validate_response(response, additional_checks=[no_internals, errors_are_problem_documents])
        except (
            Exception,
            BaseExceptionGroup,
        ) as failure:  # a FailureGroup or one Failure: keep each kind, shortest case
            label += " ✗"
            for single in getattr(failure, "exceptions", None) or [failure]:
                _keep(
                    found,
                    f"[{bucket_name}/{case.method.upper()} {case.path}] {getattr(single, 'title', None) or type(single).__name__}",
                    case,
                    response,
                    single,
                )
        bucket.examples += 1
        bucket.kinds[f"{case.method.upper()} {case.path}"] += 1
        bucket.outcomes[label] += 1
        bucket.seconds += seconds
        bucket.slowest = max(bucket.slowest, seconds)

    run()
    bucket.defects.update(found)
    assert not found, (
        f"{len(found)} distinct defect(s) in {operation_id} ({mode.name.lower()}):\n\n"
        + "\n\n".join(d.describe() for d in found.values())
    )


def _keep_crash(found: dict, signature: str, case, exc: Exception) -> None:
    curl = case.as_curl_command()
    known = found.get(signature)
    if known is not None:
        known.count += 1
        if len(curl) >= len(known.reproduction.split("\n", 1)[0].strip()):
            return
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "kpi_" in f.filename]
    where = (
        f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name}"
        if frames
        else ""
    )
    reproduction = f"    {curl}\n    the app raised {type(exc).__name__}: {str(exc)[:300]}{where} (a client gets HTTP 500)"
    found[signature] = Reported(signature, reproduction, known.count if known else 1)


def _keep(found: dict, signature: str, case, response, failure) -> None:
    """Count a failure; keep the shortest request that shows it."""
    curl = case.as_curl_command()
    known = found.get(signature)
    if known is not None:
        known.count += 1
        if len(curl) >= len(known.reproduction.split("\n", 1)[0].strip()):
            return
    message = (getattr(failure, "message", None) or str(failure)).strip()
    content_type = response.headers.get("content-type")
    reproduction = "\n".join(
        [
            f"    {curl}",
            "    " + message[:600].replace("\n", "\n    "),
            f"    response: HTTP {response.status_code} {content_type}: {response.content[:500]!r}",
        ]
    )
    found[signature] = Reported(signature, reproduction, known.count if known else 1)


# ── fixed edge cases, checked on every run (some found by the fuzzers above) ───────────────
REST_EDGE_CASES = [
    ("GET", "/figures/2.2/151.csv?from=0999"),  # a 4-digit year below 1000
    ("GET", "/figures/2.2/151.svg?to=0001"),
    ("GET", "/figures/2.1/151.json?from=0100-01"),
    ("GET", "/figures/2.2/151.svg?from="),
    ("GET", "/figures/2.2/151.svg?asOf=0001-01-01"),
    ("GET", "/figures/2.2/151.svg?asOf=9999-12-31"),
    ("GET", "/api/status/151?asOf=9999-12-31"),
    ("GET", "/api/status/151?asOf=0001-01-01"),
    ("GET", "/api/strategies/%00"),
    ("GET", "/api/status/%00"),
    ("PUT", "/api/strategies"),
    ("DELETE", "/api/strategies/ballerup-beskaeftigelsesstrategi"),
    ("POST", "/figures/2.2/151.svg"),
]


@pytest.mark.parametrize(("method", "path"), REST_EDGE_CASES)
def test_rest_edge_cases(fuzz_client, method, path):
    """Never a server error or internals; a refusal is a problem document (RFC 9457, JSON)."""
    from tests.fuzz._support import Request, check_common

    request = Request("REST edge case", method=method, path=path, has_json=False)
    answer = fuzz_client.send(request)
    _, problems = check_common(request, answer, graphql=False, json_body=False)
    if 400 <= answer.status < 500:
        try:
            body = json.loads(answer.text)
        except ValueError:
            body = None
        if not (isinstance(body, dict) and {"title", "status", "detail"} <= body.keys()):
            problems.append(
                f"HTTP {answer.status} is not a problem document ({answer.headers.get('content-type')})"
            )
    assert not problems, (
        f"{problems}\n{method} {path} → HTTP {answer.status}: {answer.text[:300]}\nlogged: {answer.logged}"
    )


@pytest.mark.parametrize("period", INVALID_PERIODS)
def test_a_period_the_document_does_not_describe_is_refused(fuzz_client, period):
    from tests.fuzz._support import Request

    for name in ("from", "to"):
        answer = fuzz_client.send(
            Request(
                "period", method="GET", path="/figures/2.2/151.svg", params={name: period}, has_json=False
            )
        )
        assert answer.status == 400 and json.loads(answer.text)["title"] == "Bad request", answer.text
