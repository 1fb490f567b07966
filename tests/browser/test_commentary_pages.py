"""Staff commentary in a real browser: shown beside the status as text (a text that is
markup runs nothing), in the page's language or marked as the other, and the pages still
have no serious or critical accessibility violation in light and dark mode."""

import datetime

import pytest

from kpi_api.bootstrap import open_services
from kpi_core import Lang
from kpi_core.commentary import Subject, SubjectKind
from tests.browser.test_pages import serious_violations
from tests.conftest import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
MARKUP = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('commentary-pages') / 'kpi.sqlite3'}"
    store = open_services(url).commentary
    now = datetime.datetime.now(datetime.UTC)
    indicator = Subject(STRATEGY, "2022", SubjectKind.INDICATOR, "2.1")
    store.add(indicator, "151", "2022-09", Lang.DA, f"Ledigheden steg.\n{MARKUP}", "Anna Jensen", now)
    store.add(
        Subject(STRATEGY, "2022", SubjectKind.GOAL, "M2"),
        "151",
        "2022-09",
        Lang.EN,
        "On the goal.",
        "Bo",
        now,
    )
    with serving(url) as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/status/151?revision=2022", "/figures/2.1/151.html?revision=2022&lang=en"])
def test_commentary_is_shown_as_text_and_the_page_stays_accessible(browser, server, scheme, path):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}{path}")
    texts = page.locator(".commentary__text").all_inner_texts()
    assert f"Ledigheden steg.\n{MARKUP}" in texts  # the markup as text, its line break kept
    assert page.evaluate("window.pwned") is None  # nothing in it ran
    assert serious_violations(page) == []
    context.close()


def test_a_commentary_not_in_the_pages_language_says_which_it_is(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/status/151?revision=2022")  # Danish; the goal's commentary is in English
    goal = page.locator("#goal-2 > .commentary .commentary__text")
    assert goal.inner_text() == "On the goal." and goal.get_attribute("lang") == "en"
    assert "Kommentar om 2022-09 · Bo" in page.locator("#goal-2 > .commentary").inner_text()
    context.close()
