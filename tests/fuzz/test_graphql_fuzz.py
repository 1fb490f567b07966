"""Fuzz /graphql from outside: queries generated from the real schema (hypothesis-graphql),
valid and deliberately invalid, sent over HTTP to the in-process app.

Every answer, whatever was sent: HTTP status < 500, a JSON object, no internals (no
traceback, source path, SQL or driver name), every error with an `extensions.code`, and
none of them INTERNAL_SERVER_ERROR (that is an unexpected exception, masked).
Valid operations: HTTP 200 and a `data` key; errors only with the codes a valid query can
meet (no such strategy/area, a bad period, a limit). Invalid ones: an `errors` list.

FUZZ_EXAMPLES (default 150) examples per test; writes and malformed requests get a third
of that. The counts are in the terminal summary ("fuzz outcomes").
"""

import datetime
import json
import math
import re
import time
from importlib import resources
from pathlib import Path

import graphql
import hypothesis_graphql as hg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from kpi_api.graphql.schema import schema
from kpi_api.storage import tokens
from kpi_core import shipped_areas, shipped_strategies
from tests.fuzz._support import EXAMPLES, TALLY, Request, check_common, fuzz_settings, undo_import

SDL = str(schema)
GRAPHQL_SCHEMA = graphql.build_schema(SDL)
STRATEGY = "ballerup-beskaeftigelsesstrategi"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# ── values: the catalogue's own (so resolvers go deep) and odd ones ──────────────────────
_strategies = shipped_strategies()
_areas = list(shipped_areas().of_kind(None))
IDS = sorted(
    {s.id for s in _strategies} | {i.id for s in _strategies for r in s.revisions for i in r.indicators}
)
STRINGS = sorted(
    {r.version for s in _strategies for r in s.revisions}
    | {a.code for a in _areas[:3] + _areas[-8:]}
    | {"151", "DK", "1084", "1081", "1085", "101", "147"}
    | {"2010", "2021", "2022", "2025", "2021-09", "2022-09", "2025-12", "2022Q3", "2022q1", "2030"}
    | {
        "age",
        "gender",
        "origin",
        "target_group",
        "company_location",
        "16-24",
        "25-29",
        "non_western",
        "danish+western",
        "dagpenge",
        "M",
        "K",
        "DA",
        "EN",
        "da",
        "en",
    }
)
KNOWN = sorted(set(IDS) | set(STRINGS))
ODD = [
    "",
    " ",
    "\x00",
    "151\x00",
    "\x00DK",
    "\t151",
    "151\n",
    " 2022",
    "2022 ",
    "2022\n",
    "²",
    "٢٠٢٢",
    "٢٠٢٢-٠٩",
    "１５１",
    "２０２２",
    "Ⅻ",
    "ǅ",
    "ß",
    "İ",
    "🇩🇰",
    "\u202e151",
    "\u200b151",
    "151\u0301",
    "\ufeff151",
    "\uffff",
    "\U0010ffff",
    "\U0001f4a9" * 50,
    "2022-13",
    "2022-00",
    "2022-9",
    "2022Q0",
    "2022Q5",
    "2022Q",
    "0000",
    "0000-01",
    "0001",
    "0999",
    "0100-01",
    "0999Q4",
    "9999-12",
    "9999Q4",
    "99999",
    "2022-09-01",
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 40,
    "0." + "0" * 40 + "1",
    "' OR '1'='1",
    "1; DROP TABLE observations; --",
    "%",
    "_",
    "%_%",
    "\\",
    '"',
    "{{7*7}}",
    "${7*7}",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "..",
    "null",
    "undefined",
    "[]",
    "{}",
    "a" * 5000,
]
_odd_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
TEXT = st.one_of(st.sampled_from(KNOWN), st.sampled_from(KNOWN), st.sampled_from(ODD), _odd_text)
# ID arguments name strategies and indicators; String ones areas, periods, versions, breakdown cells.
_STRATEGY_IDS = st.sampled_from([s.id for s in _strategies])
_ID_TEXT = st.one_of(
    _STRATEGY_IDS, _STRATEGY_IDS, st.sampled_from(IDS), st.sampled_from(IDS), st.sampled_from(ODD), _odd_text
)
_STRING_TEXT = st.one_of(st.sampled_from(STRINGS), st.sampled_from(STRINGS), st.sampled_from(ODD), _odd_text)
DATES = st.one_of(
    st.dates(),
    st.sampled_from(
        [
            datetime.date.min,
            datetime.date.max,
            datetime.date(1970, 1, 1),
            datetime.date(2022, 11, 9),
            datetime.date(2023, 1, 10),
            datetime.date(2020, 2, 29),
            datetime.date.today(),
        ]
    ),
)
SCALARS = {
    "String": _STRING_TEXT.map(nodes.String),
    "ID": st.one_of(
        _ID_TEXT.map(nodes.String),
        _ID_TEXT.map(nodes.String),
        _ID_TEXT.map(nodes.String),
        st.integers().map(nodes.Int),
    ),
    "Date": DATES.map(lambda d: nodes.String(d.isoformat())),
}

