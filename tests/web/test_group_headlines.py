"""Indicators with figures per group and no total, over HTTP (a real server on a real
SQLite file): GraphQL, REST, a figure and the status page, in Danish and English.

SYNTHETIC figures, imported once into the shared test database for two areas no other
test uses: Brøndby (153) and Dragør (155). Hand-computed expectations:

- 5.4 in 2022-12 under the 2022 revision (per target group, the worst group decides; better up, parity without
  tolerance), Brøndby:
  dagpenge 20 against 25 (gap 5; 2021-12: 15 against 25, gap 10) → on track;
  kontanthjælp 30 against 28 (gap −2) → achieved;
  uddannelseshjælp 10 against 20 (gap 10; 2021-12: 12 against 20, gap 8) → off track;
  → OFF_TRACK, shown with uddannelseshjælp's figures: 10 against 20, gap 10, worse than 12.
- 5.4, Dragør: dagpenge 30 against 25 → achieved; kontanthjælp's own figure suppressed →
  the headline cannot be achieved and is not decided (UNDECIDED, the missing group named).
- 5.3 (parity by origin, better down), Brøndby, per origin only: 14 against 10 in
  2022-06 (gap 4), 16 against 10 a year earlier (gap 6) → ON_TRACK, improving.
- 5.1 (monitored), Brøndby, per origin and target group only → MONITORING.
"""

import httpx
import pytest

from kpi_api.importing.service import import_bytes

STRATEGY = "ballerup-beskaeftigelsesstrategi"
FILE = "group-headlines.csv"
ROWS = """indicator,area,period,value,published,origin,target_group,source
5.4,153,2022-12,20,2023-01-10,non_western,dagpenge,SYNTETISK
5.4,153,2022-12,25,2023-01-10,danish+western,dagpenge,SYNTETISK
5.4,153,2021-12,15,2022-01-10,non_western,dagpenge,SYNTETISK
5.4,153,2021-12,25,2022-01-10,danish+western,dagpenge,SYNTETISK
5.4,153,2022-12,30,2023-01-10,non_western,kontanthjaelp,SYNTETISK
5.4,153,2022-12,28,2023-01-10,danish+western,kontanthjaelp,SYNTETISK
5.4,153,2022-12,10,2023-01-10,non_western,uddannelseshjaelp,SYNTETISK
5.4,153,2022-12,20,2023-01-10,danish+western,uddannelseshjaelp,SYNTETISK
5.4,153,2021-12,12,2022-01-10,non_western,uddannelseshjaelp,SYNTETISK
5.4,153,2021-12,20,2022-01-10,danish+western,uddannelseshjaelp,SYNTETISK
5.4,155,2022-12,30,2023-01-10,non_western,dagpenge,SYNTETISK
5.4,155,2022-12,25,2023-01-10,danish+western,dagpenge,SYNTETISK
5.4,155,2022-12,,2023-01-10,non_western,kontanthjaelp,SYNTETISK
5.4,155,2022-12,28,2023-01-10,danish+western,kontanthjaelp,SYNTETISK
5.3,153,2022-06,14,2022-07-15,non_western,,SYNTETISK
5.3,153,2022-06,10,2022-07-15,danish+western,,SYNTETISK
5.3,153,2021-06,16,2021-07-15,non_western,,SYNTETISK
5.3,153,2021-06,10,2021-07-15,danish+western,,SYNTETISK
5.1,153,2022-12,12,2023-01-10,non_western,kontanthjaelp,SYNTETISK
5.1,153,2022-12,4,2023-01-10,danish,kontanthjaelp,SYNTETISK
"""


@pytest.fixture(scope="module")
def groups(seeded):
    if not any(b.file_name == FILE for b in seeded.observations.batches()):
        report = import_bytes(ROWS.encode(), FILE, seeded.observations, seeded.strategies, seeded.areas)
        assert not report.rejected, report.problems
    return seeded


