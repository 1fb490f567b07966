"""Issue 17, items 3 and 4, over HTTP against the real server: errors stay in the field
they belong to, unknown ids are NOT_FOUND, variables that do not fit are BAD_USER_INPUT
in JSON's words; the request language (Accept-Language), `strategies(owner:)`, enum
names accepted where the schema shows them, and units stated in the schema.

Expected values are from tests/synthetic.py by hand: 3.1 for 151 in 2022-12 is 9.5 against
the country's 10 (at or above), so the gap is 10 − 9.5 = 0.5 percentage points, closer
than 2021-12's 10 − 8 = 2: ON_TRACK."""

import httpx
import pytest

STRATEGY = "ballerup-beskaeftigelsesstrategi"
THE_STRATEGY = f'strategy(id: "{STRATEGY}")'
GOALS = (
    "query($area: String!) { " + THE_STRATEGY + ' { revision(version: "2022") { focusAreas { number '
    "goal { statement evaluation(area: $area) { status gap referenceLabel explanation } } } } } }"
)


@pytest.fixture(scope="module")
def client(server, seeded):
    with httpx.Client(base_url=server, timeout=10) as c:
        yield c


def post(client, query: str, headers=None, **variables) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def goal_3(answer: dict) -> dict:
    return answer["data"]["strategy"]["revision"]["focusAreas"][2]["goal"]


# ── item 4: the request's language ───────────────────────────────────────────────────
def test_accept_language_sets_every_text_field_without_its_own_lang(client):
    danish = goal_3(post(client, GOALS, area="151"))
    english = goal_3(post(client, GOALS, {"accept-language": "en-GB,en;q=0.9,da;q=0.5"}, area="151"))
    assert danish["evaluation"]["referenceLabel"] == "Hele landet"
    assert english["evaluation"]["referenceLabel"] == "Whole country"  # stayed Danish before
    assert english["statement"].startswith("Activity-ready social-assistance recipients")
    assert english["evaluation"]["explanation"].startswith("3.1, 2022-12: 9.5 % against 10.0 %")
    assert (english["evaluation"]["status"], english["evaluation"]["gap"]) == ("ON_TRACK", "0.5")


def test_a_fields_own_lang_wins_over_the_request_language(client):
    query = "{ " + THE_STRATEGY + " { da: name(lang: DA) en: name } }"
    named = post(client, query, {"accept-language": "en"})["data"]["strategy"]
    assert named == {"da": "Beskæftigelsesstrategi", "en": "Employment strategy"}


def test_danish_is_rated_above_english_when_the_header_says_so(client):
    query = "{ " + THE_STRATEGY + " { name } }"
    answer = post(client, query, {"accept-language": "de, en;q=0.5, da;q=0.7"})
    assert answer["data"]["strategy"]["name"] == "Beskæftigelsesstrategi"


def test_the_answer_cache_and_etag_keep_languages_apart(client):
    # The same GET three times: an English answer must never be served to a Danish reader.
    params = {"query": "{ " + THE_STRATEGY + " { name } }"}
    first = client.get("/graphql", params=params, headers={"accept-language": "da"})
    english = client.get("/graphql", params=params, headers={"accept-language": "en"})
    again = client.get("/graphql", params=params, headers={"accept-language": "da"})
    assert first.json()["data"]["strategy"]["name"] == "Beskæftigelsesstrategi"
    assert english.json()["data"]["strategy"]["name"] == "Employment strategy"
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert english.headers["etag"] != first.headers["etag"]
    assert "Accept-Language" in english.headers["vary"]
    revalidated = client.get(
        "/graphql", params=params, headers={"accept-language": "en", "if-none-match": first.headers["etag"]}
    )
    assert revalidated.status_code == 200  # the Danish ETag does not validate the English answer


# ── item 3: errors stay where they happen ────────────────────────────────────────────
def test_a_bad_area_nulls_only_the_evaluation_it_was_given_to(client):
    answer = post(client, GOALS, area="nope")
    areas = answer["data"]["strategy"]["revision"]["focusAreas"]
    assert [a["number"] for a in areas] == [1, 2, 3, 4, 5]
    assert [a["goal"]["evaluation"] for a in areas] == [None] * 5
    assert areas[2]["goal"]["statement"].startswith("Aktivitetsparate")
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"BAD_USER_INPUT"}
    assert answer["errors"][0]["path"][-1] == "evaluation"
    assert answer["errors"][0]["extensions"]["argument"] == "area"