# Codes a valid operation may still meet (a value the service does not know, a limit).
VALID_CODES = {
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "DEPTH_LIMIT_EXCEEDED",
    "ALIAS_LIMIT_EXCEEDED",
    "TOKEN_LIMIT_EXCEEDED",
    "COST_LIMIT_EXCEEDED",
    "SELECTION_LIMIT_EXCEEDED",
}


def _post(kind: str, query: str, variables: dict | None = None, headers: dict | None = None) -> Request:
    body = {"query": query} if variables is None else {"query": query, "variables": variables}
    return Request(kind, json=body, headers=headers or {})


def _get(kind: str, query: str) -> Request:
    return Request(kind, method="GET", params={"query": query}, has_json=False)


# ── valid operations ───────────────────────────────────────────────────────────────────
# Query fields that need a token of a scope (the write fuzz sends them with one): anonymous
# valid queries are generated over the others.
TOKEN_FIELDS = {"importBatches"}
PUBLIC_FIELDS = [name for name in GRAPHQL_SCHEMA.query_type.fields if name not in TOKEN_FIELDS]
VALID_QUERIES = hg.queries(SDL, fields=PUBLIC_FIELDS, custom_scalars=SCALARS, allow_x00=True)
INTROSPECTION = st.one_of(
    st.just("{ __schema { queryType { name } types { name kind } } }"),
    TEXT.map(lambda name: f"{{ __type(name: {json.dumps(name)}) {{ name kind fields {{ name }} }} }}"),
    st.just("{ __typename }"),
)


RAW_IN_STRING = [
    '{ strategy(id: "%s") { id } }',
    '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "%s") { version } } }',
    '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "2.1") { status(area: "%s") { status } } } } }',
    '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "2.1") { series(area: "151", from: "%s") { cell } } } } }',
]


@st.composite
def raw_in_string(draw) -> Request:
    """Raw control characters (a null byte …) inside a string literal: valid GraphQL."""
    value = draw(st.sampled_from(KNOWN))
    at = draw(st.integers(0, len(value)))
    value = (
        value[:at]
        + draw(
            st.text(
                st.sampled_from([chr(c) for c in range(0x20) if chr(c) not in "\n\r"]), min_size=1, max_size=3
            )
        )
        + value[at:]
    )
    return _post(
        "raw control character in a string",
        draw(st.sampled_from(RAW_IN_STRING)) % value.replace("\\", "").replace('"', ""),
    )


# Half the generated queries ask for one root field only: an unknown id in a non-null root field
# (revisionDiff, statusTable) nulls the whole `data`, hiding what the other fields would have done.
ONE_ROOT_FIELD = st.sampled_from(
    [hg.queries(SDL, fields=[name], custom_scalars=SCALARS, allow_x00=True) for name in PUBLIC_FIELDS]
).flatmap(lambda queries: queries)


@st.composite
def valid_requests(draw) -> Request:
    choice = draw(st.integers(0, 19))
    if choice == 0:
        return _post("introspection", draw(INTROSPECTION))
    if choice == 1:
        return draw(raw_in_string())
    query = draw(VALID_QUERIES if choice % 2 else ONE_ROOT_FIELD)
    return _get("query via GET", query) if choice <= 4 else _post("query", query)


def _check_valid(request: Request, answer, body, problems: list[str]) -> None:
    if answer.status != 200:
        problems.append(f"a valid operation answered HTTP {answer.status}")
    if isinstance(body, dict):
        refused_by_a_limit = bool(body.get("errors")) and all(
            isinstance(e, dict) and str((e.get("extensions") or {}).get("code")).endswith("_LIMIT_EXCEEDED")
            for e in body["errors"]
        )
        # A limit refuses before anything runs: a request error, which has no `data` entry
        # (the GraphQL spec; since issue 17, graphql/over_http.py). Anything else keeps it.
        if "data" not in body and not refused_by_a_limit:
            problems.append("a valid operation answered without a `data` key")
        unexpected = (
            {
                str((e.get("extensions") or {}).get("code"))
                for e in body.get("errors") or []
                if isinstance(e, dict)
            }
            - VALID_CODES
            - {"INTERNAL_SERVER_ERROR", "None"}
        )
        if unexpected:
            problems.append(f"a valid operation refused with {', '.join(sorted(unexpected))}")


def _run(client, bucket: str, request: Request, expect) -> None:
    started = time.perf_counter()
    answer = client.send(request)
    body, problems = check_common(request, answer)
    expect(request, answer, body, problems)
    TALLY.record(bucket, request, answer, body, problems)
    TALLY.bucket(bucket).seconds += time.perf_counter() - started
    return body


def _finish(bucket: str) -> None:
    print("\n" + "\n".join(TALLY.summary(bucket)))
    assert not TALLY.bucket(bucket).defects, TALLY.failure_message(bucket)


