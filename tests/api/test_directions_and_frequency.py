"""Directions nobody stated, a percentage change's own trend, and frequencies, through a
real server on its own database: GraphQL, REST, the figure JSON and the status page, in
Danish and English (hand-computed: O2 is -2 % after -5 %, so fewer people on benefits)."""

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes
from tests.service import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
FIGURES = """indicator,area,period,value,published,source
O2,151,2022-09,-2,2022-10-15,SYNTETISK
O2,151,2021-09,-5,2021-10-15,SYNTETISK
1.2,151,2022-09,81,2022-10-15,SYNTETISK
1.2,151,2021-09,78,2021-10-15,SYNTETISK
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('directions') / 'kpi.sqlite3'}"
    services = open_services(url)
    report = import_bytes(
        FIGURES.encode(), "directions.csv", services.observations, services.strategies, services.areas
    )
    assert not report.rejected, report.problems
    with serving(url, anonymous_rate=1e9, anonymous_burst=10**9) as served:
        yield served


def graphql(base: str, query: str) -> dict:
    body = httpx.post(f"{base}/graphql", json={"query": query}, timeout=10).json()
    assert "errors" not in body, body
    return body["data"]


def test_graphql_trends_directions_and_frequencies(base):
    data = graphql(
        base,
        f"""{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicators {{
        id direction frequency directionAssumption(lang: EN) remarks {{ about }}
        status(area: "151") {{ status period trend }} }} }} }} }}""",
    )
    by_id = {i["id"]: i for i in data["strategy"]["revision"]["indicators"]}
    o2, i12, i22 = by_id["O2"], by_id["1.2"], by_id["2.2"]
    assert (o2["direction"], o2["frequency"]) == ("NONE", "MONTHLY")
    assert o2["status"] == {"status": "MONITORING", "period": "2022-09", "trend": "FALLING"}
    assert o2["directionAssumption"].startswith("No direction chosen. ")
    assert (i12["direction"], i12["status"]["trend"]) == ("BETTER_UP", "IMPROVING")  # 81 after 78
    assert i12["directionAssumption"].startswith("Assumed: higher is better. ")
    assert "DIRECTION" in [r["about"] for r in i12["remarks"]]
    assert (i22["directionAssumption"], i22["frequency"]) == (None, "MONTHLY")  # its target states it
    assert by_id["4.1"]["frequency"] == "YEARLY" and by_id["1.1"]["frequency"] == "QUARTERLY"


def test_rest_and_figure_json_carry_the_trend_and_the_assumption(base):
    status = httpx.get(
        f"{base}/api/status/151", params={"strategy": STRATEGY, "revision": "2022"}, timeout=10
    )
    assert status.status_code == 200, status.text
    rows = {r["id"]: r for r in status.json()["overall"]}
    assert rows["O2"]["status"]["trend"] == "FALLING" and rows["O2"]["direction"] == "none"
    assert rows["O2"]["directionAssumption"]["da"].startswith("Ingen retning valgt. ")
    figure = httpx.get(
        f"{base}/figures/O2/151.json",
        params={"strategy": STRATEGY, "revision": "2022", "lang": "en"},
        timeout=10,
    )
    assert figure.status_code == 200, figure.text
    body = figure.json()
    assert body["status"]["trend"] == "FALLING"
    assert body["indicator"]["direction"] == "none" and body["indicator"]["frequency"] == "monthly"
    assert body["indicator"]["directionAssumption"].startswith("No direction chosen. ")


@pytest.mark.parametrize(
    "lang, falling, better, assumed",
    [
        ("da", "Lavere end året før", "Bedre end året før", "Antaget: højere er bedre. "),
        ("en", "Lower than a year earlier", "Better than a year earlier", "Assumed: higher is better. "),
    ],
)
def test_the_status_page_prints_the_assumption_beside_the_trend(base, lang, falling, better, assumed):
    page = httpx.get(
        f"{base}/status/151", params={"strategy": STRATEGY, "revision": "2022", "lang": lang}, timeout=10
    )
    assert page.status_code == 200, page.text
    html = page.text
    o2_row = html[html.index('<span class="ind-id">O2</span>') :].split("</tr>")[0]
    assert falling in o2_row and "Dårligere" not in o2_row and "Worse" not in o2_row
    row_12 = html[html.index('<span class="ind-id">1.2</span>') :].split("</tr>")[0]
    assert f'{better} <small class="assumption">{assumed}' in row_12


def test_the_readme_import_example_is_refused_by_row_and_column(base, tmp_path):
    # Through the import service on a database of its own (the served one stays as it is).
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    old = import_bytes(
        b"indicator,area,period,value\n2.2,151,2022,30.5\n",
        "old.csv",
        services.observations,
        services.strategies,
        services.areas,
    )
    (problem,) = old.problems
    assert (old.rejected, problem.location, problem.column) == (True, "row 2", "period")
    assert problem.message == (
        "`2022` is a year, but 2.2 is a monthly series: write one row per month as YYYY-MM (e.g. 2022-06)"
    )
    new = import_bytes(
        b"indicator,area,period,value\n2.2,151,2022-09,30.5\n",
        "new.csv",
        services.observations,
        services.strategies,
        services.areas,
    )
    assert not new.rejected and new.added == 1