def test_the_deprecated_status_still_answers_as_the_contract_says(client):
    # Non-null in the published contract: its error reaches the revision (why it is deprecated).
    query = GOALS.replace("evaluation(area: $area)", "status(area: $area)")
    assert post(client, query, area="nope")["data"] == {"strategy": {"revision": None}}
    assert goal_3(post(client, query, area="151"))["status"]["gap"] == "0.5"
    fields = post(
        client, '{ __type(name: "Goal") { fields(includeDeprecated: true) { name isDeprecated } } }'
    )
    deprecated = {f["name"]: f["isDeprecated"] for f in fields["data"]["__type"]["fields"]}
    assert (deprecated["status"], deprecated["evaluation"]) == (True, False)


@pytest.mark.parametrize(
    ("query", "path", "argument", "id"),
    [
        ('{ strategy(id: "typo") { id } }', ["strategy"], "id", "typo"),
        (
            "{ " + THE_STRATEGY + ' { revision(version: "1999") { version } } }',
            ["strategy", "revision"],
            "version",
            "1999",
        ),
        (
            "{ " + THE_STRATEGY + ' { revision(version: "2022") { indicator(id: "9.9") { id } } } }',
            ["strategy", "revision", "indicator"],
            "id",
            "9.9",
        ),
        ('{ statusTable(strategyId: "typo") { version } }', ["statusTable"], "strategyId", "typo"),
    ],
)
def test_an_unknown_id_is_not_found_and_named(client, query, path, argument, id):
    answer = post(client, query.replace("{ ", "{ areas(kind: COUNTRY) { code } ", 1))
    (error,) = answer["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": argument, "id": id}
    assert error["path"] == path and repr(id) in error["message"]
    assert answer["data"]["areas"] == [{"code": "DK"}]  # the rest of the answer stands


def test_an_unknown_id_is_cut_short_in_the_error(client):
    answer = post(client, "query($id: ID!) { strategy(id: $id) { id } }", id="x" * 10_000)
    (error,) = answer["errors"]
    assert error["extensions"]["id"] == "x" * 40 and len(error["message"]) < 100