STATUS = """status(area: $area) { status period value reference gap trend
  explanation(lang: $lang)
  rollup { rule per counts { status count } deciding { value name(lang: $lang) } missing { value name(lang: $lang) } groups { value } }
  breakdown { cell { dimension value } evaluation { status gap } } }"""


def indicators(gql, area: str, lang: str = "DA") -> dict:
    asked = " ".join(
        f'i{n}: indicator(id: "5.{n}") {{ id rollup {{ per rule groups }} {STATUS} }}' for n in (1, 3, 4)
    )
    data = gql(
        f"""query($area: String!, $lang: Lang) {{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{
        {asked} }} }} }}""",
        area=area,
        lang=lang,
    )
    return {i["id"]: i for i in data["strategy"]["revision"].values()}


def test_graphql_the_worst_target_group_decides(gql, groups):
    found = indicators(gql, "153")
    assert found["5.4"]["rollup"] == {"per": "TARGET_GROUP", "rule": "WORST", "groups": []}
    assert found["5.3"]["rollup"] is None
    status = found["5.4"]["status"]
    assert {k: status[k] for k in ("status", "period", "value", "reference", "gap", "trend")} == {
        "status": "OFF_TRACK",
        "period": "2022-12",
        "value": "10",
        "reference": "20",
        "gap": "10",
        "trend": "WORSENING",
    }
    assert status["rollup"] == {
        "rule": "WORST",
        "per": "TARGET_GROUP",
        "counts": [
            {"status": "ACHIEVED", "count": 1},
            {"status": "ON_TRACK", "count": 1},
            {"status": "OFF_TRACK", "count": 1},
        ],
        "deciding": {"value": "uddannelseshjaelp", "name": "uddannelseshjælp"},
        "missing": [],
        "groups": [{"value": "dagpenge"}, {"value": "kontanthjaelp"}, {"value": "uddannelseshjaelp"}],
    }
    assert status["explanation"].startswith(
        "5.4, 2022-12: vurderet pr. målgruppe, hvor den dårligste gruppe afgør: 1 nået, 1 på rette vej og "
        "1 ikke på rette vej af 3 grupper; afgørende er uddannelseshjælp: 10,0 % mod 20,0 %"
    )
    assert [
        (b["cell"][0]["value"], b["evaluation"]["status"], b["evaluation"]["gap"])
        for b in status["breakdown"]
    ] == [
        ("dagpenge", "ON_TRACK", "5"),
        ("kontanthjaelp", "ACHIEVED", "-2"),
        ("uddannelseshjaelp", "OFF_TRACK", "10"),
    ]


def test_graphql_figures_per_origin_and_per_group_only_get_a_headline(gql, groups):
    found = indicators(gql, "153", "EN")
    parity = found["5.3"]["status"]
    assert (parity["status"], parity["period"], parity["value"], parity["reference"], parity["gap"]) == (
        "ON_TRACK",
        "2022-06",
        "14",
        "10",
        "4",
    )
    assert parity["trend"] == "IMPROVING"
    monitored = found["5.1"]["status"]
    assert (monitored["status"], monitored["period"]) == ("MONITORING", "2022-12")
    assert monitored["explanation"] == (
        "5.1, 2022-12: there is no figure in total for 153, only figures per origin and target group "
        "(see the breakdown); the figure is monitored without a target."
    )


def test_graphql_a_group_without_figures_keeps_the_headline_from_being_achieved(gql, groups):
    status = indicators(gql, "155", "EN")["5.4"]["status"]
    assert (status["status"], status["value"], status["trend"]) == ("UNDECIDED", None, "UNKNOWN")
    assert status["rollup"]["deciding"] is None
    assert status["rollup"]["missing"] == [{"value": "kontanthjaelp", "name": "social assistance"}]
    assert status["rollup"]["counts"] == [
        {"status": "ACHIEVED", "count": 1},
        {"status": "NO_DATA", "count": 1},
    ]
    assert status["explanation"] == (
        "5.4, 2022-12: judged per target group, the worst group deciding: 1 achieved and 1 without data of "
        "2 groups; there are no figures for social assistance, so whether the target is met cannot be "
        "decided: it is met only when every group has met it."
    )


