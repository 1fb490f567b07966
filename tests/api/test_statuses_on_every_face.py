"""UNDECIDED, NOT_MET_PROGRESS_UNKNOWN and NOT_APPLICABLE through every face: GraphQL,
REST, the figures and the status page, in Danish and English, from figures imported into
a SQLite file of their own and served by a real uvicorn. All figures are SYNTHETIC.

The figures, and what they must give (hand-computed):
- 2.1 (among the ten best of Region Hovedstaden's 29, lower is better), 2022-09: only
  Ballerup 3.0 and København 2.5 known → Ballerup between no. 2 (the 27 missing all
  worse) and no. 29 (all better): UNDECIDED, not "nr. 2 af 2".
- 2.2 (at or below the national level), 2022-12: Ballerup 30 against the country's 29, and
  nothing for 2021-12 → NOT_MET_PROGRESS_UNKNOWN.
- 2.1 for the country (DK 3.1 in 2022-09): a rank among municipalities → NOT_APPLICABLE.
"""

import xml.etree.ElementTree as ET

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes
from tests.service import UNLIMITED_ADDRESSES, serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
CSV = """indicator,area,period,value,published,source
2.1,151,2022-09,3.0,2022-10-15,SYNTETISK
2.1,101,2022-09,2.5,2022-10-15,SYNTETISK
2.1,DK,2022-09,3.1,2022-10-15,SYNTETISK
2.2,151,2022-12,30,2023-01-10,SYNTETISK
2.2,DK,2022-12,29,2023-01-10,SYNTETISK
"""
UNDECIDED_DA = (
    "2.1, 2022-09: 3,0 % (sammenlignet med: Region Hovedstaden, plads 10; værdier for 2 af 29 kommuner, "
    "så nr. 2 til 29 af 29); uafklaret: målet er nået, hvis de 27 manglende værdier alle er dårligere, "
    "og ikke nået, hvis de alle er bedre."
)
UNDECIDED_EN = (
    "2.1, 2022-09: 3.0 % (compared with: the Capital Region of Denmark, rank 10; values for 2 of 29 municipalities, "
    "so no. 2 to 29 of 29); undecided: the target is met if the 27 missing values are all worse, "
    "and not met if they are all better."
)
NOT_APPLICABLE_EN = (
    "2.1, 2022-09: 3.1 %; not applicable: the target ranks municipalities, not the whole country."
)
NOT_APPLICABLE_DA = "2.1, 2022-09: 3,1 %; gælder ikke: målet rangerer kommuner, ikke hele landet."
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('statuses') / 'kpi.sqlite3'}"
    services = open_services(url)
    report = import_bytes(
        CSV.encode(), "statuses.csv", services.observations, services.strategies, services.areas
    )
    assert not report.rejected, report.problems
    with serving(url, **UNLIMITED_ADDRESSES) as served:
        yield served


def gql(base: str, query: str) -> dict:
    body = httpx.post(f"{base}/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return body["data"]


def indicator_status(base: str, indicator: str, area: str) -> dict:
    fields = "status value reference gap rank rankOf rankBest rankWorst rankKnown da: explanation(lang: DA) en: explanation(lang: EN)"
    data = gql(
        base,
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicator(id: "{indicator}") {{ status(area: "{area}") {{ {fields} }} }} }} }} }}',
    )
    return data["strategy"]["revision"]["indicator"]["status"]


def test_graphql_a_rank_on_two_of_29_is_undecided_with_its_bounds(base):
    s = indicator_status(base, "2.1", "151")
    assert {k: s[k] for k in ("status", "value", "reference", "gap", "rank", "rankOf")} == {
        "status": "UNDECIDED",
        "value": "3.0",
        "reference": None,
        "gap": None,
        "rank": None,
        "rankOf": 29,
    }
    assert (s["rankBest"], s["rankWorst"], s["rankKnown"]) == (2, 29, 2)
    assert (s["da"], s["en"]) == (UNDECIDED_DA, UNDECIDED_EN)
    goal = gql(
        base,
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ focusAreas {{ goal {{ status(area: "151") {{ status }} }} }} }} }} }}',
    )
    assert goal["strategy"]["revision"]["focusAreas"][1]["goal"]["status"]["status"] == "UNDECIDED"


def test_graphql_not_met_without_a_year_earlier_is_progress_unknown(base):
    s = indicator_status(base, "2.2", "151")
    assert (s["status"], s["gap"]) == ("NOT_MET_PROGRESS_UNKNOWN", "1")
    assert s["da"].endswith(
        "målet er ikke nået; udviklingen er ukendt, fordi der er ingen værdi for 151 i 2021-12."
    )
    assert s["en"].endswith(
        "the target is not met; progress is unknown because there is no value for 151 in 2021-12."
    )


def test_graphql_a_rank_for_the_country_or_a_region_is_not_applicable(base):
    s = indicator_status(base, "2.1", "DK")
    assert (s["status"], s["value"], s["rankOf"]) == ("NOT_APPLICABLE", "3.1", None)
    assert (s["da"], s["en"]) == (NOT_APPLICABLE_DA, NOT_APPLICABLE_EN)
    region = indicator_status(base, "2.1", "1084")  # no figure at all: still "does not apply"
    assert region["status"] == "NOT_APPLICABLE"
    assert region["en"] == "2.1: not applicable: the target ranks municipalities, not regions."


