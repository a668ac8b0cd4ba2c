"""The quality bar as data: the checks every browser quality test module runs on its pages.

Anonymous pages: list them as `PageCase`s in a `Test...(PublicPageChecks)` class and give the
module a module-scoped `site` fixture (a `PublicSite`); the class runs, for each page in German
and English, status + <html lang> + no cookie, vnu (one run), axe at 1280 and 320 px, the
Content-Security-Policy, one visible h1 without JavaScript and German content marked
lang="de" on English pages.

Signed-in pages: `sign_in_browser` (tests/plugins/auth.py), then `check_page` on each answer (status, one h1, axe; the HTML
is kept in the module's `documents` for `assert_documents_valid` in the module's last test).
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pytest
from werkzeug.routing import BuildError

from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.plugins.auth import sign_in_browser

LANGUAGES = ("de", "en")

FIND_UNMARKED_GERMAN = """(texts) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const unmarked = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!texts.some((text) => node.textContent.includes(text))) continue;
    const marked = node.parentElement.closest('[lang]');
    if (!marked || !marked.getAttribute('lang').toLowerCase().startsWith('de')) {
      unmarked.push(node.parentElement.outerHTML.slice(0, 200));
    }
  }
  return unmarked;
}"""


def resolve(data, values: Mapping) -> dict:
    """URL values with the names of `data`'s attributes replaced by their values."""
    return {k: getattr(data, v) if isinstance(v, str) and hasattr(data, v) else v for k, v in values.items()}


def assert_german_marked(page, texts: Iterable[str]) -> None:
    """Every text node holding one of `texts` sits inside an element with lang="de"."""
    unmarked = page.evaluate(FIND_UNMARKED_GERMAN, list(texts))
    assert not unmarked, f"{page.url}: German content outside an element with lang=\"de\":\n" + "\n".join(unmarked)


def assert_one_visible_h1(page) -> None:
    headings = page.locator("h1")
    assert headings.count() == 1, f"{page.url}: {headings.count()} h1 elements, expected exactly one"
    assert headings.first.is_visible() and headings.first.inner_text().strip(), f"{page.url}: the h1 is not shown"


def assert_nothing_refused(page_strict, status: int = 200) -> None:
    """The browser reported no error (for an error page: none but the page's own status)."""
    errors = page_strict.console_errors
    if status >= 400:
        errors = [e for e in errors if f"status of {status}" not in e]
    assert not errors, f"{page_strict.url}: the browser reported\n" + "\n".join(errors)


# Anonymous pages ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageCase:
    """One page: an endpoint with its arguments and query (names of the site data's attributes are
    resolved), or a fixed German `path` (English: under /en); the status it must answer with."""

    name: str
    endpoint: str = ""
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    status: int = 200
    path: str = ""


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict
    body: str


class PublicSite:
    """A live server with its built data (`server.data`): the URL of each case and its answer."""

    def __init__(self, server):
        self.server = server
        self.data = server.data
        self.urls: dict[str, str | BuildError] = {}
        self.fetched: dict[str, Fetched] = {}

    @staticmethod
    def key(case: PageCase, lang: str) -> str:
        return f"{case.name}-{lang}"

    def url(self, case: PageCase, lang: str) -> str:
        key = self.key(case, lang)
        if key not in self.urls:
            self.urls[key] = self._build_url(case, lang)
        url = self.urls[key]
        if isinstance(url, BuildError):
            pytest.fail(f"no URL for {case.endpoint} ({key}): {url}", pytrace=False)
        return url

    def _build_url(self, case: PageCase, lang: str) -> str | BuildError:
        if case.path:
            return self.server.absolute(("/en" if lang == "en" else "") + case.path)
        try:
            return self.server.url_for(case.endpoint, lang=lang, **resolve(self.data, {**case.args, **case.query}))
        except BuildError as error:
            return error

    def fetch(self, case: PageCase, lang: str) -> Fetched:
        key = self.key(case, lang)
        if key not in self.fetched:
            url = self.url(case, lang)
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    self.fetched[key] = Fetched(url, response.status, dict(response.headers), response.read().decode())
            except urllib.error.HTTPError as error:
                self.fetched[key] = Fetched(url, error.code, dict(error.headers), error.read().decode())
        return self.fetched[key]

    def visit(self, page, case: PageCase, lang: str) -> None:
        response = page.goto(self.url(case, lang), wait_until="load")
        assert response is not None and response.status == case.status, (
            f"{page.url}: status {response.status if response else None}, expected {case.status}")


