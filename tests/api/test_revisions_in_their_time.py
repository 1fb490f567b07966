"""Revisions judged in their own time, through a real server over a real SQLite file:
GraphQL, REST, a figure (JSON, SVG, HTML) and the status page, in Danish and English;
then a 2024 revision is published and supersedes 2022. All figures are SYNTHETIC and
the expected values are computed by hand in the comments."""

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes
from kpi_api.storage import tokens
from kpi_core.shipped import _DATA
from tests.conftest import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
# 3.1 ("op på landsniveau", 2020's and 2022's key figure of goal 3):
#   2021-12: 8 vs 10, gap 2 (2020-12: gap 3)  published January 2022, while 2020 was in force
#   2022-12: 10.5 vs 10: met                  published January 2023, under 2022
#   2023-12: 9 vs 10, gap 1 (2022-12: −0.5)   published June 2024, after a 2024 revision took over
# P5.1 (the 2015 plan, minimum 70 %): 2015 = 72 (met); 2025 = 60 after 65 in 2024 (not met, worse).
FIGURES = """indicator,area,period,value,published,source
3.1,151,2020-12,7,2021-01-10,SYNTETISK
3.1,DK,2020-12,10,2021-01-10,SYNTETISK
3.1,151,2021-12,8,2022-01-10,SYNTETISK
3.1,DK,2021-12,10,2022-01-10,SYNTETISK
3.1,151,2022-12,10.5,2023-01-10,SYNTETISK
3.1,DK,2022-12,10,2023-01-10,SYNTETISK
3.1,151,2023-12,9,2024-06-01,SYNTETISK
3.1,DK,2023-12,10,2024-06-01,SYNTETISK
P5.1,151,2014,68,2015-02-01,SYNTETISK
P5.1,151,2015,72,2016-02-01,SYNTETISK
P5.1,151,2024,65,2025-02-01,SYNTETISK
P5.1,151,2025,60,2026-02-01,SYNTETISK
"""
REVISION = """version status inForceFrom inForceUntil inForce superseded supersededBy reconstructed statedPeriod
  notice(lang: EN) judgedOn { kind asOf periodsFrom periodsUntil outsideOwnTime explanation(lang: EN) }"""
GOAL_3 = """query($s: ID!, $v: String!, $asOf: Date, $period: String, $lang: Lang) { strategy(id: $s) {
  revision(version: $v) { focusAreas { number goal { status(area: "151", asOf: $asOf, period: $period) {
    status period value gap judgedOn { kind asOf outsideOwnTime explanation(lang: $lang) } } } } } } }"""
PUBLISH = "mutation($text: String!) { publishRevision(catalogue: $text) { version published problems } }"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Its own database: publishing 2024 here must not change the shared server's catalogue."""
    url = f"sqlite:///{tmp_path_factory.mktemp('revisions') / 'kpi.sqlite3'}"
    services = open_services(url)
    report = import_bytes(
        FIGURES.encode(), "revisions.csv", services.observations, services.strategies, services.areas
    )
    assert not report.rejected, report.problems
    token, _ = tokens.create(services.engine, tokens.Scope.PUBLISH, "revisions test")
    with serving(url, anonymous_rate=1e9, anonymous_burst=10**9) as base:
        yield base, token


def gql(base: str, query: str, token: str | None = None, **variables) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    ).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def revision(base: str, strategy: str, version: str) -> dict:
    query = f'{{ strategy(id: "{strategy}") {{ revision(version: "{version}") {{ {REVISION} }} }} }}'
    return gql(base, query)["strategy"]["revision"]


def goal_3(base: str, version: str, **asked) -> dict:
    focus = gql(base, GOAL_3, s=STRATEGY, v=version, **asked)["strategy"]["revision"]["focusAreas"]
    return next(f["goal"]["status"] for f in focus if f["number"] == 3)


