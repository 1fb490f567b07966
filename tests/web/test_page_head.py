"""What browsers and search engines read from a page's head: a favicon that is served,
and a description in the page's language (issue #18: Lighthouse found neither)."""

import httpx


def test_the_status_page_has_a_favicon_that_is_served_and_a_description(server, seeded):
    page = httpx.get(f"{server}/status/151?revision=2022").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = httpx.get(f"{server}/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and "<title>" in icon.text
    assert '<meta name="description" content="Status for målene i' in page
    english = httpx.get(f"{server}/status/151?revision=2022&lang=en").text
    assert '<meta name="description" content="Status of the goals of' in english


def test_a_figure_page_has_a_description_and_still_loads_nothing(server, seeded):
    page = httpx.get(f"{server}/figures/2.2/151.html?lang=en").text
    assert '<meta name="description" content="' in page and "the chart, its status and the figures" in page
    assert "<link" not in page  # an iframe's page fetches nothing besides itself
