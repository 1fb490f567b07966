"""Goal and indicator status over HTTP, from figures imported into the server's SQLite.
All figures here are SYNTHETIC test values."""

from decimal import Decimal

import pytest

from kpi_api.catalogue import Catalogue
from kpi_api.graphql import schema
from kpi_api.graphql.context import graphql_context
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import evaluate, shipped_areas, shipped_strategies
from kpi_core.repository import ObservationQuery
from tests.conftest import run_async

STRATEGY = "ballerup-beskaeftigelsesstrategi"

GOALS = """query($id: ID!, $v: String!, $area: String!, $asOf: Date) { strategy(id: $id) { revision(version: $v) {
  focusAreas { number goal { id status(area: $area, asOf: $asOf) { status period value reference referenceLabel gap rank rankOf trend explanation(lang: EN) } } } } } }"""
# The superseded 2020 revision is judged on what was published by its last day (8 Nov
# 2022) unless asked otherwise; these figures were published later, so it is asked.
AFTER_2020 = {"2020": "2023-06-01", "2022": None}


@pytest.mark.parametrize("version", ["2020", "2022"])
def test_status_of_all_five_goals_for_151(gql, seeded, version):
    focus = gql(GOALS, id=STRATEGY, v=version, area="151", asOf=AFTER_2020[version])["strategy"]["revision"][
        "focusAreas"
    ]
    statuses = {f["number"]: f["goal"]["status"] for f in focus}
    assert {n: s["status"] for n, s in statuses.items()} == {
        1: "MONITORING",  # 1.1 has no target
        2: "ACHIEVED",  # 2.1: rank 3 of 29, within the best 10
        3: "ON_TRACK",  # 3.1: 9.5 below DK's 10, but the gap shrank from 2
        4: "ACHIEVED",  # 4.1: 61 ≥ 60
        5: "NO_DATA",  # 5.1 has no figures
    }
    assert (statuses[2]["rank"], statuses[2]["rankOf"], statuses[2]["period"]) == (3, 29, "2022-09")
    assert statuses[2]["referenceLabel"] == "Region Hovedstaden, plads 10"
    assert statuses[3]["gap"] == "0.5" and statuses[3]["trend"] == "IMPROVING"
    # The same answer as the core, judged directly on the stored figures.
    revision = next(s for s in shipped_strategies() if s.id == STRATEGY).revision(version)
    stored = seeded.observations.find(ObservationQuery(indicators=("3.1",)))
    direct = evaluate(revision.indicator("3.1"), "151", "2022-12", stored, shipped_areas())
    assert (statuses[3]["status"], Decimal(statuses[3]["gap"])) == (direct.status.name, direct.gap)


def test_as_of_replays_what_was_known_then(gql, seeded):
    query = f"""query($d: Date) {{ strategy(id: "{STRATEGY}") {{ revision(asOf: $d) {{ version
      indicators {{ id status(area: "151", period: "2022-12", asOf: $d) {{ status value }} }} }} }} }}"""

    def status_22(day):
        data = gql(query, d=day)["strategy"]["revision"]
        return data["version"], next(i["status"] for i in data["indicators"] if i["id"] == "2.2")

    # 30 vs DK 29, and nothing for 2021 to compare with
    assert status_22("2023-02-01") == ("2022", {"status": "NOT_MET_PROGRESS_UNKNOWN", "value": "30"})
    assert status_22("2023-04-01") == ("2022", {"status": "ACHIEVED", "value": "28.5"})  # the revised figure
    assert status_22("2022-12-01") == ("2022", {"status": "NO_DATA", "value": None})  # nothing published yet


def test_ranking_in_the_capital_region(gql, seeded):
    data = gql(
        f"""{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicators {{ id
        status(area: "151", period: "2021-09") {{ status rank rankOf explanation }} }} }} }} }}"""
    )
    status = next(i["status"] for i in data["strategy"]["revision"]["indicators"] if i["id"] == "2.1")
    # Not met, and no 2020-09 to compare the rank with.
    assert (status["rank"], status["rankOf"], status["status"]) == (11, 29, "NOT_MET_PROGRESS_UNKNOWN")
    assert "nr. 11 af 29" in status["explanation"]