def test_graphql_the_superseded_2020_revision_in_its_own_time(served):
    base, _ = served
    r2020 = revision(base, STRATEGY, "2020")
    assert r2020 == {
        "version": "2020",
        "status": "SUPERSEDED",
        "inForceFrom": "2020-10-06",
        "inForceUntil": "2022-11-08",  # the day before 2022 is in force
        "inForce": False,
        "superseded": True,
        "supersededBy": "2022",
        "reconstructed": True,
        "statedPeriod": False,
        "notice": "Revision 2020 has been superseded by revision 2022 (in force from 9 November 2022); it was "
        "in force 6 October 2020 – 8 November 2022. Revision 2020 is partly reconstructed from later "
        "documents, not taken from its own; see the revision's remark.",
        "judgedOn": {
            "kind": "AS_PUBLISHED_AT_END",
            "asOf": "2022-11-08",
            "periodsFrom": None,
            "periodsUntil": None,
            "outsideOwnTime": False,
            "explanation": "Judged on the figures published by 8 November 2022, the revision's last day in force.",
        },
    }
    # Goal 3 under 2020: 2021-12's 8 against 10, the gap down from 3 to 2 — not 2022-12's 10.5.
    assert goal_3(base, "2020", lang="DA") == {
        "status": "ON_TRACK",
        "period": "2021-12",
        "value": "8",
        "gap": "2",
        "judgedOn": {
            "kind": "AS_PUBLISHED_AT_END",
            "asOf": "2022-11-08",
            "outsideOwnTime": False,
            "explanation": "Bedømt på de tal, der var offentliggjort til og med 8. november 2022, revisionens "
            "sidste dag i kraft.",
        },
    }
    # On 2023's figures only on request, and then labelled.
    asked = goal_3(base, "2020", asOf="2023-06-01", lang="EN")
    assert (
        asked["status"],
        asked["period"],
        asked["judgedOn"]["kind"],
        asked["judgedOn"]["outsideOwnTime"],
    ) == (
        "ACHIEVED",
        "2022-12",
        "REQUESTED",
        True,
    )
    assert asked["judgedOn"]["explanation"] == (
        "On request, judged on the figures published by 1 June 2023 – outside the revision's own time "
        "(6 October 2020 – 8 November 2022)."
    )


def test_the_status_table_of_2020_is_judged_in_its_own_time(served):
    base, _ = served
    table = gql(
        base,
        f"""{{ statusTable(strategyId: "{STRATEGY}", version: "2020") {{ version indicators areas cells
        judgedOn {{ kind asOf }} }} }}""",
    )["statusTable"]
    assert table["judgedOn"] == {"kind": "AS_PUBLISHED_AT_END", "asOf": "2022-11-08"}
    cell = table["cells"][table["areas"].index("151")][table["indicators"].index("3.1")]
    assert cell == ["2021-12", "8", "ON_TRACK"]


def test_graphql_the_2015_plan_on_2015s_figures(served):
    base, _ = served
    plan = revision(base, "ballerup-beskaeftigelsesplan", "2015")
    assert (plan["status"], plan["inForceUntil"], plan["statedPeriod"], plan["inForce"]) == (
        "ADOPTED",
        "2015-12-31",
        True,
        False,
    )
    assert plan["notice"] == "Revision 2015 applied 1 January 2015 – 31 December 2015."
    assert plan["judgedOn"] == {
        "kind": "STATED_PERIOD",
        "asOf": None,
        "periodsFrom": "2015-01-01",
        "periodsUntil": "2015-12-31",
        "outsideOwnTime": False,
        "explanation": "Judged on the figures for periods in 2015, which the revision is written for.",
    }
    query = """query($period: String) { strategy(id: "ballerup-beskaeftigelsesplan") { revision(version: "2015") {
      indicator(id: "P5.1") { status(area: "151", period: $period) { status period value
        judgedOn { kind outsideOwnTime explanation(lang: EN) } } } } } }"""
    own = gql(base, query)["strategy"]["revision"]["indicator"]["status"]
    assert (own["status"], own["period"], own["value"], own["judgedOn"]["kind"]) == (
        "ACHIEVED",  # 72 ≥ 70, in 2015 — not 2025's 60
        "2015",
        "72",
        "STATED_PERIOD",
    )
    late = gql(base, query, period="2025")["strategy"]["revision"]["indicator"]["status"]
    assert (late["status"], late["period"], late["judgedOn"]["kind"], late["judgedOn"]["outsideOwnTime"]) == (
        "OFF_TRACK",  # 60 < 70 and further from it than 2024's 65
        "2025",
        "REQUESTED",
        True,
    )
    # An indicator without a value in 2015 says where it looked (P4.1 has only 2013's 16.6 %).
    none = gql(
        base,
        """{ strategy(id: "ballerup-beskaeftigelsesplan") { revision(version: "2015") {
        indicator(id: "P4.1") { status(area: "151") { status explanation(lang: EN) } } } } }""",
    )["strategy"]["revision"]["indicator"]["status"]
    assert none == {
        "status": "NO_DATA",
        "explanation": "P4.1: there are no values for 151 in the periods from 2015-01 to 2015-12, which the "
        "revision is judged on.",
    }


