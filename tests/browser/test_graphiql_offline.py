"""GraphiQL works with no internet: every request the page makes goes to this server
(anything else is aborted and recorded), nothing violates its policy, and a query typed
into it runs against /graphql and shows the answer."""

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


def test_graphiql_loads_offline_and_runs_a_query(browser, ide_server):
    context = browser.new_context()
    elsewhere: list[str] = []

    def only_this_server(route):
        if route.request.url.startswith(ide_server):
            return route.continue_()
        elsewhere.append(route.request.url)
        return route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{ide_server}/graphql", wait_until="load")
    page.wait_for_selector(".graphiql-container", timeout=20_000)
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    editor.click()
    page.evaluate(
        "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
        ".setValue('{ areas(kind: COUNTRY) { code } }')"
    )
    with page.expect_response(
        lambda r: r.url == f"{ide_server}/graphql" and r.request.method == "POST"
    ) as sent:
        page.locator(".graphiql-execute-button").click()
    assert sent.value.status == 200
    # (wait_for_function would evaluate a string, which the page's CSP rightly forbids)
    page.locator(".graphiql-response", has_text='"DK"').wait_for(timeout=10_000)
    violations = page.evaluate("window.__violations")
    context.close()
    assert elsewhere == [] and violations == [] and errors == [], (elsewhere, violations, errors)
