"""Headless Chromium (Debian's package) driven by Playwright; no browser download."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine's network is closed; do not try
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError(
            "Chromium is needed for the browser tests: `make test` installs it (scripts/ensure-chromium.sh)"
        )
    with sync_playwright() as p:
        # Playwright gives each launch a fresh, empty profile of its own.
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    yield page
    context.close()