def test_valid_queries_are_answered(fuzz_client):
    @fuzz_settings()
    @given(valid_requests())
    def run(request):
        _run(fuzz_client, "graphql-valid", request, _check_valid)

    run()
    _finish("graphql-valid")


# ── valid writes, with a token of the right scope ──────────────────────────────────────
CSV_COLUMNS = [
    "indicator",
    "area",
    "period",
    "value",
    "unit",
    "numerator",
    "denominator",
    "published",
    "source",
    "flag",
    "age",
    "gender",
    "origin",
    "target_group",
    "company_location",
]
CELLS = {
    "indicator": st.sampled_from(
        sorted({i.id for s in _strategies for r in s.revisions for i in r.indicators})
    ),
    "area": st.sampled_from(["151", "DK", "1084", "101", "Ballerup", "0151", "١٥١"]),
    "period": st.sampled_from(
        ["2022", "2022Q3", "2022-09", "2022-13", "0000", "9999-12", "99999", "2022q3", "٢٠٢٢"]
    ),
    "value": st.sampled_from(
        [
            "30.5",
            "30,5",
            "",
            "..",
            "-",
            "0",
            "-0",
            "100",
            "100.0000001",
            "1e5",
            "1E+999999999",
            "-1e-999999999",
            "NaN",
            "sNaN",
            "Infinity",
            "1_000",
            "1.000,5",
            "１２",
            "٣",
            "²",
            "9" * 60,
            "0." + "0" * 60 + "1",
        ]
    )
    | st.decimals(allow_nan=False, allow_infinity=False).map(str),
    "unit": st.sampled_from(["percent", "%", "pct", "count", "antal", "kr", ""]),
    "numerator": st.sampled_from(["", "10", "-1", "1e400", "x"]),
    "denominator": st.sampled_from(["", "100", "0", "-0", "x"]),
    "published": st.sampled_from(
        ["", "2023-01-10", "2023-02-30", "0001-01-01", "9999-12-31", "20230110", "2023-W01-1"]
    ),
    "source": st.sampled_from(
        ["", "SYNTETISK", "Danmarks Statistik, AUL01", "a\x00b", "s" * 501, "ÆØÅ æøå", "\u202e", "'; --"]
    )
    | _odd_text,
    "flag": st.sampled_from(
        ["", "provisional", "foreløbig", "suppressed", "diskretioneret", "provisional|suppressed", "x"]
    ),
    "age": st.sampled_from(["", "16-24", "25-29", "x"]),
    "gender": st.sampled_from(["", "M", "K", "x"]),
    "origin": st.sampled_from(
        ["", "danish", "western", "non_western", "danish+western", "western+danish", "x"]
    ),
    "target_group": st.sampled_from(["", "dagpenge", "x"]),
    "company_location": st.sampled_from(["", "ballerup", "x"]),
}


@st.composite
def csv_texts(draw) -> str:
    required, optional = CSV_COLUMNS[:4], CSV_COLUMNS[4:]
    columns = draw(st.permutations(required)) if draw(st.booleans()) else required
    columns = columns + draw(st.lists(st.sampled_from(optional), max_size=4, unique=True))
    if draw(st.integers(0, 9)) == 0:
        columns = draw(st.lists(st.sampled_from(CSV_COLUMNS) | _odd_text, max_size=6))
    sep, newline = draw(st.sampled_from([",", ";", "\t"])), draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = [sep.join(columns)]
    for _ in range(draw(st.integers(0, 8))):
        cells = [
            draw(CELLS.get(c, _odd_text) | _odd_text)
            if draw(st.integers(0, 19)) == 0
            else draw(CELLS.get(c, _odd_text))
            for c in columns
        ]
        if draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))] + draw(st.lists(_odd_text, max_size=2))
        rows.append(sep.join(cells))
    text = newline.join(rows) + draw(st.sampled_from(["", newline]))
    return draw(st.sampled_from(["", "\ufeff"])) + text


def _json_paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _json_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_paths(v, (*prefix, i))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_odd_text, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_json(draw, fixture: str) -> str:
    """A real answer of the source's API with one value replaced or one key dropped."""
    document = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    paths = [p for p in _json_paths(document) if p]
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(paths))
        parent = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            pass
    return json.dumps(document, ensure_ascii=False)


_catalogue_files = sorted(
    (resources.files("kpi_core") / "data" / "catalogue").iterdir(), key=lambda p: p.name
)
CATALOGUES = [p.read_text(encoding="utf-8") for p in _catalogue_files if p.name.endswith(".toml")]


