"""The quality bar on every page type, in German and English, over real HTTP.

For each page in PAGES: the expected status and <html lang>, no cookie for anonymous
visitors, no vnu error (all pages validated in one vnu run), zero axe-core WCAG 2.1 A/AA
violations at 1280 and 320 px, nothing refused by the Content-Security-Policy, one visible
h1 with JavaScript disabled, and German content marked lang="de" on English pages.

To cover a new page type, add a PageCase to PAGES; its data goes into tests/builders_quality.py.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
from werkzeug.routing import BuildError

from app.extensions import db
from tests.builders_quality import QualitySite, build_quality_site
from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server

LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class PageCase:
    """One page type: an endpoint with its arguments (QualitySite attribute names are resolved)
    and query, or a fixed German `path` (English: under /en)."""

    name: str
    endpoint: str = ""
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    status: int = 200
    path: str = ""


PAGES = [
    PageCase("home", "public.home"),
    PageCase("field", "public.field", {"slug": "field_slug"}),
    PageCase("field-filtered", "public.field", {"slug": "field_slug"}, {"status": "in_progress"}),
    PageCase("milestones", "public.milestones"),
    PageCase("milestones-filtered", "public.milestones", query={
        "field": "field_slug", "status": "in_progress", "department": "department_slug",
        "q": "bürgerkonto", "sort": "progress",
    }),
    PageCase("milestones-overdue", "public.milestones", query={"overdue": "1", "sort": "target_date"}),
    PageCase("milestones-no-result", "public.milestones", query={"q": "kein Treffer zu diesem Suchtext"}),
    PageCase("milestones-bad-input", "public.milestones", query={"status": "unbekannt", "page": "abc"}),
    PageCase("milestones-page-beyond", "public.milestones", query={"page": "99999"}),
    PageCase("milestone", "public.milestone", {"slug": "milestone_slug"}),
    PageCase("milestone-with-children", "public.milestone", {"slug": "parent_slug"}),
    PageCase("roadmap", "strategy.roadmap"),
    PageCase("departments", "strategy.departments"),
    PageCase("champions", "strategy.champions"),
    PageCase("progress-rules", "strategy.progress_rules"),
    PageCase("imprint", "pages.imprint"),
    PageCase("privacy", "pages.privacy"),
    PageCase("accessibility", "pages.accessibility"),
    PageCase("easy-language", "pages.easy_language"),
    PageCase("sign-language", "pages.sign_language"),
    PageCase("unknown-milestone", "public.milestone", {"slug": "gibt-es-nicht"}, status=404),
    PageCase("not-found", path="/diese-seite-gibt-es-nicht", status=404),
]

CASES = [pytest.param(case, lang, id=f"{case.name}-{lang}") for case in PAGES for lang in LANGUAGES]
ENGLISH_CASES = [pytest.param(case, "en", id=f"{case.name}-en") for case in PAGES]


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict
    body: str


def resolve(value, site: QualitySite):
    return getattr(site, value) if isinstance(value, str) and hasattr(site, value) else value


class Site:
    """The running server with the built data, the URL of each case and its answer."""

    def __init__(self, server, data: QualitySite):
        self.server = server
        self.data = data
        self.urls: dict[str, str | BuildError] = {}
        self.fetched: dict[str, Fetched] = {}

    def key(self, case: PageCase, lang: str) -> str:
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
        args = {k: resolve(v, self.data) for k, v in {**case.args, **case.query}.items()}
        try:
            return self.server.url_for(case.endpoint, lang=lang, **args)
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


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_live_server(tmp_path_factory.mktemp("quality")) as server:
        with server.app.app_context():
            data = build_quality_site()
            db.session.commit()
        yield Site(server, data)
        exceptions = list(server.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


@pytest.fixture(scope="module")
def vnu_reports(site):
    """Every page that answers, validated in one vnu run."""
    documents = {}
    for case in PAGES:
        for lang in LANGUAGES:
            try:
                documents[site.key(case, lang)] = site.fetch(case, lang).body
            except pytest.fail.Exception:
                continue  # the case's own tests report the missing endpoint
    return validate_documents(documents)


def visit(page, site: Site, case: PageCase, lang: str) -> None:
    response = page.goto(site.url(case, lang), wait_until="load")
    assert response is not None and response.status == case.status, (
        f"{page.url}: status {response.status if response else None}, expected {case.status}"
    )


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_status_language_and_no_cookie(site, case, lang):
    fetched = site.fetch(case, lang)
    assert fetched.status == case.status, f"{fetched.url}: status {fetched.status}, expected {case.status}"
    assert fetched.headers.get("Content-Type", "").startswith("text/html")
    match = re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", fetched.body)
    assert match and match.group(1) == lang, f"{fetched.url}: <html lang> is {match and match.group(1)!r}, expected {lang!r}"
    assert "Set-Cookie" not in fetched.headers, f"{fetched.url} sets a cookie: {fetched.headers['Set-Cookie']}"


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_valid_html(site, vnu_reports, case, lang):
    site.url(case, lang)
    report = vnu_reports[site.key(case, lang)]
    assert report.valid, f"{site.url(case, lang)}\n{report.describe()}"


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_accessible_at_1280_and_320_px(site, page, case, lang):
    visit(page, site, case, lang)
    assert_accessible(page)


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_nothing_refused_by_the_content_security_policy(site, page_strict, case, lang):
    visit(page_strict, site, case, lang)
    errors = page_strict.console_errors
    if case.status >= 400:
        # The browser logs the page's own error status; that is the expected answer.
        errors = [e for e in errors if f"status of {case.status}" not in e]
    assert not errors, f"{page_strict.url}: the browser reported\n" + "\n".join(errors)


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_works_without_javascript(site, page_nojs, case, lang):
    visit(page_nojs, site, case, lang)
    headings = page_nojs.locator("h1")
    assert headings.count() == 1, f"{page_nojs.url}: {headings.count()} h1 elements, expected exactly one"
    assert headings.first.is_visible() and headings.first.inner_text().strip(), f"{page_nojs.url}: the h1 is not shown"


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


@pytest.mark.parametrize(("case", "lang"), ENGLISH_CASES)
def test_german_content_is_marked_on_english_pages(site, page, case, lang):
    visit(page, site, case, lang)
    unmarked = page.evaluate(FIND_UNMARKED_GERMAN, list(site.data.german_content))
    assert not unmarked, f"{page.url}: German content outside an element with lang=\"de\":\n" + "\n".join(unmarked)
