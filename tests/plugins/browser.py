"""Browser fixtures: Playwright driving Debian chromium, axe-core and vnu assertions."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import sync_playwright

from tests.helpers import a11y, html
from tests.helpers.paths import CHROMIUM, require

# Without the background-networking flags chromium keeps calling hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses the browser, so `-m "not browser"` gives a quick run."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# One Playwright per process: a test module that imports the `browser` fixture gets a second
# fixture definition, and two sync Playwright instances cannot run in one thread.
_playwright = {"instance": None, "users": 0}


@contextmanager
def shared_playwright():
    if _playwright["users"] == 0:
        _playwright["instance"] = sync_playwright().start()
    _playwright["users"] += 1
    try:
        yield _playwright["instance"]
    finally:
        _playwright["users"] -= 1
        if _playwright["users"] == 0:
            _playwright["instance"].stop()
            _playwright["instance"] = None


@pytest.fixture(scope="session")
def browser():
    """One headless chromium per test process."""
    require(CHROMIUM)
    with shared_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, **context_options):
    """(context, page): a fresh browser context as a German visitor in Berlin sees it, and a page in it."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", timezone_id="Europe/Berlin", **context_options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A page in a fresh context; the CSP is bypassed so that axe can be injected."""
    context, page = new_page(browser, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture
def page_nojs(browser):
    """A page in a fresh context with JavaScript disabled."""
    context, page = new_page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def page_strict(browser):
    """A page with the site's CSP enforced; `page_strict.console_errors` collects what the browser refused."""
    context, page = new_page(browser)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """assert_accessible(page, width=None): zero axe WCAG 2.1 A/AA violations (default 1280 and 320 px)."""
    return a11y.assert_accessible


@pytest.fixture
def assert_valid_html():
    """assert_valid_html(html | url | [(name, html), ...]): no vnu errors, one JVM for all documents."""
    return html.assert_valid_html


@pytest.fixture(scope="module")
def documents():
    """name -> HTML of the pages a module visits, for one vnu run in its last test
    (tests.helpers.quality.check_page adds, assert_documents_valid validates)."""
    return {}


@pytest.fixture
def html_validator():
    """An HtmlValidator: .add(name, html) or .add_url(url) many documents, then .validate() once."""
    return html.HtmlValidator()
