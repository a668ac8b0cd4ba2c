"""The quality bar on the feeds page, the widgets and the snippet page, in German and English.

Anonymous pages (over real HTTP): status and <html lang>, no cookie, no vnu error (one vnu
run), zero axe-core WCAG 2.1 A/AA violations at 1280 and 320 px, nothing refused by the
Content-Security-Policy, exactly one visible h1 without JavaScript, German content marked
lang="de" on English pages. The admin's snippet page: signed in through the login form,
status, one h1, axe and vnu.

To cover another page, add a PageCase to PUBLIC or ADMIN; the checks on PUBLIC are
tests.helpers.quality.PublicPageChecks.
"""
from __future__ import annotations

import pytest

from app.models import Role
from tests.builders.auth import make_account
from tests.builders.quality import build_quality_site
from tests.helpers.live import serving
from tests.helpers.quality import LANGUAGES, PageCase, PublicPageChecks, PublicSite, assert_documents_valid
from tests.helpers.quality import check_page
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin-einbetten@example.org"

PUBLIC = [
    PageCase("feeds", "feeds.index"),
    PageCase("widget-field", "embed.field", {"slug": "field_slug"}),
    PageCase("widget-list", "embed.milestones"),
    PageCase("widget-list-filtered", "embed.milestones",
             query={"field": "field_slug", "status": "in_progress", "department": "department_slug", "q": "konto"}),
    PageCase("widget-list-overdue", "embed.milestones", query={"overdue": "1"}),
    PageCase("widget-list-no-result", "embed.milestones", query={"q": "kein Treffer zu diesem Suchtext"}),
    PageCase("widget-list-bad-input", "embed.milestones", query={"status": "unbekannt", "page": "abc"}),
    PageCase("widget-list-beyond-last-page", "embed.milestones", query={"page": "40"}),
    PageCase("widget-milestone", "embed.milestone", {"slug": "milestone_slug"}),
    PageCase("widget-milestone-with-children", "embed.milestone", {"slug": "parent_slug"}),
]
ADMIN = [
    PageCase("snippets", "embed.snippets"),
    PageCase("snippets-chosen", "embed.snippets",
             query={"field": "field_slug", "status": "planned", "overdue": "1", "milestone": "parent_slug"}),
    PageCase("snippets-bad-input", "embed.snippets", query={"status": "unbekannt", "milestone": "gibt-es-nicht"}),
]


def build_site():
    data = build_quality_site()
    make_account(email=ADMIN_EMAIL, roles=(Role.ADMIN,), display_name="Admin")
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("quality-feeds-embed"), build_site,
                 EMBED_ALLOWED_ORIGINS=["https://www.musterstadt.example"]) as server:
        yield PublicSite(server)


class TestPublicPages(PublicPageChecks):
    cases = PUBLIC

    def english_cases(self):
        return [case for case in PUBLIC if case.name != "widget-list-no-result"]


def test_snippet_pages_are_valid_and_accessible(site, page, documents):
    sign_in_browser(page, site.server, ADMIN_EMAIL)
    for case in ADMIN:
        for lang in LANGUAGES:
            check_page(page, page.goto(site.url(case, lang), wait_until="load"), documents, site.key(case, lang))
            assert page.locator("textarea.snippet-code").count() >= 3
    assert_documents_valid(documents)


FIND_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
)
  .map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))
  .slice(0, 10)"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feeds_page_does_not_scroll_sideways_at_320_px(site, page, lang):
    page.set_viewport_size({"width": 320, "height": 800})
    site.visit(page, PUBLIC[0], lang)
    width = page.evaluate("document.documentElement.clientWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: {scroll_width} px wide at {width} px: {page.evaluate(FIND_WIDE)}"