@st.composite
def mutated_toml(draw) -> str:
    """A shipped catalogue file, sometimes as a new version, with a few lines broken."""
    lines = draw(st.sampled_from(CATALOGUES)).splitlines()
    if draw(st.booleans()):
        version = draw(st.sampled_from(["2099", "2022", "", "x" * 41, "2022\\u0000", "٢٠٩٩"]))
        lines = [f'version = "{version}"' if line.startswith("version =") else line for line in lines]
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2 and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            value = (
                draw(
                    st.sampled_from(
                        [
                            '""',
                            "1",
                            "-1",
                            "1e999",
                            "true",
                            "[]",
                            "{}",
                            "2022-02-30",
                            '"x"',
                            '"\\u0000"',
                            "{ da = 1, en = 2 }",
                            '"' + "y" * 3000 + '"',
                        ]
                    )
                )
                if draw(st.booleans())
                else json.dumps(draw(_odd_text))
            )
            lines[i] = f"{key}= {value}"
        else:
            lines = lines[:i]
    if len(lines) == 0 or draw(st.integers(0, 9)) == 0:
        return draw(_odd_text)
    return "\n".join(lines)


IMPORT = """mutation($csv: String!, $format: ImportFormat, $dry: Boolean) {
  importObservations(csv: $csv, format: $format, dryRun: $dry) {
    format rows added unchanged rejected dryRun batch message problems { location column message } } }"""
PUBLISH = """mutation($text: String!, $dry: Boolean) {
  publishRevision(catalogue: $text, dryRun: $dry) { strategyId version published dryRun problems } }"""


@st.composite
def write_requests(draw, made: dict) -> Request:
    importer = {"Authorization": f"Bearer {made[tokens.Scope.IMPORT]}"}
    publisher = {"Authorization": f"Bearer {made[tokens.Scope.PUBLISH]}"}
    choice = draw(st.integers(0, 9))
    if choice <= 4:
        return _post(
            "import CSV",
            IMPORT,
            {
                "csv": draw(csv_texts()),
                "format": draw(st.sampled_from([None, "CSV"])),
                "dry": draw(st.sampled_from([True, False, None])),
            },
            importer,
        )
    if choice <= 6:
        fmt, fixture = draw(
            st.sampled_from(
                [("JSONSTAT", "statbank_aul01.jsonstat.json"), ("JOBINDSATS", "jobindsats_y01a02.json")]
            )
        )
        text = draw(mutated_json(fixture)) if draw(st.integers(0, 4)) else json.dumps(draw(JSON_VALUES))
        return _post(
            f"import {fmt}", IMPORT, {"csv": text, "format": fmt, "dry": draw(st.booleans())}, importer
        )
    if choice <= 8:
        return _post(
            "publish", PUBLISH, {"text": draw(mutated_toml()), "dry": draw(st.integers(0, 4)) > 0}, publisher
        )
    # A generated mutation (random arguments) of one field, with that field's token; or a
    # generated query of a field that needs the import token.
    field = draw(
        st.sampled_from(
            ["importObservations", "publishRevision", "retractBatch", "importBatches", *COMMENTING]
        )
    )
    if field == "importBatches":
        return _post(
            "generated query", draw(hg.queries(SDL, fields=[field], custom_scalars=SCALARS)), None, importer
        )
    query = draw(hg.mutations(SDL, fields=[field], custom_scalars=SCALARS))
    commenter = {"Authorization": f"Bearer {made[tokens.Scope.COMMENT]}"}
    token = publisher if field == "publishRevision" else commenter if field in COMMENTING else importer
    return _post("generated mutation", query, None, token)


COMMENTING = ["addCommentary", "addGoalCommentary", "editCommentary", "withdrawCommentary"]


def _check_write(request: Request, answer, body, problems: list[str]) -> None:
    _check_valid(request, answer, body, problems)
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        for name, value in body["data"].items():
            if value is None and not body.get("errors"):
                problems.append(f"a write answered {name}: null without an error")


