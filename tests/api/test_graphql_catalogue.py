"""The public GraphQL contract, answered over HTTP from the catalogue in SQLite."""

import httpx

from kpi_api.catalogue import Catalogue
from kpi_api.graphql.context import graphql_context
from kpi_api.graphql.schema import build_schema
from kpi_core import shipped_areas
from tests.conftest import run_async

STRATEGY = "ballerup-beskaeftigelsesstrategi"


def test_strategies_list_both_documents(gql):
    data = gql(
        "{ strategies { id name(lang: EN) owner { code name kind region { code } } revisions { version } } }"
    )
    assert data["strategies"] == [
        {
            "id": "ballerup-beskaeftigelsesplan",
            "name": "Employment plan",
            "owner": {"code": "151", "name": "Ballerup", "kind": "MUNICIPALITY", "region": {"code": "1084"}},
            "revisions": [{"version": "2015"}],
        },
        {
            "id": STRATEGY,
            "name": "Employment strategy",
            "owner": {"code": "151", "name": "Ballerup", "kind": "MUNICIPALITY", "region": {"code": "1084"}},
            "revisions": [{"version": "2020"}, {"version": "2022"}],
        },
        {
            "id": "ballerup-covid19-opfoelgning",
            "name": "Labour-market follow-up under COVID-19",
            "owner": {"code": "151", "name": "Ballerup", "kind": "MUNICIPALITY", "region": {"code": "1084"}},
            "revisions": [{"version": "2020"}],
        },
    ]


def test_revision_without_version_is_the_one_in_force_now(gql):
    data = gql("query($id: ID!) { strategy(id: $id) { revision { version status adoptedOn } } }", id=STRATEGY)
    assert data["strategy"]["revision"] == {"version": "2022", "status": "ADOPTED", "adoptedOn": None}


def test_revision_in_force_on_a_past_date(gql):
    data = gql(
        'query($id: ID!) { strategy(id: $id) { revision(asOf: "2021-03-01") { version adoptedOn } } }',
        id=STRATEGY,
    )
    assert data["strategy"]["revision"] == {"version": "2020", "adoptedOn": "2020-10-06"}


def test_focus_areas_goals_and_key_figures(gql):
    data = gql(
        """query($id: ID!) { strategy(id: $id) { revision(version: "2022") {
             principles { id }
             focusAreas { id number name(lang: EN) goal { id statement }
                          keyFigure { id isKeyFigure unit target { kind best reference description(lang: EN) } }
                          indicators { id isKeyFigure } }
             indicators { id } } } }""",
        id=STRATEGY,
    )
    revision = data["strategy"]["revision"]
    assert [p["id"] for p in revision["principles"]] == ["P1", "P2", "P3", "P4"]
    area2 = revision["focusAreas"][1]
    assert area2["name"] == "Insured unemployed citizens"
    assert area2["goal"]["statement"].startswith("Ballerup Kommune skal være blandt de ti kommuner")
    assert (
        area2["keyFigure"]
        == {
            "id": "2.1",
            "isKeyFigure": True,
            "unit": "percent",
            "target": {
                "kind": "rank_within",
                "best": 10,
                "reference": "region",
                "description": "Among the ten municipalities in the Capital Region of Denmark with the lowest share",  # the document's words
            },
        }
    )
    assert [i["isKeyFigure"] for i in area2["indicators"]] == [True, False, False, False, False, False]
    # Revision.indicators lists every indicator, the overall ones (no focus area) first.
    assert [i["id"] for i in revision["indicators"]][:3] == ["O1", "O2", "1.1"]
    assert len(revision["indicators"]) == 26


def test_indicator_change_against_the_previous_revision(gql):
    data = gql(
        """query($id: ID!) { strategy(id: $id) {
             r2022: revision(version: "2022") { indicators { id change { kind before { id } after { id } reason(lang: EN) } } }
             r2020: revision(version: "2020") { indicators { id change { kind } } } } }""",
        id=STRATEGY,
    )
    changes = {i["id"]: i["change"] for i in data["strategy"]["r2022"]["indicators"]}
    assert changes["1.5b"]["kind"] == "REPLACED"
    assert (changes["1.5b"]["before"], changes["1.5b"]["after"]) == ({"id": "1.5a"}, {"id": "1.5b"})
    assert "STAR" in changes["1.5b"]["reason"]
    assert changes["O1"]["kind"] == "ADDED" and changes["5.4"]["kind"] == "RESCOPED"
    assert changes["2.1"] == {
        "kind": "UNCHANGED",
        "before": {"id": "2.1"},
        "after": {"id": "2.1"},
        "reason": None,
    }
    assert {i["change"] is None for i in data["strategy"]["r2020"]["indicators"]} == {True}


def test_revision_diff_both_ways(gql):
    query = """query($id: ID!, $from: String!, $to: String!) {
      revisionDiff(strategyId: $id, from: $from, to: $to) {
        from to changes { kind before { id } after { id } } goals { id kind } } }"""
    forward = gql(query, id=STRATEGY, **{"from": "2020", "to": "2022"})["revisionDiff"]
    backward = gql(query, id=STRATEGY, **{"from": "2022", "to": "2020"})["revisionDiff"]
    assert (forward["from"], forward["to"]) == ("2020", "2022")
    kinds = {
        (c["before"] and c["before"]["id"], c["after"] and c["after"]["id"]): c["kind"]
        for c in forward["changes"]
    }
    assert kinds[("5.5", None)] == "REMOVED" and kinds[(None, "3.2")] == "ADDED"
    inverse = {"ADDED": "REMOVED", "REMOVED": "ADDED"}
    assert [(c["after"], c["before"], inverse.get(c["kind"], c["kind"])) for c in forward["changes"]] == [
        (c["before"], c["after"], c["kind"]) for c in backward["changes"]
    ]
    assert {"id": "M1", "kind": "REWORDED"} in forward["goals"]


def test_unknown_revision_is_a_clear_error(server):
    response = httpx.post(
        f"{server}/graphql",
        json={"query": f'{{ revisionDiff(strategyId: "{STRATEGY}", from: "2019", to: "2022") {{ to }} }}'},
    )
    error = response.json()["errors"][0]
    assert (
        error["message"]
        == "strategy ballerup-beskaeftigelsesstrategi has no revision '2019' (it has 2020, 2022)"
    )
    assert error["extensions"]["code"] == "NOT_FOUND"


class StrategyWithABug:
    """A fake whose revision lookup fails inside (a bug), not because a revision is unknown."""

    id = "broken"
    revisions = ()

    def revision(self, version):
        raise KeyError("an internal lookup went wrong")


def test_an_internal_key_error_in_a_diff_is_a_bug_not_not_found():
    catalogue = Catalogue(strategies=(StrategyWithABug(),), areas=shipped_areas())
    query = '{ revisionDiff(strategyId: "broken", from: "1", to: "2") { to } }'
    result = run_async(build_schema().execute(query, context_value=graphql_context(catalogue, None)))
    assert [e.extensions["code"] for e in result.errors] == ["INTERNAL_SERVER_ERROR"]


def test_areas_by_kind(gql):
    assert len(gql("{ areas(kind: MUNICIPALITY) { code } }")["areas"]) == 98
    regions = gql("{ areas(kind: REGION) { code name } }")["areas"]
    assert {"code": "1084", "name": "Region Hovedstaden"} in regions and len(regions) == 5
    assert gql("{ areas(kind: COUNTRY) { code name } }")["areas"] == [{"code": "DK", "name": "Hele landet"}]
    assert len(gql("{ areas { code } }")["areas"]) == 104


def test_health(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok", "strategies": 3}