def test_breakdown_evaluation_per_target_group_only_under_2022(gql, seeded):
    query = f"""query($v: String!, $asOf: Date) {{ strategy(id: "{STRATEGY}") {{ revision(version: $v) {{ indicators {{ id
        status(area: "151", period: "2022-12", asOf: $asOf) {{ status breakdown {{ cell {{ dimension value }} evaluation {{ status gap }} }} }} }} }} }} }}"""

    def of_54(version):
        indicators = gql(query, v=version, asOf=AFTER_2020[version])["strategy"]["revision"]["indicators"]
        return next(i["status"] for i in indicators if i["id"] == "5.4")

    assert of_54("2020") == {"status": "ACHIEVED", "breakdown": []}
    # Under 2022 per target group: the only group, dagpenge, is not met with nothing a year
    # earlier to compare, and so is the headline it decides.
    assert of_54("2022") == {
        "status": "NOT_MET_PROGRESS_UNKNOWN",
        "breakdown": [
            {
                "cell": [{"dimension": "target_group", "value": "dagpenge"}],
                "evaluation": {"status": "NOT_MET_PROGRESS_UNKNOWN", "gap": "5"},  # no 2021-12
            }
        ],
    }


def test_an_unknown_area_or_bad_period_is_a_clear_error(server, seeded):
    import httpx

    for args, code_arg in (('area: "999"', "area"), ('area: "151", period: "2022-13"', "period")):
        response = httpx.post(
            f"{server}/graphql",
            json={
                "query": f'{{ strategy(id: "{STRATEGY}") {{ revision {{ focusAreas {{ goal {{ status({args}) {{ status }} }} }} }} }} }}'
            },
        )
        error = response.json()["errors"][0]
        assert response.status_code == 200 and error["extensions"] == {
            "code": "BAD_USER_INPUT",
            "argument": code_arg,
        }