def test_valid_writes_are_answered(fuzz_client, write_tokens, fuzz_service):
    @fuzz_settings(max(1, EXAMPLES // 3))
    @given(write_requests(write_tokens))
    def run(request):
        body = _run(fuzz_client, "graphql-writes", request, _check_write)
        result = (body.get("data") or {}).get("importObservations") if isinstance(body, dict) else None
        undo_import(
            fuzz_service[1].engine, (result or {}).get("batch")
        )  # each example starts from the same data

    run()
    _finish("graphql-writes")


# ── invalid operations: each is wrong in a way the service must refuse ───────────────────
NEGATIVE = hg.queries(SDL, custom_scalars=SCALARS, mode=hg.Mode.NEGATIVE)
_FIELD_LINE = re.compile(r"^(\s*)([_A-Za-z][_0-9A-Za-z]*)(\s*\{)?$")
_name = st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True).map(lambda s: "zz" + s)


@st.composite
def unknown_field(draw) -> Request:
    lines = draw(VALID_QUERIES).splitlines()
    openers = [i for i, line in enumerate(lines) if line.endswith("{")]
    i = draw(st.sampled_from(openers))
    indent = re.match(r"\s*", lines[i]).group(0) + "  "
    lines.insert(i + 1, indent + draw(_name))
    return _post("unknown field", "\n".join(lines))


@st.composite
def unknown_argument(draw) -> Request:
    lines = draw(VALID_QUERIES).splitlines()
    fields = [i for i, line in enumerate(lines) if _FIELD_LINE.match(line)]
    if not fields:
        return draw(unknown_field())
    i = draw(st.sampled_from(fields))
    m = _FIELD_LINE.match(lines[i])
    value = draw(st.sampled_from(["1", '"x"', "null", "true", "[1]", "{a: 1}", "DA"]))
    lines[i] = f"{m.group(1)}{m.group(2)}({draw(_name)}: {value}){m.group(3) or ''}"
    return _post("unknown argument", "\n".join(lines))


@st.composite
def truncated(draw) -> Request:
    query = draw(VALID_QUERIES)
    return _post("truncated", query[: draw(st.integers(0, len(query) - 1))])


_CONTROL = st.sampled_from([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"])


@st.composite
def raw_control_character(draw) -> Request:
    """A raw control character (e.g. a null byte) outside a string literal: never allowed there.
    (Inside a string graphql-core 3.3 accepts them, as the current spec does: see valid_requests.)"""
    lines = draw(VALID_QUERIES).splitlines()
    i = draw(
        st.integers(0, len(lines) - 1)
    )  # a line's start is never inside a string: printed strings have no raw newlines
    lines[i] = draw(_CONTROL) + lines[i]
    return _post("raw control character", "\n".join(lines))


BAD_ESCAPES = [
    "\\uD800",
    "\\uDFFF",
    "\\uD800\\u0041",
    "\\u{110000}",
    "\\u{D800}",
    "\\uZZZZ",
    "\\x41",
    "\\",
    "\\u12",
]


@st.composite
def bad_string_literal(draw) -> Request:
    escape = draw(st.sampled_from(BAD_ESCAPES))
    template = draw(
        st.sampled_from(
            [
                '{ strategy(id: "%s") { id } }',
                '{ revisionDiff(strategyId: "%s", from: "2020", to: "2022") { from } }',
                'mutation { importObservations(csv: "%s", dryRun: true) { rows } }',
                '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "2.1") { status(area: "%s") { status } } } } }',
            ]
        )
    )
    token = (
        {"Authorization": "Bearer bogus"} if template.startswith("mutation") and draw(st.booleans()) else {}
    )
    return _post("bad string escape", template % escape, headers=token)


def _not_a_date(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return True
    return False


BAD_DATES = st.one_of(
    st.sampled_from(
        [
            "2022-02-30",
            "2022-13-01",
            "0000-01-01",
            "10000-01-01",
            "+2022-01-01",
            "2022-1-1",
            "",
            " ",
            "2022-01-01T00:00:00",
            "٢٠٢٢-٠١-٠١",
            "today",
            "\x00",
            "99999999999999999999",
        ]
    ),
    _odd_text,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
).filter(_not_a_date)


def _literal(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "1e999"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return str(value)


@st.composite
def bad_date_literal(draw) -> Request:
    value = _literal(draw(BAD_DATES))
    template = draw(
        st.sampled_from(
            [
                "{ strategies { revision(asOf: %s) { version } } }",
                '{ statusTable(strategyId: "ballerup-beskaeftigelsesstrategi", asOf: %s) { version } }',
                '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "2022") { indicator(id: "2.1") { status(area: "151", asOf: %s) { status } } } } }',
                '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "2022") { indicator(id: "2.1") { series(area: "151", asOf: %s) { cell } ranking(asOf: %s) { period } } } } }',
            ]
        )
    )
    return _post("bad Date literal", template.replace("%s", value))


VARIABLES_QUERY = """query Q($id: ID!, $area: String!, $period: String, $asOf: Date, $kind: AreaKind!, $lang: Lang, $breakdown: [BreakdownFilter!]) {
  strategy(id: $id) { name(lang: $lang) revision { indicator(id: "2.1") {
    status(area: $area, period: $period, asOf: $asOf) { status }
    series(area: $area, asOf: $asOf, breakdown: $breakdown) { cell } } } }
  areas(kind: $kind) { code } }"""
GOOD_VARIABLES = {
    "id": STRATEGY,
    "area": "151",
    "period": "2022-09",
    "asOf": "2023-01-01",
    "kind": "REGION",
    "lang": "EN",
    "breakdown": [{"dimension": "origin", "value": "non_western"}],
}
_not_string = st.one_of(
    st.integers(),
    st.integers(min_value=2**64),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(_odd_text, st.integers(), max_size=2),
)
BAD_VARIABLES = {
    "id": st.one_of(
        st.none(),
        st.booleans(),
        st.floats().filter(lambda f: not float(f).is_integer()),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(_odd_text, st.integers(), max_size=2),
    ),
    "area": st.none() | _not_string,
    "period": _not_string,
    "asOf": BAD_DATES,
    "kind": st.one_of(
        st.none(),
        st.sampled_from(["region", "Region", "REGIONS", "", "MUNICIPALITY "]),
        st.integers(),
        st.booleans(),
    ),
    "lang": st.one_of(
        st.sampled_from(["da", "en", "DE", "", "EN\x00"]),
        st.integers(),
        st.booleans(),
        st.lists(st.just("EN"), max_size=2),
    ),
    "breakdown": st.one_of(
        st.just([{}]),
        st.just("origin"),
        st.just([None]),
        st.just([{"dimension": "origin"}]),
        st.just([{"dimension": "origin", "value": "x", "zz": 1}]),
        st.just([{"dimension": 1, "value": "x"}]),
        st.integers(),
    ),
}


@st.composite
def bad_variables(draw) -> Request:
    variables = dict(GOOD_VARIABLES)
    name = draw(st.sampled_from(sorted(BAD_VARIABLES)))
    if name in ("id", "area", "kind") and draw(st.integers(0, 3)) == 0:
        del variables[name]  # a required variable missing
    else:
        variables[name] = draw(BAD_VARIABLES[name])
    return _post(f"bad variable ${name}", VARIABLES_QUERY, variables)


def _nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"change {{ before {{ {inner} }} }}"
    return f"{{ strategies {{ revisions {{ indicators {{ {inner} }} }} }} }}"


@st.composite
def over_a_limit(draw) -> Request:
    which = draw(st.sampled_from(["depth", "aliases", "tokens", "size"]))
    if which == "depth":
        return _post("over the depth limit", _nested(draw(st.integers(6, 40))))
    if which == "aliases":
        n = draw(st.integers(31, 400))
        return _post("over the alias limit", "{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }")
    if which == "tokens":
        n = draw(st.integers(3001, 20000))
        return _post("over the token limit", "{ strategies { " + " ".join(["id"] * n) + " } }")
    return _post("over the size limit", "{ strategies { id } } #" + "x" * draw(st.integers(65537, 200000)))


_STRUCTURAL = [
    "subscription { strategies { id } }",
    "{ strategies { id } } { areas { code } }",
    "query A { strategies { id } } query A { areas { code } }",
    "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }",
    "fragment A on Query { strategies { id ...A } } { ...A }",
    "{ ...Missing }",
    "fragment F on Nope { id } { ...F }",
    '{ strategy(id: "a") { id } strategy(id: "b") { id } }',
    '{ strategy(id: "a", id: "b") { id } }',
    "{ strategies @zz { id } }",
    '{ strategies @skip(if: "yes") { id } }',
    "{ strategies @include(if: true) @include(if: false) { id } }",
    "{ strategies }",
    "{ strategies { id { x } } }",
    "query($x: String) { strategies { id } }",
    "query { strategies { id(lang: DA) } }",
    "query($v: Undefined) { strategies { id } }",
    "{ strategy { id } }",
    '{ revisionDiff(strategyId: "ballerup-beskaeftigelsesstrategi") { from } }',
    "{ areas(kind: PLANET) { code } }",
    '{ areas(kind: "REGION") { code } }',
    "{ areas(kind: 1e999) { code } }",
    "{ strategy(id: 1.5) { id } }",
    "{ strategy(id: 99999999999999999999999999999999999999e99999) { id } }",
    "{ statusTable(strategyId: true) { version } }",
    "mutation { importObservations(dryRun: true) { rows } }",
    "",
    "   ",
    "#just a comment",
    "{",
    "}",
    "{ strategies { id } ",
    "query",
    '{ "strategies" }',
    "{ __schema { zzz } }",
]


@st.composite
def structurally_wrong(draw) -> Request:
    return _post("structurally wrong", draw(st.sampled_from(_STRUCTURAL)))


@st.composite
def unauthorised_write(draw) -> Request:
    query = draw(hg.mutations(SDL, custom_scalars=SCALARS))
    header = draw(
        st.sampled_from(
            [
                None,
                "Bearer",
                "Bearer ",
                "Bearer kpi_",
                "Basic dXNlcjpwYXNz",
                "kpi_aaaaaaaaaa_" + "x" * 43,
                "Bearer kpi_aaaaaaaaaa_" + "x" * 43,
                "Bearer " + "A" * 5000,
                "token",
                "Bearer kpi_ÿÿ",
            ]
        )
    )
    if header is None and draw(st.booleans()):
        header = "Bearer " + draw(st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=80))
    return _post(
        "write without a valid token", query, headers={} if header is None else {"Authorization": header}
    )


@st.composite
def mutation_via_get(draw) -> Request:
    return _get("mutation via GET", draw(hg.mutations(SDL, custom_scalars=SCALARS)))


# Each kind equally often (st.one_of would favour the first branches while generation warms up).
INVALID = st.sampled_from(
    [
        NEGATIVE.map(lambda q: _post("schema violation (hypothesis-graphql NEGATIVE)", q)),
        NEGATIVE.map(lambda q: _post("schema violation (hypothesis-graphql NEGATIVE)", q)),
        NEGATIVE.map(lambda q: _post("schema violation (hypothesis-graphql NEGATIVE)", q)),
        unknown_field(),
        unknown_argument(),
        truncated(),
        raw_control_character(),
        bad_string_literal(),
        bad_date_literal(),
        bad_variables(),
        bad_variables(),
        over_a_limit(),
        structurally_wrong(),
        unauthorised_write(),
        mutation_via_get(),
    ]
).flatmap(lambda kind: kind)


def _check_invalid(request: Request, answer, body, problems: list[str]) -> None:
    if isinstance(body, dict) and not (isinstance(body.get("errors"), list) and body["errors"]):
        problems.append("an invalid operation was not refused with an `errors` list")


def test_invalid_queries_are_refused_with_codes(fuzz_client):
    @fuzz_settings()
    @given(INVALID)
    def run(request):
        _run(fuzz_client, "graphql-invalid", request, _check_invalid)

    run()
    _finish("graphql-invalid")


# ── malformed requests: anything at all over HTTP (only the common checks apply) ─────────
@st.composite
def malformed_requests(draw) -> Request:
    choice = draw(st.integers(0, 7))
    content_type = draw(
        st.sampled_from(
            [
                "application/json",
                "application/graphql",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=latin-1",
                None,
            ]
        )
    )
    headers = {} if content_type is None else {"Content-Type": content_type}
    if choice == 0:
        return Request("random bytes", content=draw(st.binary(max_size=300)), headers=headers, has_json=False)
    if choice == 1:
        return Request("random JSON", json=draw(JSON_VALUES))
    if choice == 2:  # a batch, or an object with fields of the wrong type
        query = draw(VALID_QUERIES)
        body = draw(
            st.sampled_from(
                [
                    [{"query": query}],
                    [{"query": query}, {"query": query}],
                    [],
                    {"query": query, "variables": "x"},
                    {"query": query, "variables": [1]},
                    {"query": 1},
                    {"query": None},
                    {"query": [query]},
                    {"query": query, "operationName": "Nope"},
                    {"query": query, "operationName": 1},
                    {"query": query, "extensions": "x"},
                    {"variables": {}},
                    {},
                ]
            )
        )
        return Request("JSON of the wrong shape", json=body)
    if choice == 3:  # a valid query with random characters spliced in
        query = draw(VALID_QUERIES)
        at = draw(st.integers(0, len(query)))
        return _post("query with a random splice", query[:at] + draw(st.text(max_size=5)) + query[at:])
    if choice == 4:  # invalid UTF-8 or lone surrogates inside a JSON body
        query = draw(VALID_QUERIES).encode()
        at = draw(st.integers(0, len(query)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\\ud800", b"\x00", b"\\u0000"]))
        return Request(
            "bad bytes in JSON",
            content=b'{"query": "'
            + query[:at].replace(b'"', b'\\"').replace(b"\n", b"\\n")
            + junk
            + query[at:].replace(b'"', b'\\"').replace(b"\n", b"\\n")
            + b'"}',
            headers={"Content-Type": "application/json"},
            has_json=False,
        )
    if choice == 5:  # GET with odd parameters
        params = draw(
            st.dictionaries(
                st.sampled_from(["query", "variables", "operationName", "extensions", "x"]),
                _odd_text | st.sampled_from(["{", "[]", "null", "{ strategies { id } }"]),
                max_size=4,
            )
        )
        return Request("GET with odd parameters", method="GET", params=params, has_json=False)
    if choice == 6:  # other methods
        return Request(
            "other HTTP method",
            method=draw(st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])),
            json={"query": "{ strategies { id } }"},
        )
    # an overlong or lying Content-Length is handled by the transport; send a big but valid body instead
    return _post("big variables", "{ strategies { id } }", {"x": "y" * draw(st.integers(0, 70000))})


def test_malformed_requests_never_fail_badly(fuzz_client):
    @fuzz_settings(max(1, EXAMPLES // 3))
    @given(malformed_requests())
    def run(request):
        if request.method == "HEAD":
            request.method = "OPTIONS"  # a HEAD answer has no body to check
        _run(fuzz_client, "graphql-malformed", request, lambda *_: None)

    run()
    _finish("graphql-malformed")


# ── fixed edge cases, checked on every run (some found by the fuzzers above) ───────────────
EDGE_CASES = [
    *[_post("structurally wrong", q) for q in _STRUCTURAL],
    *[_post("bad string escape", f'{{ strategy(id: "{e}") {{ id }} }}') for e in BAD_ESCAPES],
    *[
        Request(
            "scalar JSON body", content=body, headers={"Content-Type": "application/json"}, has_json=False
        )
        for body in (b"0", b"1.5", b'"x"', b'""', b"true", b"null")
    ],
    *[
        Request("other HTTP method", method=m, json={"query": "{ strategies { id } }"})
        for m in ("PUT", "PATCH", "DELETE", "OPTIONS")
    ],
    _get("mutation via GET", 'mutation { importObservations(csv: "") { rows } }'),
    _post("over the depth limit", _nested(20)),
]


@pytest.mark.parametrize(
    "request_",
    EDGE_CASES,
    ids=[
        f"{r.kind}:{r.method}:{(r.json or {}).get('query', '') if isinstance(r.json, dict) else r.content!r}"[
            :70
        ]
        for r in EDGE_CASES
    ],
)
def test_edge_cases_are_refused_cleanly(fuzz_client, request_):
    """Each is refused: < 500, a JSON `errors` list, every error with a code (not INTERNAL_SERVER_ERROR), no internals."""
    answer = fuzz_client.send(request_)
    body, problems = check_common(request_, answer)
    _check_invalid(request_, answer, body, problems)
    assert not problems, (
        f"{problems}\nrequest:\n{request_.describe()}\nresponse: HTTP {answer.status}: {answer.text[:500]}\nlogged: {answer.logged}"
    )


_covid = next(t for t in CATALOGUES if 'version = "2020"' in t and "covid" in t.lower())
WRITE_EDGE_CASES = {  # each is answered with a report (accepted or rejected), never with an unexpected error
    "import: NUL in source": ("import", "indicator,area,period,value,source\n3.3,151,2022Q4,5,a\x00b\n"),
    "import: 41-character value": ("import", "indicator,area,period,value\n3.3,151,2021Q4,%s\n" % ("1" * 41)),
    "import: 501-character source": (
        "import",
        "indicator,area,period,value,source\n3.3,151,2020Q4,5,%s\n" % ("s" * 501),
    ),
    "import: NUL in value": ("import", "indicator,area,period,value\n3.3,151,2019Q4,5\x00\n"),
    "publish: NUL in version": ("publish", _covid.replace('version = "2020"', 'version = "2098\\u0000"', 1)),
}


@pytest.mark.parametrize("case", sorted(WRITE_EDGE_CASES))
def test_write_edge_cases_are_answered(fuzz_client, write_tokens, fuzz_service, case):
    what, text = WRITE_EDGE_CASES[case]
    if what == "import":
        request = _post(
            case,
            IMPORT,
            {"csv": text, "dry": False},
            {"Authorization": f"Bearer {write_tokens[tokens.Scope.IMPORT]}"},
        )
    else:
        request = _post(
            case,
            PUBLISH,
            {"text": text, "dry": False},
            {"Authorization": f"Bearer {write_tokens[tokens.Scope.PUBLISH]}"},
        )
    answer = fuzz_client.send(request)
    body, problems = check_common(request, answer)
    _check_write(request, answer, body, problems)
    result = (body.get("data") or {}).get("importObservations") if isinstance(body, dict) else None
    undo_import(fuzz_service[1].engine, (result or {}).get("batch"))
    assert not problems, (
        f"{problems}\nrequest:\n{request.describe()}\nresponse: HTTP {answer.status}: {answer.text[:500]}\nlogged: {answer.logged}"
    )


_STATUS = '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "%s") { status(area: "151", period: "%s") { status } } } } }'
_SERIES = '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "%s") { series(area: "151", from: "%s", to: "%s") { cell } } } } }'
VALID_EDGE_CASES = [  # valid queries; each is answered with data or a BAD_USER_INPUT, never an unexpected error
    _STATUS % ("2.2", "0001"),
    _STATUS % ("2.2", "0999"),
    _STATUS % ("2.1", "0100-01"),
    _STATUS % ("2.2", "0000"),
    _STATUS % ("2.2", "9999"),
    _STATUS % ("2.1", "9999-12"),
    _SERIES % ("2.2", "0001", "0999"),
    _SERIES % ("2.1", "0100-01", "9999-12"),
    '{ strategies { revision(asOf: "9999-12-31") { version } } }',
    '{ strategies { revision(asOf: "0001-01-01") { version } } }',
    '{ statusTable(strategyId: "ballerup-beskaeftigelsesstrategi", asOf: "9999-12-31") { version } }',
]


@pytest.mark.parametrize("query", VALID_EDGE_CASES)
def test_valid_edge_cases_are_answered(fuzz_client, query):
    request = _post("valid edge case", query)
    answer = fuzz_client.send(request)
    body, problems = check_common(request, answer)
    _check_valid(request, answer, body, problems)
    assert not problems, (
        f"{problems}\nquery: {query}\nresponse: HTTP {answer.status}: {answer.text[:500]}\nlogged: {answer.logged}"
    )


@pytest.mark.parametrize(
    "query",
    [
        "{ strategies { id } }",
        '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { version } } }',
    ],
)
def test_fuzz_harness_sees_a_plain_query_as_valid(fuzz_client, query):
    """The harness itself: a plain query passes every check (so a failure above is the service's)."""
    request = _post("sanity", query)
    answer = fuzz_client.send(request)
    body, problems = check_common(request, answer)
    _check_valid(request, answer, body, problems)
    assert problems == [] and body["data"], (problems, answer.text)