def test_rest_says_which_figures_and_why_in_both_languages(served):
    base, _ = served
    strategy = httpx.get(f"{base}/api/strategies/{STRATEGY}").json()
    r2020 = next(r for r in strategy["revisions"] if r["version"] == "2020")
    assert (r2020["status"], r2020["inForceUntil"], r2020["supersededBy"], r2020["reconstructed"]) == (
        "superseded",
        "2022-11-08",
        "2022",
        True,
    )
    assert r2020["notice"]["da"].startswith(
        "Revision 2020 er afløst af revision 2022 (i kraft fra 9. november 2022)"
    )
    status = httpx.get(f"{base}/api/status/151?revision=2020").json()
    goal = next(g for g in status["goals"] if g["number"] == 3)
    assert (goal["status"]["status"], goal["status"]["period"]) == ("ON_TRACK", "2021-12")
    assert status["judgedOn"]["kind"] == "AS_PUBLISHED_AT_END" and status["judgedOn"]["asOf"] == "2022-11-08"
    assert status["judgedOn"]["explanation"]["en"].startswith(
        "Judged on the figures published by 8 November 2022"
    )
    notes = status["revisionNotes"]
    assert notes[0]["en"].startswith("Revision 2020 has been superseded by revision 2022")
    assert any(
        n["da"].startswith("Indikatorlisten for 2020 er rekonstrueret") for n in notes
    )  # its own remark


def test_a_figure_of_the_2020_revision_says_so_and_shows_what_it_is_judged_on(served):
    base, _ = served
    data = httpx.get(f"{base}/figures/3.1/151.json?revision=2020&lang=en").json()
    own = next(s for s in data["series"] if s["key"] == "own")
    assert own["periods"] == ["2020-12", "2021-12"]  # 2022-12's figure was published after 8 Nov 2022
    assert (data["status"]["status"], data["status"]["period"]) == ("ON_TRACK", "2021-12")
    assert data["judgedOn"]["kind"] == "AS_PUBLISHED_AT_END"
    assert data["revisionNotes"][0].startswith("Revision 2020 has been superseded by revision 2022")
    svg_en = httpx.get(f"{base}/figures/3.1/151.svg?revision=2020&lang=en").text
    svg_da = httpx.get(f"{base}/figures/3.1/151.svg?revision=2020").text
    # On the picture itself, beside the synthetic-data mark (these figures are SYNTETISK).
    assert ">SYNTHETIC DATA · REVISION 2020: SUPERSEDED, RECONSTRUCTED</text>" in svg_en
    assert ">SYNTETISKE DATA · REVISION 2020: AFLØST, REKONSTRUERET</text>" in svg_da
    assert "Revision 2020 er afløst af revision 2022" in svg_da  # in the text alternative too
    html = httpx.get(f"{base}/figures/3.1/151.html?revision=2020&lang=en").text
    assert '<p class="revision-note" role="note">Revision 2020 has been superseded' in html
    # The revision in force says nothing of the kind.
    assert (
        "revision-note"
        not in httpx.get(f"{base}/figures/3.1/151.html?revision=2022").text.split("</style>")[1]
    )


