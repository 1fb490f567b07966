"""The status page and an embed page in a real browser (headless Chromium): the switches
work, the table shows what GraphQL answers, and axe-core finds no serious or critical
accessibility violations. The figures are the shared SYNTHETIC test dataset."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from kpi_core import Lang
from kpi_core.wording import format_number

STRATEGY = "ballerup-beskaeftigelsesstrategi"
STATUS_DA = {
    "ACHIEVED": "Nået",
    "ON_TRACK": "På rette vej",
    "OFF_TRACK": "Ikke på rette vej",
    "NOT_MET_PROGRESS_UNKNOWN": "Ikke nået, udvikling ukendt",
    "UNDECIDED": "Uafklaret",
    "MONITORING": "Følges",
    "NOT_APPLICABLE": "Gælder ikke",
    "NO_DATA": "Ingen data",
}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def row_cells(page, indicator: str) -> list[str]:
    row = page.locator("tr", has=page.locator("th[scope=row] .ind-id", has_text=indicator)).first
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_status_page_shows_what_graphql_answers(page, server, gql, seeded):
    page.goto(f"{server}/status/151?revision=2022&lang=da")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h2[id^=goal-]").count() == 5
    answer = gql(
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicators {{ id decimals status(area: "151") {{ status value period }} }} }} }} }}'
    )
    checked = 0
    for indicator in answer["strategy"]["revision"]["indicators"]:
        cells = row_cells(page, indicator["id"])
        status = indicator["status"]
        assert STATUS_DA[status["status"]] in cells[0], (indicator["id"], cells)
        if status["value"] is not None:
            # As printed: with the decimals the catalogue declares (GraphQL says how many).
            shown = format_number(Decimal(status["value"]), Lang.DA, indicator["decimals"])
            assert shown in cells[1] and status["period"] in cells[1], (indicator["id"], cells)
            checked += 1
    assert checked >= 5  # the synthetic dataset gives values for at least five indicators


def test_revision_and_language_switches(page, server, seeded):
    page.goto(f"{server}/status/151?revision=2022&lang=da")
    assert page.locator("th[scope=row] .ind-id", has_text="O1").count() == 1
    page.get_by_role("link", name="2020", exact=True).click()
    page.wait_for_url("**revision=2020**")
    assert page.locator("nav a[aria-current=page]", has_text="2020").count() == 1
    assert page.locator("th[scope=row] .ind-id", has_text="O1").count() == 0  # O1 came with 2022
    assert page.locator("th[scope=row] .ind-id", has_text="5.5").count() == 1  # dropped in 2022
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Goal 1" in page.locator("h2[id=goal-1-heading]").inner_text()
    assert "revision=2020" in page.url  # the revision choice is kept


@pytest.mark.parametrize("path", ["/status/151?revision=2022&lang=da", "/status/151?revision=2020&lang=en"])
def test_status_page_has_no_serious_accessibility_violations(page, server, seeded, path):
    page.goto(f"{server}{path}")
    assert serious_violations(page) == []


def test_embed_page_table_and_accessibility(page, server, gql, seeded):
    response = page.goto(f"{server}/figures/2.1/151.html?compare=101")
    assert "frame-ancestors" in response.headers["content-security-policy"]
    assert page.locator("svg[role=img]:visible title").count() == 1
    table = page.locator("table").first
    assert table.locator("caption").count() == 1 and table.locator("th[scope=col]").count() >= 2
    answer = gql(
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicator(id: "2.1") {{ status(area: "151") {{ value }} }} }} }} }}'
    )
    # As the page prints it: with the one decimal 2.1 declares in the catalogue.
    value = format_number(Decimal(answer["strategy"]["revision"]["indicator"]["status"]["value"]), Lang.DA, 1)
    assert value in table.inner_text()
    assert serious_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_page_in_light_and_dark_mode(browser, server, seeded, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/figures/2.2/151.html")
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_page_with_every_status_badge_in_light_and_dark_mode(browser, server, seeded, scheme):
    # The country's page: rank and national targets do not apply there (NOT_APPLICABLE
    # badges in the tables); the legend shows every status's badge.
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/status/DK?revision=2022&lang=en")
    assert page.locator("td .badge--not-applicable").count() >= 1
    assert page.locator(".legend .badge").count() == len(STATUS_DA)
    assert serious_violations(page) == []
    context.close()
