"""The quality bar on the feeds page, the widgets and the snippet page, in German and English.

Anonymous pages (over real HTTP): status and <html lang>, no cookie, no vnu error (one vnu
run), zero axe-core WCAG 2.1 A/AA violations at 1280 and 320 px, nothing refused by the
Content-Security-Policy, exactly one visible h1 without JavaScript, German content marked
lang="de" on English pages. The admin's snippet page: signed in through the login form,
status, one h1, axe and vnu.

To cover another page, add a Case to PUBLIC or ADMIN.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

from app.extensions import db
from app.models import Role
from tests import conftest
from tests.builders_auth import PASSWORD, make_account
from tests.builders_quality import QualitySite, build_quality_site
from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server

if "tests.plugins" not in getattr(conftest, "pytest_plugins", ()):
    # Until conftest.py loads tests.plugins for the whole suite (see tests/test_staff_quality.py).
    from tests.plugins.browser import browser, page, page_nojs, page_strict  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

LANGUAGES = ("de", "en")
ADMIN_EMAIL = "admin-einbetten@example.org"


@dataclass(frozen=True)
class Case:
    """A page: endpoint, URL arguments and query; QualitySite attribute names are resolved."""

    name: str
    endpoint: str
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)


PUBLIC = [
    Case("feeds", "feeds.index"),
    Case("widget-field", "embed.field", {"slug": "field_slug"}),
    Case("widget-list", "embed.milestones"),
    Case("widget-list-filtered", "embed.milestones",
         query={"field": "field_slug", "status": "in_progress", "department": "department_slug", "q": "konto"}),
    Case("widget-list-overdue", "embed.milestones", query={"overdue": "1"}),
    Case("widget-list-no-result", "embed.milestones", query={"q": "kein Treffer zu diesem Suchtext"}),
    Case("widget-list-bad-input", "embed.milestones", query={"status": "unbekannt", "page": "abc"}),
    Case("widget-list-beyond-last-page", "embed.milestones", query={"page": "40"}),
    Case("widget-milestone", "embed.milestone", {"slug": "milestone_slug"}),
    Case("widget-milestone-with-children", "embed.milestone", {"slug": "parent_slug"}),
]
ADMIN = [
    Case("snippets", "embed.snippets"),
    Case("snippets-chosen", "embed.snippets",
         query={"field": "field_slug", "status": "planned", "overdue": "1", "milestone": "parent_slug"}),
    Case("snippets-bad-input", "embed.snippets", query={"status": "unbekannt", "milestone": "gibt-es-nicht"}),
]
CASES = [pytest.param(case, lang, id=f"{case.name}-{lang}") for case in PUBLIC for lang in LANGUAGES]


class Site:
    def __init__(self, server, data: QualitySite):
        self.server = server
        self.data = data
        self.bodies: dict[str, tuple[int, dict, str]] = {}

    def url(self, case: Case, lang: str) -> str:
        values = {k: getattr(self.data, v, v) for k, v in {**case.args, **case.query}.items()}
        return self.server.url_for(case.endpoint, lang=lang, **values)

    def fetch(self, case: Case, lang: str) -> tuple[int, dict, str]:
        key = f"{case.name}-{lang}"
        if key not in self.bodies:
            try:
                with urllib.request.urlopen(self.url(case, lang), timeout=30) as response:
                    self.bodies[key] = (response.status, dict(response.headers), response.read().decode())
            except urllib.error.HTTPError as error:
                self.bodies[key] = (error.code, dict(error.headers), error.read().decode())
        return self.bodies[key]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_live_server(tmp_path_factory.mktemp("quality-feeds-embed"),
                             EMBED_ALLOWED_ORIGINS=["https://www.musterstadt.example"]) as server:
        with server.app.app_context():
            data = build_quality_site()
            db.session.commit()
            make_account(email=ADMIN_EMAIL, roles=(Role.ADMIN,), display_name="Admin")
        yield Site(server, data)
        exceptions = list(server.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


@pytest.fixture(scope="module")
def vnu_reports(site):
    return validate_documents({
        f"{case.name}-{lang}": site.fetch(case, lang)[2] for case in PUBLIC for lang in LANGUAGES
    })


def visit(page, site: Site, case: Case, lang: str) -> None:
    response = page.goto(site.url(case, lang), wait_until="load")
    assert response is not None and response.status == 200, f"{page.url}: {response.status if response else None}"


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_status_language_and_no_cookie(site, case, lang):
    status, headers, body = site.fetch(case, lang)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", body).group(1) == lang
    assert "Set-Cookie" not in headers, headers.get("Set-Cookie")


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_valid_html(vnu_reports, case, lang):
    report = vnu_reports[f"{case.name}-{lang}"]
    assert report.valid, report.describe()


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_accessible_at_1280_and_320_px(site, page, case, lang):
    visit(page, site, case, lang)
    assert_accessible(page)


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_nothing_refused_by_the_content_security_policy(site, page_strict, case, lang):
    visit(page_strict, site, case, lang)
    assert not page_strict.console_errors, "\n".join(page_strict.console_errors)


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_one_visible_h1_without_javascript(site, page_nojs, case, lang):
    visit(page_nojs, site, case, lang)
    headings = page_nojs.locator("h1")
    assert headings.count() == 1 and headings.first.is_visible()


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


@pytest.mark.parametrize("case", [c for c in PUBLIC if c.name != "widget-list-no-result"], ids=lambda c: c.name)
def test_german_content_is_marked_on_english_pages(site, page, case):
    visit(page, site, case, "en")
    unmarked = page.evaluate(FIND_UNMARKED_GERMAN, list(site.data.german_content))
    assert not unmarked, f"{page.url}: German content outside an element with lang=\"de\":\n" + "\n".join(unmarked)


def sign_in(page, site: Site) -> None:
    page.goto(site.server.url_for("auth.login"))
    page.fill("input[name=email]", ADMIN_EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_snippet_pages_are_valid_and_accessible(site, page):
    sign_in(page, site)
    documents = {}
    for case in ADMIN:
        for lang in LANGUAGES:
            response = page.goto(site.url(case, lang), wait_until="load")
            assert response is not None and response.status == 200, page.url
            assert page.locator("h1").count() == 1
            assert page.locator("textarea.snippet-code").count() >= 3
            assert_accessible(page)
            documents[f"{case.name}-{lang}"] = response.text()
    invalid = [report.describe() for report in validate_documents(documents).values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