@pytest.mark.parametrize(
    ("lang", "heading", "superseded", "judged"),
    [
        (
            "da",
            "OM REVISION 2020",
            "Revision 2020 er afløst af revision 2022 (i kraft fra 9. november 2022)",
            "Bedømt på de tal, der var offentliggjort til og med 8. november 2022",
        ),
        (
            "en",
            "ABOUT REVISION 2020",
            "Revision 2020 has been superseded by revision 2022 (in force from 9 November 2022)",
            "Judged on the figures published by 8 November 2022",
        ),
    ],
)
def test_the_status_page_of_the_2020_revision_says_so(served, lang, heading, superseded, judged):
    base, _ = served
    page = httpx.get(f"{base}/status/151?revision=2020&lang={lang}").text
    assert heading in page and superseded in page and judged in page
    assert "notice--revision" not in httpx.get(f"{base}/status/151?revision=2022&lang={lang}").text


def test_publishing_a_2024_revision_supersedes_2022_and_pinned_answers_keep(served):
    base, token = served
    pinned_url = f"{base}/api/status/151?revision=2022&asOf=2024-12-01"
    pinned = httpx.get(pinned_url).json()
    before = goal_3(base, "2022")
    # In force and open-ended: the latest figures, 2023-12's 9 against 10 (gap 1, was −0.5).
    assert (before["status"], before["period"], before["judgedOn"]["kind"]) == (
        "OFF_TRACK",
        "2023-12",
        "LATEST",
    )
    assert revision(base, STRATEGY, "2022")["status"] == "ADOPTED"

    text = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
    new = text.replace('version = "2022"', 'version = "2024"', 1).replace(
        "in_force_from = 2022-11-09", "in_force_from = 2024-03-01", 1
    )
    new = new[: new.index("# ── What changed since the 2020 revision")]  # no changes against 2022
    done = gql(base, PUBLISH, token, text=new)["publishRevision"]
    assert done == {"version": "2024", "published": True, "problems": []}

    r2022 = revision(base, STRATEGY, "2022")
    assert (r2022["status"], r2022["inForceUntil"], r2022["inForce"], r2022["supersededBy"]) == (
        "SUPERSEDED",
        "2024-02-29",
        False,
        "2024",
    )
    in_force = gql(base, f'{{ strategy(id: "{STRATEGY}") {{ revision {{ version inForce status }} }} }}')
    assert in_force["strategy"]["revision"] == {"version": "2024", "inForce": True, "status": "ADOPTED"}
    # 2022 is now judged on what was published by 29 February 2024: 2022-12's 10.5 against 10.
    after = goal_3(base, "2022", lang="EN")
    assert (after["status"], after["period"], after["judgedOn"]["asOf"]) == (
        "ACHIEVED",
        "2022-12",
        "2024-02-29",
    )
    assert goal_3(base, "2024")["period"] == "2023-12"
    rest = httpx.get(f"{base}/api/strategies/{STRATEGY}").json()
    assert rest["revisionInForce"] == "2024"
    assert [r["status"] for r in rest["revisions"]] == ["superseded", "superseded", "adopted"]
    document = httpx.get(f"{base}/api/strategies/{STRATEGY}/revisions/2022").json()
    assert (document["status"], document["in_force_from"], document["in_force_until"]) == (
        "superseded",
        "2022-11-09",
        None,  # as published: its end is derived (see the summary above), never written into it
    )
    page = httpx.get(f"{base}/status/151?revision=2022&lang=en").text
    assert "Revision 2022 has been superseded by revision 2024 (in force from 1 March 2024)" in page

    # What we publish is pinned: a revision and a date answer as before (only the words
    # about the revision's time are new: it is now superseded).
    again = httpx.get(pinned_url).json()
    for answer in (pinned, again):
        answer.pop("judgedOn"), answer.pop("revisionNotes")
    assert again == pinned