def rest_row(server: str, area: str) -> dict:
    answer = httpx.get(f"{server}/api/status/{area}?revision=2022").json()
    goal = next(g for g in answer["goals"] if g["number"] == 5)
    return {r["id"]: r["status"] for r in goal["indicators"]}


def test_rest_carries_the_roll_up(server, groups):
    rows = rest_row(server, "153")
    assert (rows["5.4"]["status"], rows["5.4"]["value"], rows["5.4"]["gap"]) == ("OFF_TRACK", "10", "10")
    assert rows["5.4"]["rollup"] == {
        "rule": "worst",
        "per": "target_group",
        "groups": [
            {"value": "dagpenge", "name": {"da": "dagpenge", "en": "unemployment benefit"}},
            {"value": "kontanthjaelp", "name": {"da": "kontanthjælp", "en": "social assistance"}},
            {"value": "uddannelseshjaelp", "name": {"da": "uddannelseshjælp", "en": "education benefit"}},
        ],
        "counts": {"ACHIEVED": 1, "ON_TRACK": 1, "OFF_TRACK": 1},
        "deciding": {
            "value": "uddannelseshjaelp",
            "name": {"da": "uddannelseshjælp", "en": "education benefit"},
        },
        "missing": [],
    }
    assert "deciding is education benefit: 10.0 % against 20.0 %" in rows["5.4"]["explanation"]["en"]
    assert rows["5.3"]["status"] == "ON_TRACK" and rows["5.3"]["rollup"] is None
    undecided = rest_row(server, "155")["5.4"]
    assert (
        undecided["status"] == "UNDECIDED" and undecided["rollup"]["missing"][0]["value"] == "kontanthjaelp"
    )


def test_the_figure_draws_the_deciding_group(server, groups):
    base = f"{server}/figures/5.4/153"
    data = httpx.get(f"{base}.json?revision=2022&lang=en").json()
    assert (data["status"]["status"], data["status"]["value"]) == ("OFF_TRACK", "10")
    lines = {s["role"]: s for s in data["series"]}
    # Parity: the own line is the focus group's, named as the group (the title names Brøndby).
    assert lines["own"]["label"] == "Citizens of non-Western origin, education benefit"
    assert (lines["own"]["periods"], lines["own"]["values"]) == (["2021-12", "2022-12"], ["12", "10"])
    assert lines["reference"]["label"] == "Citizens of Danish and Western origin, education benefit"
    assert lines["reference"]["values"] == ["20", "20"]
    svg = httpx.get(f"{base}.svg?revision=2022").text
    assert "Seneste værdi: 10,0\u00a0% (december\u00a02022, uddannelseshjælp)." in svg
    html = httpx.get(f"{base}.html?revision=2022").text
    assert "vurderet pr. målgruppe, hvor den dårligste gruppe afgør" in html


@pytest.mark.parametrize(
    ("lang", "words", "missing"),
    [
        (
            "da",
            "Vurderet pr. målgruppe; den dårligste gruppe afgør: 1 nået, 1 på rette vej og 1 ikke på rette vej. "
            "Afgørende: uddannelseshjælp.",
            "Mangler tal for kontanthjælp.",
        ),
        (
            "en",
            "Judged per target group; the worst group decides: 1 achieved, 1 on track and 1 off track. "
            "Deciding: education benefit.",
            "No figures for social assistance.",
        ),
    ],
)
def test_the_status_page_says_which_group_decides(server, groups, lang, words, missing):
    page = httpx.get(f"{server}/status/153?revision=2022&lang={lang}").text
    assert words in page
    # The deciding group's value (5.4 declares one decimal), beside its period.
    assert f"{'10.0' if lang == 'en' else '10,0'}\u00a0% (2022-12, " in page
    assert missing in httpx.get(f"{server}/status/155?revision=2022&lang={lang}").text
