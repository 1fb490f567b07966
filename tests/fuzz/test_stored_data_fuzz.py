"""Fuzz what the service does with odd figures it has accepted: import a few rows with
extreme but importable values (huge or tiny exponents, many digits, negative zero) through
the GraphQL mutation, then read them back every way there is — GraphQL status, series,
ranking and status table, REST status, the status page and the figure in all four
formats — and undo the import. An import the service accepts must not break any reader:
no server error, no INTERNAL_SERVER_ERROR, no internals, no answer over 1 MB.

FUZZ_EXAMPLES // 10 imports (default 15), each followed by 9 reads."""

import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_api.storage import tokens
from kpi_core import shipped_strategies
from kpi_core.indicators import Unit
from tests.fuzz._support import EXAMPLES, TALLY, Request, check_common, fuzz_settings, undo_import

BUCKET = "stored-data"
_targets = [
    (s.id, r.version, i.id, i.unit is Unit.PERCENT)
    for s in shipped_strategies()
    for r in s.revisions
    for i in r.indicators
]
# Exponents up to about a million: beyond the decimal context's range (Emax 999999), yet each
# written out in full is only about 1 MB (1E+999999999 would be 1 GB, too much for a test run).
EXTREME = [
    "1E+999999",
    "-1E+999999",
    "1E+1000000",
    "9.99E+1000001",
    "1E-999999",
    "1E-1000001",
    "0E-1000000",
    "0E+1000000",
    "-0",
    "0",
    "100",
    "99.99999999999999999999999999999",
    "1" + "0" * 39,
    "0." + "0" * 37 + "1",
    "12345678901234567890.123456789012345678",
    "-0.000000000000000000000000000000000001",
    "1e38",
    "-5",
    "5E+5",
    "33.333333333333333333333333333333333333",
    # at and just past the bounds an importer may set (e.g. 15 digits before the point, 12 after)
    "999999999999999.999999999999",
    "-999999999999999.999999999999",
    "0.000000000001",
    "99.999999999999",
    "1E+14",
    "1E-12",
    "9999999999999999",
    "0.0000000000001",
    "1E+15",
    "1E-13",
]
SHARES = [v for v in EXTREME if 0 <= Decimal(v) <= 100]  # a share in per cent must be within 0–100
_decimals = (
    st.decimals(allow_nan=False, allow_infinity=False).map(str).filter(lambda v: len(v) <= 40)
)  # the column holds 40
_ordinary = st.decimals(-(10**15) + 1, 10**15 - 1, places=12).map(
    str
)  # many digits, yet within common bounds
VALUES = {
    True: st.one_of(
        st.sampled_from(SHARES),
        st.sampled_from(SHARES),
        st.decimals(0, 100, places=12).map(str),
        st.decimals(0, 100, allow_nan=False).map(str).filter(lambda v: len(v) <= 40),
    ),
    False: st.one_of(st.sampled_from(EXTREME), st.sampled_from(EXTREME), _ordinary, _decimals),
}
PERIODS = {"year": ("2022", "2021"), "quarter": ("2022Q3", "2021Q3"), "month": ("2022-09", "2021-09")}
AREAS = ["151", "DK", "1084", "101", "147", "153"]

IMPORT = """mutation($csv: String!) { importObservations(csv: $csv) { rows added rejected batch problems { location column message } } }"""
READ = """query($s: ID!, $v: String, $i: ID!, $a: String!) { strategy(id: $s) { revision(version: $v) {
  indicator(id: $i) {
    status(area: $a) { status period value reference referenceLabel gap rank rankOf trend
      da: explanation(lang: DA) en: explanation(lang: EN) breakdown { cell { dimension value } evaluation { status value explanation } } }
    series(area: $a) { unit cell points { periods values provisional } references { label area cell points { periods values } } }
    ranking { period among { code } entries { rank value area { code } } } }
  focusAreas { goal { status(area: $a) { status value explanation(lang: EN) } } } } } }"""
TABLE = (
    """query($s: ID!, $v: String) { statusTable(strategyId: $s, version: $v) { indicators areas cells } }"""
)


