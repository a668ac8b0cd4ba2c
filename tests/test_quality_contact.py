"""The quality bar on the contact pages (issue 13, item 2): status, one h1, axe at 1280 and 320 px,
vnu, German content marked on English pages; forms empty, with errors, and without an address."""
from __future__ import annotations

import pytest

from app.settings import set_setting
from tests.builders import make_department, make_milestone
from tests.helpers.html import validate_documents
from tests.helpers.live import serving
from tests.helpers.quality import check_page_in, submit

pytestmark = pytest.mark.browser

GERMAN_CONTENT = ("Digitales Bürgerkonto", "Bürgeramt", "Leitung Bürgerservice")
LANGS = ["de", "en"]


def build_contact_site() -> None:
    set_setting("contact_email", "rathaus@musterstadt.example")
    department = make_department(name="Bürgeramt", slug="buergeramt")
    department.contact_email = "intern@musterstadt.example"
    quiet = make_department(name="Stilles Amt", slug="stilles-amt")
    make_milestone(title="Digitales Bürgerkonto", slug="buergerkonto", department=department,
                   contact_role="Leitung Bürgerservice")
    make_milestone(title="Ohne Adresse", slug="ohne-adresse", department=quiet)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("contact-quality"), build_contact_site) as live:
        yield live


def check(page, response, documents, name: str, lang: str = "de", status: int = 200) -> None:
    german = tuple(text for text in GERMAN_CONTENT if text in page.content())
    check_page_in(page, response, documents, name, lang, status, german)


@pytest.mark.parametrize("lang", LANGS)
def test_contact_pages(server, page, documents, lang):
    for name, endpoint, args in (
        ("milestone-contact", "contact.milestone", {"slug": "buergerkonto"}),
        ("milestone-no-address", "contact.milestone", {"slug": "ohne-adresse"}),
        ("department-contact", "contact.department", {"slug": "buergeramt"}),
        ("contact-sent", "contact.sent", {}),
        ("barrier-form", "contact.barrier", {}),
        ("barrier-sent", "contact.barrier_sent", {"bestaetigung": 1}),
        ("accessibility", "pages.accessibility", {}),
        ("departments", "strategy.departments", {}),
    ):
        check(page, page.goto(server.url_for(endpoint, lang=lang, **args)), documents, name, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_form_errors(server, page, documents, lang):
    page.goto(server.url_for("contact.milestone", slug="buergerkonto", lang=lang))
    page.fill("#email", "keine-adresse")
    check(page, submit(page, "main form button[type=submit]"), documents, "contact-errors", lang, status=422)
    page.goto(server.url_for("contact.barrier", lang=lang))
    page.fill("#email", "keine-adresse")
    check(page, submit(page, "main form button[type=submit]"), documents, "barrier-errors", lang, status=422)


def test_valid_html(documents):
    assert documents, "no page was collected"
    reports = validate_documents(documents)
    invalid = [report.describe() for report in reports.values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