def test_a_variable_that_does_not_fit_is_bad_user_input_without_python_reprs(client):
    query = "query($a: String!) { strategies(owner: $a) { id } }"
    for value, shown in (({"x": 1}, '{"x":1}'), (True, "true"), ([1, None], "[1,null]")):
        answer = post(client, query, a=value)
        assert "data" not in answer
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].endswith(shown), error["message"]
        assert "{'" not in error["message"] and "True" not in error["message"]
    strict = client.post(
        "/graphql",
        json={"query": query, "variables": {"a": {"x": 1}}},
        headers={"accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 400 and strict.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_missing_input_field_names_the_object_in_json(client):
    query = (
        "query($b: [BreakdownFilter!]) { " + THE_STRATEGY + ' { revision { indicator(id: "O1") '
        '{ series(area: "151", breakdown: $b) { cell } } } } }'
    )
    answer = post(client, query, b=[{"dimension": "age"}])
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].endswith('found: {"dimension":"age"}.'), error["message"]


# ── item 4: filters, enums both ways, units ──────────────────────────────────────────
def test_strategies_by_owner(client):
    query = "query($owner: String) { strategies(owner: $owner) { id owner { code } } }"
    owned = post(client, query, owner="151")["data"]["strategies"]
    assert len(owned) == 3 and {s["owner"]["code"] for s in owned} == {"151"}
    assert post(client, query, owner="101")["data"]["strategies"] == []  # København owns none here
    assert len(post(client, query)["data"]["strategies"]) == 3
    refused = post(client, query, owner="Ballerup")
    assert refused["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "owner"}


def test_a_breakdown_dimension_is_accepted_as_the_schema_shows_it(client):
    query = (
        "query($d: String!) { " + THE_STRATEGY + ' { revision { indicator(id: "O1") { breakdowns '
        'series(area: "151", breakdown: [{dimension: $d, value: "16-24"}]) { cell } } } } }'
    )
    shown = post(client, query, d="AGE")["data"]["strategy"]["revision"]["indicator"]
    assert shown["breakdowns"] == ["AGE"] and shown["series"]["cell"] == "age=16-24"
    assert post(client, query, d="age")["data"]["strategy"]["revision"]["indicator"] == shown
    refused = post(client, query, d="GENDER")
    assert (
        refused["errors"][0]["message"]
        == "indicator O1 is not broken down by 'GENDER' (it declares: AGE (age))"
    )


def test_the_schema_states_decimals_as_strings_and_gaps_in_percentage_points(client):
    query = """{ decimal: __type(name: "Decimal") { description }
      evaluation: __type(name: "Evaluation") { fields { name description } } }"""
    data = post(client, query)["data"]
    assert "JSON string" in data["decimal"]["description"]
    fields = {f["name"]: f["description"] for f in data["evaluation"]["fields"]}
    assert "percentage points" in fields["gap"] and "unit" in fields["value"]


@pytest.mark.parametrize(
    ("field", "arguments", "argument"),
    [
        ("timeSeries", 'area: "nope"', "area"),
        ("timeSeries", 'area: "151", from: "not a period"', "from"),
        ("rankingFor", 'among: "151"', "among"),
    ],
)
def test_a_bad_argument_nulls_only_the_series_or_ranking_it_was_given_to(client, field, arguments, argument):
    query = (
        "{ "
        + THE_STRATEGY
        + ' { revision { indicator(id: "O1") { id '
        + field
        + "("
        + arguments
        + ") { __typename } } } } }"
    )
    answer = post(client, query)
    assert answer["data"]["strategy"]["revision"]["indicator"] == {"id": "O1", field: None}
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["path"][-1] == field
    assert error["extensions"].get("argument", argument) == argument
    # The deprecated non-null twin still answers as the contract says: its error nulls the indicator.
    old = query.replace("timeSeries", "series").replace("rankingFor", "ranking")
    assert post(client, old)["data"] == {"strategy": {"revision": {"indicator": None}}}


def test_the_twins_answer_what_the_deprecated_fields_answer(client):
    fields = (
        'timeSeries(area: "151") { area indicator points { periods } } rankingFor { period entries { rank } }'
    )
    query = "{ " + THE_STRATEGY + ' { revision { indicator(id: "O1") { ' + fields + " } } } }"
    new = post(client, query)["data"]["strategy"]["revision"]["indicator"]
    old_fields = fields.replace("timeSeries", "series").replace("rankingFor", "ranking")
    old = post(client, query.replace(fields, old_fields))["data"]["strategy"]["revision"]["indicator"]
    assert new["timeSeries"] == old["series"] and new["rankingFor"] == old["ranking"]


def test_an_unknown_owner_nulls_only_strategies_owned_by(client):
    answer = post(client, '{ strategiesOwnedBy(owner: "Ballerup") { id } areas(kind: COUNTRY) { code } }')
    assert answer["data"] == {"strategiesOwnedBy": None, "areas": [{"code": "DK"}]}
    assert answer["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "owner"}
    owned = post(client, '{ strategiesOwnedBy(owner: "151") { id } }')["data"]["strategiesOwnedBy"]
    assert len(owned) == 3
    assert post(client, '{ strategiesOwnedBy(owner: "101") { id } }')["data"]["strategiesOwnedBy"] == []


def test_an_unknown_revision_in_a_diff_nulls_only_the_diff(client):
    query = "{ " + THE_STRATEGY + ' { id diff(from: "2019", to: "2022") { to } } }'
    answer = post(client, query)
    assert answer["data"] == {"strategy": {"id": STRATEGY, "diff": None}}
    (error,) = answer["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "from", "id": "2019"}
    assert error["message"] == f"strategy {STRATEGY} has no revision '2019' (it has 2020, 2022)"
    forward = post(client, "{ " + THE_STRATEGY + ' { diff(from: "2020", to: "2022") { from to } } }')
    assert forward["data"]["strategy"]["diff"] == {"from": "2020", "to": "2022"}
