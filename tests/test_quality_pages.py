"""The quality bar on every page type, in German and English, over real HTTP.

For each page in PAGES: the expected status and <html lang>, no cookie for anonymous
visitors, no vnu error (all pages validated in one vnu run), zero axe-core WCAG 2.1 A/AA
violations at 1280 and 320 px, nothing refused by the Content-Security-Policy, one visible
h1 with JavaScript disabled, and German content marked lang="de" on English pages.

To cover a new page type, add a PageCase to PAGES; its data goes into tests/builders/quality.py.
The checks themselves are tests.helpers.quality.PublicPageChecks.
"""
from __future__ import annotations

import pytest

from tests.builders.quality import build_quality_site
from tests.helpers.live import serving
from tests.helpers.quality import PageCase, PublicPageChecks, PublicSite

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
    PageCase("comment-rules", "pages.comment_rules"),
    PageCase("unknown-milestone", "public.milestone", {"slug": "gibt-es-nicht"}, status=404),
    PageCase("not-found", path="/diese-seite-gibt-es-nicht", status=404),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("quality"), build_quality_site) as server:
        yield PublicSite(server)


class TestPublicPages(PublicPageChecks):
    cases = PAGES