class PublicPageChecks:
    """The quality bar on anonymous pages, each case in every language (ids "<case>-<lang>").

    Subclass it as `Test...` with `cases`; the module provides a module-scoped `site` fixture
    returning a PublicSite whose data has `german_content`.
    """

    cases: Sequence[PageCase] = ()
    languages: Sequence[str] = LANGUAGES

    def english_cases(self) -> Sequence[PageCase]:
        """The cases whose English page is searched for unmarked German content."""
        return self.cases

    def pytest_generate_tests(self, metafunc):
        if "case" not in metafunc.fixturenames:
            return
        if metafunc.function.__name__ == "test_german_content_is_marked_on_english_pages":
            pairs = [(case, "en") for case in self.english_cases()]
        else:
            pairs = [(case, lang) for case in self.cases for lang in self.languages]
        metafunc.parametrize(("case", "lang"), [pytest.param(c, lang, id=f"{c.name}-{lang}") for c, lang in pairs])

    @pytest.fixture(scope="class")
    @classmethod
    def vnu_reports(cls, site):
        """Every page that answers, validated in one vnu run."""
        documents = {}
        for case in cls.cases:
            for lang in cls.languages:
                try:
                    documents[site.key(case, lang)] = site.fetch(case, lang).body
                except pytest.fail.Exception:
                    continue  # the case's own tests report the missing endpoint
        return validate_documents(documents)

    def test_status_language_and_no_cookie(self, site, case, lang):
        fetched = site.fetch(case, lang)
        assert fetched.status == case.status, f"{fetched.url}: status {fetched.status}, expected {case.status}"
        assert fetched.headers.get("Content-Type", "").startswith("text/html")
        match = re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", fetched.body)
        assert match and match.group(1) == lang, (
            f"{fetched.url}: <html lang> is {match and match.group(1)!r}, expected {lang!r}")
        assert "Set-Cookie" not in fetched.headers, f"{fetched.url} sets a cookie: {fetched.headers['Set-Cookie']}"

    def test_valid_html(self, site, vnu_reports, case, lang):
        site.url(case, lang)
        report = vnu_reports[site.key(case, lang)]
        assert report.valid, f"{site.url(case, lang)}\n{report.describe()}"

    def test_accessible_at_1280_and_320_px(self, site, page, case, lang):
        site.visit(page, case, lang)
        assert_accessible(page)

    def test_nothing_refused_by_the_content_security_policy(self, site, page_strict, case, lang):
        site.visit(page_strict, case, lang)
        assert_nothing_refused(page_strict, case.status)

    def test_works_without_javascript(self, site, page_nojs, case, lang):
        site.visit(page_nojs, case, lang)
        assert_one_visible_h1(page_nojs)

    def test_german_content_is_marked_on_english_pages(self, site, page, case, lang):
        site.visit(page, case, lang)
        assert_german_marked(page, site.data.german_content)


# Signed-in pages ---------------------------------------------------------------------------------

def follow(locator):
    """Click a link or submit button and wait until the page it leads to has loaded; its response.

    A bare click returns once the navigation has started: checking the page right after it can
    see the old document or a half-parsed new one (that made the journeys flaky under load).
    """
    with locator.page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


def submit(page, selector: str, *, first: bool = False):
    """Click the (first, if `first`) element matching `selector` and return the navigation's response."""
    button = page.locator(selector)
    return follow(button.first if first else button)


def page_params(pages: Iterable[tuple[str, str, dict]], languages: Sequence[str] = LANGUAGES) -> list:
    """(name, endpoint, args) rows in every language: pytest params (case, lang), ids "<name>-<lang>"."""
    return [pytest.param(PageCase(name, endpoint, args), lang, id=f"{name}-{lang}")
            for name, endpoint, args in pages for lang in languages]


def check_get(page, server, documents: dict, case: PageCase, lang: str, sign_in_as: str | None = None) -> None:
    """Open the case's page as the page's user (signed in as `sign_in_as` first, if given) and
    `check_page` it, kept as "<name>-<lang>"."""
    if sign_in_as is not None:
        sign_in_browser(page, server, sign_in_as)
    response = page.goto(server.url_for(case.endpoint, lang=lang, **resolve(server.data, {**case.args, **case.query})))
    check_page(page, response, documents, f"{case.name}-{lang}", case.status)


def check_signed_in(page, server, documents: dict, email: str, endpoint: str, name: str, **args):
    """Sign in as `email`, open the endpoint's page and `check_page` it as `name`; the response."""
    sign_in_browser(page, server, email)
    response = page.goto(server.url_for(endpoint, **args))
    check_page(page, response, documents, name)
    return response


def check_page(page, response, documents: dict, name: str, status: int = 200) -> None:
    """The expected status, exactly one h1, no axe violation; the HTML kept as `name` for vnu."""
    assert response is not None and response.status == status, (
        f"{page.url}: status {response.status if response else None}, expected {status}")
    assert page.locator("h1").count() == 1, f"{page.url}: not exactly one h1"
    assert_accessible(page)
    documents[name] = response.text()


def check_page_in(page, response, documents: dict, name: str, lang: str = "de", status: int = 200,
                  german: Iterable[str] = ()) -> None:
    """`check_page`, kept as "<name>-<lang>"; on English pages the `german` texts must be marked lang="de"."""
    assert response is not None and response.status == status, (
        f"{page.url}: status {response.status if response else None}, expected {status}")
    assert page.locator("h1").count() == 1, f"{page.url}: not exactly one h1"
    assert_accessible(page)
    if lang == "en":
        assert_german_marked(page, german)
    documents[f"{name}-{lang}"] = response.text()


def assert_no_refusal_on(page_strict, urls: Iterable[str]) -> None:
    """Nothing refused by the Content-Security-Policy on any of the pages."""
    for url in urls:
        page_strict.goto(url)
    assert not page_strict.console_errors, page_strict.console_errors


def assert_documents_valid(documents: Mapping[str, str]) -> None:
    """Every collected document passes vnu (one run); there is at least one."""
    assert documents, "no page was collected"
    invalid = [report.describe() for report in validate_documents(documents).values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