@st.composite
def imports(draw):
    strategy, version, indicator, share = draw(st.sampled_from(_targets))
    current, previous = PERIODS[draw(st.sampled_from(sorted(PERIODS)))]
    area = draw(st.sampled_from(["151", "101", "DK", "1084"]))
    rows = ["indicator,area,period,value,published,source"]
    for code in dict.fromkeys([area, *draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=4))]):
        for period in (current, previous) if draw(st.booleans()) else (current,):
            # a later vintage than the seeded figures, so it is a revision of them, not a conflict
            rows.append(f"{indicator},{code},{period},{draw(VALUES[share])},2024-06-01,SYNTETISK fuzz")
    return strategy, version, indicator, area, "\n".join(rows) + "\n"


def _reads(strategy: str, version: str, indicator: str, area: str, note: str) -> list[tuple[Request, dict]]:
    query = f"strategy={strategy}&revision={version}"
    variables = {"s": strategy, "v": version, "i": indicator, "a": area}
    figure = f"/figures/{indicator}/{area}"
    return [
        (
            Request(
                "GraphQL status, series, ranking", json={"query": READ, "variables": variables}, note=note
            ),
            {},
        ),
        (
            Request(
                "GraphQL statusTable",
                json={"query": TABLE, "variables": {"s": strategy, "v": version}},
                note=note,
            ),
            {},
        ),
        (
            Request(
                "REST /api/status",
                method="GET",
                path=f"/api/status/{area}?{query}",
                has_json=False,
                note=note,
            ),
            {"graphql": False},
        ),
        (
            Request("status page", method="GET", path=f"/status/{area}?{query}", has_json=False, note=note),
            {"json_body": False},
        ),
        *[
            (
                Request(
                    f"figure .{fmt}",
                    method="GET",
                    path=f"{figure}.{fmt}?{query}&compare=DK,1084",
                    has_json=False,
                    note=note,
                ),
                {"graphql": False, "json_body": fmt == "json"},
            )
            for fmt in ("svg", "html", "csv", "json")
        ],
        (
            Request(
                "figure .svg, English, from/to",
                method="GET",
                path=f"{figure}.svg?{query}&lang=en&from=2021&to=2022",
                has_json=False,
                note=note,
            ),
            {"graphql": False, "json_body": False},
        ),
    ]


@pytest.fixture(scope="module")
def importer(fuzz_service):
    return tokens.create(fuzz_service[1].engine, tokens.Scope.IMPORT, "fuzz stored data")[0]


def test_accepted_figures_never_break_a_reader(fuzz_client, fuzz_service, importer):
    engine = fuzz_service[1].engine

    @fuzz_settings(max(1, EXAMPLES // 10))
    @given(imports())
    def run(drawn):
        strategy, version, indicator, area, csv = drawn
        started = time.perf_counter()
        request = Request(
            "import",
            json={"query": IMPORT, "variables": {"csv": csv}},
            headers={"Authorization": f"Bearer {importer}"},
        )
        answer = fuzz_client.send(request)
        body, problems = check_common(request, answer)
        TALLY.record(BUCKET, request, answer, body, problems)
        result = (
            ((body or {}).get("data") or {}).get("importObservations") if isinstance(body, dict) else None
        )
        try:
            if result and result["added"]:
                note = f"after importing (with an import token) this CSV, which the service accepted:\n{_indent(csv)}"
                for read, options in _reads(strategy, version, indicator, area, note):
                    answer = fuzz_client.send(read)
                    body, problems = check_common(read, answer, **options)
                    TALLY.record(BUCKET, read, answer, body, problems)
        finally:
            undo_import(engine, (result or {}).get("batch"))
            TALLY.bucket(BUCKET).seconds += time.perf_counter() - started

    run()
    bucket = TALLY.bucket(BUCKET)
    print("\n" + "\n".join(TALLY.summary(BUCKET)))
    assert not bucket.defects, TALLY.failure_message(BUCKET)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def test_extreme_values_are_importable():
    """The premise: these values pass the importer's own number parsing (they are decimals)."""
    assert all(Decimal(v).is_finite() for v in EXTREME)
