"""REST, the OpenAPI document, caching headers and problems, over HTTP (real server)."""

import httpx
from openapi_spec_validator import validate

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes

STRATEGY = "ballerup-beskaeftigelsesstrategi"


def test_openapi_document_is_valid_and_every_path_answers(server, seeded):
    document = httpx.get(f"{server}/openapi.json").json()
    validate(document)
    examples = {
        "/api/strategies": "/api/strategies",
        "/api/strategies/{strategy}": f"/api/strategies/{STRATEGY}",
        "/api/strategies/{strategy}/revisions/{version}": f"/api/strategies/{STRATEGY}/revisions/2022",
        "/api/status/{area}": "/api/status/151?revision=2022",
        "/api/status-changes": "/api/status-changes?area=151",
        "/figures/{indicator}/{file}": "/figures/2.1/151.json",
        "/figures/{indicator}/{area}/share": "/figures/2.1/151/share",
    }
    assert set(document["paths"]) == set(examples)
    for path in examples.values():
        assert httpx.get(f"{server}{path}").status_code == 200, path


def test_strategies_and_revisions(server, seeded):
    strategies = httpx.get(f"{server}/api/strategies").json()
    employment = next(s for s in strategies if s["id"] == STRATEGY)
    assert employment["revisionInForce"] == "2022"
    assert [r["version"] for r in employment["revisions"]][:2] == ["2020", "2022"]
    revision = httpx.get(f"{server}/api/strategies/{STRATEGY}/revisions/2020").json()
    assert revision["adopted_on"] == "2020-10-06" and revision["focus_areas"][1]["key_figure"] == "2.1"


def test_goal_status_per_area_equals_graphql(server, gql, seeded):
    rest = httpx.get(f"{server}/api/status/151?revision=2022").json()
    graph = gql(
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ focusAreas {{ number goal {{ status(area: "151") {{ status value referenceLabel }} }} }} }} }} }}'
    )
    for goal, area in zip(rest["goals"], graph["strategy"]["revision"]["focusAreas"], strict=True):
        status = area["goal"]["status"]
        assert (goal["status"]["status"], goal["status"]["value"]) == (status["status"], status["value"])
        assert (goal["status"]["referenceLabel"] or {}).get("da") == status["referenceLabel"]


def test_problems_are_json_and_name_the_fix(server, seeded):
    for path, status, words in [
        ("/api/status/999", 404, "There is no area '999'"),
        ("/api/status/151?asOf=yesterday", 400, "asOf must be a date YYYY-MM-DD"),
        ("/figures/9.9/151.json", 404, "There is no indicator '9.9'"),
        ("/figures/2.1/151.gif", 404, "as .svg, .png, .html, .csv, .xlsx, .json or .txt"),
        ("/figures/2.1/151.json?theme=pink", 400, "theme must be light, dark or auto"),
        ("/api/strategies/nope", 404, "There is no strategy 'nope'"),
    ]:
        response = httpx.get(f"{server}{path}")
        assert response.status_code == status, path
        assert response.headers["content-type"] == "application/problem+json"
        assert words in response.json()["detail"]


def test_etag_revalidation_gives_304_and_a_write_changes_the_etag(server, database_url, seeded):
    url = f"{server}/api/status/151?revision=2022"
    first = httpx.get(url)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = httpx.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    services = open_services(database_url)
    report = import_bytes(
        b"indicator,area,period,value,source\n4.4,151,2022-12,26,SYNTETISK\n",
        "etag.csv",
        services.observations,
        services.strategies,
        services.areas,
    )
    assert report.added == 1
    after = httpx.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag  # no stale answer after a write
    row = next(r for g in after.json()["goals"] for r in g["indicators"] if r["id"] == "4.4")
    assert row["status"]["value"] == "26"


def test_public_formats_allow_any_origin_and_no_cookies(server, seeded):
    rest = httpx.get(f"{server}/api/strategies")
    assert rest.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in rest.headers