class CountingRepository:
    """The real store, counting the calls made into it."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def find(self, query):
        self.calls += 1
        return self.inner.find(query)

    def latest_periods(self, query):
        self.calls += 1
        return self.inner.latest_periods(query)

    def latest_periods_by_cell(self, query, containing):
        self.calls += 1
        return self.inner.latest_periods_by_cell(query, containing)


def test_store_calls_do_not_grow_with_the_number_of_indicators(seeded):
    catalogue = Catalogue(strategies=seeded.strategies, areas=seeded.areas)
    query = f"""query($v: String!) {{ strategy(id: "{STRATEGY}") {{ revision(version: $v) {{
      focusAreas {{ goal {{ status(area: "151") {{ status }} }} indicators {{ status(area: "151") {{ status }} }} }}
      indicators {{ status(area: "151", asOf: "2023-02-01") {{ status }} }} }} }} }}"""
    calls = {}
    for version in ("2020", "2022"):  # 21 and 26 indicators
        counting = CountingRepository(SqlObservationRepository(seeded.engine))
        result = run_async(
            schema.execute(
                query, variable_values={"v": version}, context_value=graphql_context(catalogue, counting)
            )
        )
        assert result.errors is None, result.errors
        calls[version] = counting.calls
    # Per asOf: the latest periods of the cells the headlines read, once more for every
    # cell of the indicators with breakdowns whose headline has no figure (here O1, 5.1,
    # …), then one find for rank targets and one for the rest.
    assert calls == {"2020": 8, "2022": 8}


def indicator_field(gql, indicator: str, field: str, version: str = "2022") -> dict:
    data = gql(
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "{version}") {{ indicator(id: "{indicator}") {{ id {field} }} }} }} }}'
    )
    return data["strategy"]["revision"]["indicator"]


def test_series_is_columnar_with_the_country_and_region_beside_it(gql, seeded):
    s = indicator_field(
        gql,
        "3.1",
        """series(area: "151") { indicator area unit cell
        points { periods values provisional } references { label(lang: EN) area cell points { periods values } } }""",
    )["series"]
    assert (s["indicator"], s["area"], s["unit"], s["cell"]) == ("3.1", "151", "percent", "")
    assert s["points"] == {
        "periods": ["2021-12", "2022-12"],
        "values": ["8", "9.5"],
        "provisional": [False, False],
    }
    assert [(r["label"], r["area"]) for r in s["references"]] == [
        ("Whole country", "DK"),
        ("Capital Region of Denmark", "1084"),
    ]
    assert s["references"][0]["points"] == {"periods": ["2021-12", "2022-12"], "values": ["10", "10"]}
    assert s["references"][1]["points"] == {"periods": [], "values": []}  # no regional figures imported


def test_series_bounds_as_of_and_revised_figures(gql, seeded):
    latest = indicator_field(gql, "2.2", 'series(area: "151") { points { values } }')["series"]["points"][
        "values"
    ]
    replay = indicator_field(gql, "2.2", 'series(area: "151", asOf: "2023-02-01") { points { values } }')[
        "series"
    ]["points"]["values"]
    assert (latest, replay) == (["28.5"], ["30"])
    bounded = indicator_field(
        gql, "2.1", 'series(area: "151", from: "2022-01", to: "2022") { points { periods } }'
    )
    assert bounded["series"]["points"]["periods"] == ["2022-09"]


def test_series_of_a_parity_indicator_compares_the_groups(gql, seeded):
    s = indicator_field(
        gql,
        "5.4",
        """series(area: "151", breakdown: [{dimension: "target_group", value: "dagpenge"}]) {
        cell points { values } references { cell points { values } } }""",
    )["series"]
    assert s["cell"] == "origin=non_western;target_group=dagpenge" and s["points"]["values"] == ["20"]
    assert s["references"] == [
        {"cell": "origin=danish+western;target_group=dagpenge", "points": {"values": ["25"]}}
    ]


def test_series_rejects_an_undeclared_breakdown(server, seeded):
    import httpx

    query = f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicators {{ series(area: "151", breakdown: [{{dimension: "age", value: "x"}}]) {{ area }} }} }} }} }}'
    errors = httpx.post(f"{server}/graphql", json={"query": query}).json()["errors"]
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "breakdown"}
    assert "is not broken down by 'age'" in errors[0]["message"]


def test_ranking_defaults_to_the_targets_region_and_latest_period(gql, seeded):
    r = indicator_field(
        gql, "2.1", "ranking { indicator among { code } period entries { rank value area { code } } }"
    )["ranking"]
    assert (r["among"]["code"], r["period"], len(r["entries"])) == ("1084", "2022-09", 29)
    ranks = [e["rank"] for e in r["entries"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert next(e["rank"] for e in r["entries"] if e["area"]["code"] == "151") == 3
    earlier = indicator_field(
        gql, "2.1", 'ranking(period: "2021-09", among: "1084") { entries { rank area { code } } }'
    )["ranking"]
    assert next(e["rank"] for e in earlier["entries"] if e["area"]["code"] == "151") == 11


def test_status_table_for_all_municipalities(gql, seeded):
    table = gql(
        f'{{ statusTable(strategyId: "{STRATEGY}", version: "2022") {{ strategyId version indicators areas cells }} }}'
    )["statusTable"]
    assert len(table["areas"]) == 98 and len(table["indicators"]) == 26 and len(table["cells"]) == 98
    row = table["cells"][table["areas"].index("151")]
    assert row[table["indicators"].index("2.1")] == ["2022-09", "2.15", "ACHIEVED"]
    assert row[table["indicators"].index("2.5")] == [None, None, "NO_DATA"]
    other = table["cells"][table["areas"].index("101")][table["indicators"].index("2.1")]
    assert other == ["2022-09", "2.0", "ACHIEVED"]  # the value as stored