def test_rest_status_carries_the_new_statuses_and_rank_bounds(base):
    page = httpx.get(f"{base}/api/status/151", params={"revision": "2022"}).json()
    goal2 = page["goals"][1]["status"]
    assert (
        goal2["status"],
        goal2["rank"],
        goal2["rankOf"],
        goal2["rankBest"],
        goal2["rankWorst"],
        goal2["rankKnown"],
    ) == (
        "UNDECIDED",
        None,
        29,
        2,
        29,
        2,
    )
    assert goal2["explanation"] == {"da": UNDECIDED_DA, "en": UNDECIDED_EN}
    rows = {r["id"]: r["status"]["status"] for r in page["goals"][1]["indicators"]}
    assert rows["2.2"] == "NOT_MET_PROGRESS_UNKNOWN"
    country = httpx.get(f"{base}/api/status/DK", params={"revision": "2022"}).json()
    assert country["goals"][1]["status"]["status"] == "NOT_APPLICABLE"
    schema = httpx.get(f"{base}/openapi.json").json()["components"]["schemas"]["Evaluation"]["properties"]
    assert {"UNDECIDED", "NOT_MET_PROGRESS_UNKNOWN", "NOT_APPLICABLE"} <= set(schema["status"]["enum"])
    assert {"rankBest", "rankWorst", "rankKnown"} <= set(schema)


def test_figure_json_svg_and_page_in_both_languages(base):
    data = httpx.get(f"{base}/figures/2.1/151.json", params={"lang": "en"}).json()["status"]
    assert (
        data["status"],
        data["rank"],
        data["rankOf"],
        data["rankBest"],
        data["rankWorst"],
        data["rankKnown"],
    ) == (
        "UNDECIDED",
        None,
        29,
        2,
        29,
        2,
    )
    assert data["explanation"] == UNDECIDED_EN
    desc = ET.fromstring(httpx.get(f"{base}/figures/2.1/151.svg").text).find(f"{SVG}desc").text
    assert "Sammenlignet med Region Hovedstaden, plads 10." in desc  # no "ingen værdi" for the 10th value
    assert "Placering: nr. 2 til 29 af 29 (værdier for 2)." in desc
    assert "Status: uafklaret: tallene afgør ikke, om målet er nået." in desc
    desc_en = ET.fromstring(httpx.get(f"{base}/figures/2.1/151.svg?lang=en").text).find(f"{SVG}desc").text
    assert (
        "Rank: no. 2 to 29 of 29 (values for 2). Status: undecided: the figures do not decide whether it is met."
        in desc_en
    )
    html = httpx.get(f"{base}/figures/2.1/151.html?lang=en").text
    assert "<strong>Undecided: the figures do not decide whether it is met</strong>" in html
    assert "Rank: no. 2 to 29 of 29 (values for 2)." in html
    assert "Ikke nået, udvikling ukendt" not in html
    progress = httpx.get(f"{base}/figures/2.2/151.html").text
    assert "<strong>Ikke nået, udvikling ukendt</strong>" in progress
    country = httpx.get(f"{base}/figures/2.1/DK.json", params={"lang": "da"}).json()["status"]
    assert (country["status"], country["explanation"]) == ("NOT_APPLICABLE", NOT_APPLICABLE_DA)
    assert "<strong>Gælder ikke for området</strong>" in httpx.get(f"{base}/figures/2.1/DK.html").text


@pytest.mark.parametrize(
    ("lang", "undecided", "unknown", "bounds", "legend"),
    [
        (
            "da",
            "Uafklaret",
            "Ikke nået, udvikling ukendt",
            "nr. 2 til 29 af 29 (værdier for 2)",
            "kan ikke afgøres",
        ),
        (
            "en",
            "Undecided",
            "Not met, progress unknown",
            "no. 2 to 29 of 29 (values for 2)",
            "cannot be decided",
        ),
    ],
)
def test_status_page_badges_bounds_and_legend(base, lang, undecided, unknown, bounds, legend):
    page = httpx.get(f"{base}/status/151", params={"revision": "2022", "lang": lang}).text
    assert (
        f'<span class="badge badge--undecided"><span class="badge__symbol" aria-hidden="true">?</span> {undecided}</span>'
        in page
    )
    assert f'aria-hidden="true">✗?</span> {unknown}</span>' in page
    assert bounds in page and "nr. 2 af 2" not in page and "no. 2 of 2" not in page
    legend_part = page[page.index('id="legend-heading"') :]
    assert legend in legend_part
    assert "er ikke mindre end et år før" not in legend_part.split(unknown)[1].split("</dd>")[0]
    country = httpx.get(f"{base}/status/DK", params={"revision": "2022", "lang": lang}).text
    assert ("Gælder ikke" if lang == "da" else "Not applicable") in country
    assert ("ikke hele landet" if lang == "da" else "not the whole country") in country
