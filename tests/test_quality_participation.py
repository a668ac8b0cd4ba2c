"""The quality bar on the participation pages, in a real browser, over real HTTP.

Every page and state (anonymous and signed in, citizen, editor, admin, forms with errors,
refusals, the guest pages, the unanswered list), German and English: the expected status,
exactly one h1, zero axe-core WCAG 2.1 A/AA violations at 1280 and 320 px, no vnu error
(one run at the end), nothing refused by the Content-Security-Policy, German content marked
lang="de" on English pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.auth.tokens import issue_token
from app.extensions import db
from app.models import CommentRating, Flag, Role, utcnow
from app.participation.services.guests import GUEST_COMMENT_TOKEN
from app.settings import set_setting
from tests.builders import make_department, make_milestone
from tests.builders.auth import make_account
from tests.builders.comments import make_comment
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server, serving
from tests.helpers.quality import check_page_in, submit
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser

GERMAN_CONTENT = (
    "Digitales Bürgerkonto",
    "Bürgeramt",
    "Wann kann ich meinen Ausweis online beantragen?",
    "Das geht ab Mai, wir testen gerade.",
    "Mein eigener Kommentar",
)


@dataclass
class Data:
    slug: str
    closed_slug: str
    question_id: int
    own_id: int
    old_own_id: int
    guest_token: str


def build_participation_site() -> Data:
    set_setting("guest_comments", True)
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Digitales Bürgerkonto", department=department)
    closed = make_milestone(title="Geschlossene Diskussion", department=department, comments_closed=True)
    citizen = make_account(email="clara@example.org", display_name="Clara Citoyenne",
                           email_confirmed_at=utcnow())
    other = make_account(email="otto@example.org", display_name="Otto Ortsbeirat",
                         email_confirmed_at=utcnow())
    editor = make_account(email="redaktion@example.org", roles=(Role.EDITOR,), display_name="Rita Redaktion",
                          email_confirmed_at=utcnow())
    editor.departments = [department]
    make_account(email="admin@example.org", roles=(Role.ADMIN,), display_name="Anna Admin",
                 email_confirmed_at=utcnow())
    question = make_comment(milestone, other, "Wann kann ich meinen Ausweis online beantragen?\n"
                            "Mehr dazu: https://example.org/ausweis", created_at=utcnow() - timedelta(days=2))
    make_comment(milestone, editor, "Das geht ab Mai, wir testen gerade.", parent=question, is_official=True,
                 department_id=department.id)
    question.answer_status = "answered"
    make_comment(milestone, citizen, "Danke für die Auskunft.", parent=question)
    waiting = make_comment(milestone, other, "Gibt es das auch in Leichter Sprache?",
                           created_at=utcnow() - timedelta(hours=5))
    make_comment(milestone, other, "Gemeldeter Text", status="held")
    make_comment(milestone, other, "Entfernter Text", status="rejected", moderation_reason="Beleidigung")
    make_comment(milestone, other, "Gelöschter Text", status="deleted")
    make_comment(milestone, citizen, "Wartet noch auf Freigabe", status="pending")
    old_own = make_comment(milestone, citizen, "Alter eigener Kommentar", created_at=utcnow() - timedelta(hours=1))
    own = make_comment(milestone, citizen, "Mein eigener Kommentar")
    db.session.add(CommentRating(comment_id=waiting.id, user_id=citizen.id, helpful=True))
    waiting.helpful_count = 1
    db.session.add(Flag(comment_id=question.id, user_id=citizen.id, reason="spam"))
    guest = make_comment(milestone, None, "Gastkommentar", status="pending", guest_name="Gerda",
                         guest_email="gerda@example.org")
    token = issue_token(GUEST_COMMENT_TOKEN, timedelta(hours=2), payload={"comment_id": guest.id})
    db.session.flush()
    return Data(milestone.slug, closed.slug, question.id, own.id, old_own.id, token)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("participation-quality"), build_participation_site) as live:
        yield live


def check(page, response, documents, name: str, lang: str = "de", status: int = 200) -> None:
    check_page_in(page, response, documents, name, lang, status, GERMAN_CONTENT)


LANGS = ["de", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_anonymous_pages(server, page, documents, lang):
    data = server.data
    response = page.goto(server.url_for("public.milestone", slug=data.slug, lang=lang))
    check(page, response, documents, "milestone-anonymous", lang)
    assert not page.context.cookies(), "an anonymous milestone page set a cookie"
    for name, endpoint, args in (
        ("guest-form", "participation.guest_comment", {"slug": data.slug}),
        ("guest-sent", "participation.guest_comment_sent", {"slug": data.slug}),
        ("guest-confirm", "participation.confirm_guest_comment", {"token": data.guest_token}),
    ):
        check(page, page.goto(server.url_for(endpoint, lang=lang, **args)), documents, name, lang)


def test_guest_form_errors_and_invalid_link(server, page, documents):
    page.goto(server.url_for("participation.guest_comment", slug=server.data.slug))
    page.fill("#email", "keine-adresse")
    check(page, submit(page, "main form button[type=submit]"), documents, "guest-form-errors", status=422)
    response = page.goto(server.url_for("participation.confirm_guest_comment", token="ungueltig"))
    check(page, response, documents, "guest-confirm-invalid", status=404)


@pytest.mark.parametrize("lang", LANGS)
def test_citizen_pages(server, page, documents, lang):
    data = server.data
    sign_in_browser(page, server, "clara@example.org", fresh=True)
    for name, endpoint, args in (
        ("milestone-citizen", "public.milestone", {"slug": data.slug}),
        ("milestone-closed", "public.milestone", {"slug": data.closed_slug}),
        ("comment-form", "participation.new_comment", {"slug": data.slug}),
        ("reply-form", "participation.reply", {"comment_id": data.question_id}),
        ("edit-form", "participation.edit", {"comment_id": data.own_id}),
        ("delete-confirm", "participation.delete", {"comment_id": data.own_id}),
        ("flag-form", "participation.flag", {"comment_id": data.question_id}),
    ):
        check(page, page.goto(server.url_for(endpoint, lang=lang, **args)), documents, name, lang)
    response = page.goto(server.url_for("participation.edit", comment_id=data.old_own_id, lang=lang))
    check(page, response, documents, "edit-refused", lang, status=403)


def test_citizen_form_errors(server, page, documents):
    data = server.data
    sign_in_browser(page, server, "clara@example.org", fresh=True)
    page.goto(server.url_for("participation.new_comment", slug=data.slug))
    check(page, submit(page, "main form button[type=submit]"), documents, "comment-form-errors", status=422)
    page.goto(server.url_for("participation.flag", comment_id=data.question_id))
    page.check("input[name=reason][value=other]")
    check(page, submit(page, "main form button[type=submit]"), documents, "flag-form-errors", status=422)
    # The inline form on the milestone page, sent empty: the comment page with the messages.
    page.goto(server.url_for("public.milestone", slug=data.slug))
    check(page, submit(page, "form.comment-form button[type=submit]"), documents, "inline-comment-errors",
          status=422)


@pytest.mark.parametrize("lang", LANGS)
def test_editor_pages(server, page, documents, lang):
    data = server.data
    sign_in_browser(page, server, "redaktion@example.org", fresh=True)
    for name, endpoint, args in (
        ("milestone-editor", "public.milestone", {"slug": data.slug}),
        ("reply-form-official", "participation.reply", {"comment_id": data.question_id}),
        ("unanswered", "participation.unanswered", {}),
    ):
        check(page, page.goto(server.url_for(endpoint, lang=lang, **args)), documents, name, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_admin_milestone_page(server, page, documents, lang):
    sign_in_browser(page, server, "admin@example.org", fresh=True)
    response = page.goto(server.url_for("public.milestone", slug=server.data.slug, lang=lang))
    check(page, response, documents, "milestone-admin", lang)


def test_buttons_work_and_lead_back(server, page, documents):
    """Support and rating through the real buttons, CSRF included: back at the anchor."""
    data = server.data
    sign_in_browser(page, server, "otto@example.org", fresh=True)
    page.goto(server.url_for("public.milestone", slug=data.slug))
    response = submit(page, "form.support-form button[type=submit]")
    assert response.status == 200 and page.url.endswith("#unterstuetzung")
    assert "1 Person ist dieses Etappenziel wichtig." in page.locator("#unterstuetzung").inner_text()
    check(page, response, documents, "milestone-after-support")


def test_throttled_page(tmp_path, page, documents):
    """The 429 page of the comment limit, with the typed text kept for copying."""
    with running_live_server(tmp_path, RATELIMIT_ENABLED=True, COMMENT_LIMIT_PER_ACCOUNT="1 per minute") as live:
        with live.app.app_context():
            milestone = make_milestone(title="Digitales Bürgerkonto")
            make_account(email="clara@example.org", email_confirmed_at=utcnow())
            db.session.commit()
            slug = milestone.slug
        sign_in_browser(page, live, "clara@example.org", fresh=True)
        for attempt, status in ((1, 200), (2, 429)):
            page.goto(live.url_for("participation.new_comment", slug=slug))
            page.fill("#body", f"Versuch Nummer {attempt}")
            response = submit(page, "main form button[type=submit]")
            assert response.status == status
        check(page, response, documents, "throttled", status=429)
        assert page.locator("#kept-text").input_value() == "Versuch Nummer 2"


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    data = server.data
    sign_in_browser(page_strict, server, "clara@example.org", fresh=True)
    for endpoint, args in (("public.milestone", {"slug": data.slug}),
                           ("participation.reply", {"comment_id": data.question_id}),
                           ("participation.flag", {"comment_id": data.question_id})):
        page_strict.goto(server.url_for(endpoint, **args))
    assert not page_strict.console_errors, page_strict.console_errors


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert documents, "no page was collected"
    reports = validate_documents(documents)
    invalid = [report.describe() for report in reports.values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
