"""GraphiQL's Content-Security-Policy in a real browser: the page's own inline script is
allowed (its hash is right) and nothing it does violates the policy. The CDN is out of
reach here, so its scripts are refused by the test, not by the policy; the inline script
then stops at the first use of a library (`Cookies`), which shows that it ran."""

import pytest

from tests.conftest import serving

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="module")
def ide_server(database_url):
    with serving(database_url, graphiql=True) as base:
        yield base


def test_graphiql_runs_its_inline_script_under_its_policy(browser, ide_server):
    context = browser.new_context()
    context.route("https://unpkg.com/**", lambda route: route.abort())  # no internet in tests
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(f"{ide_server}/graphql")
    assert "script-src" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__violations")
    context.close()
    assert violations == []
    assert any("Cookies" in e for e in errors), errors  # the inline script ran up to the missing library
