"""The quality bar on every moderation page, in a real browser, in German and English.

Each page: the expected status, exactly one h1, zero axe-core WCAG 2.1 A/AA violations at
1280 and 320 px and no vnu error (all documents in one vnu run at the end of the module).
Error states (missing reason, invalid pattern, conflict) are produced by submitting the
forms as a person would. The public transparency page sets no cookie.
"""
from __future__ import annotations

import urllib.request
from dataclasses import dataclass

import pytest

from app.extensions import db
from app.moderation import administration
from app.models import Role
from app.settings import set_setting
from app.moderation import answers
from app.moderation import appeals
from app.moderation import blocks
from app.moderation import decisions
from app.moderation import redaction as moderation_redaction
from tests.builders import make_department, make_field, make_milestone
from tests.builders.auth import make_account
from tests.builders.comments import ago, make_comment, make_flag, make_reason_template
from tests.helpers import quality
from tests.helpers.live import serving
from tests.helpers.quality import LANGUAGES, assert_documents_valid, assert_no_refusal_on, check_get, check_page
from tests.helpers.quality import check_signed_in, page_params, resolve
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser


@dataclass
class Data:
    admin_email: str
    moderator_email: str
    author_email: str
    held_id: int
    flagged_id: int
    pending_id: int
    appeal_id: int
    removed_id: int
    template_id: int
    milestone_id: int


def build_site() -> Data:
    """Something in every corner: each queue kind, thread context, history, redaction, block."""
    admin = make_account(email="admin@example.org", roles=(Role.ADMIN,), display_name="Ada Admin")
    moderator = make_account(email="mod@example.org", roles=(Role.MODERATOR,), display_name="Mona Moderation")
    author = make_account(email="bernd@example.org", display_name="Bernd Bürger")
    spammer = make_account(email="spam@example.org", display_name="Werbe-Willi")
    department = make_department("Tiefbauamt")
    milestone = make_milestone("Radweg Nord mit Beleuchtung", field=make_field("Mobilität"), department=department)
    other = make_milestone("Schul-WLAN")
    template = make_reason_template("Beleidigung", "Bitte bleiben Sie sachlich.")
    make_reason_template("Werbung", "Werbung ist hier nicht erlaubt.", text_en="No advertising.")
    db.session.commit()

    question = make_comment(milestone, author, body="Wann wird der Radweg gebaut?\nIch fahre dort täglich.",
                            created_at=ago(days=3))
    held = make_comment(milestone, spammer, body="Ihr seid alle Versager!", parent=question,
                        status="held", created_at=ago(days=2))
    for reason, text in (("insult", "Beschimpfung"), ("other", "Ton geht gar nicht"), ("insult", "")):
        make_flag(held, reason=reason, text=text)
    flagged = make_comment(other, author, body="Meine Nummer ist 0171 2345678, ruft mich an.")
    make_flag(flagged, reason="personal_data", text="Telefonnummer")
    pending = make_comment(milestone, author, body="Gibt es auch Fahrradständer?", status="pending")
    appealed = make_comment(milestone, author, body="Das Amt schläft doch.")
    removed = make_comment(other, spammer, body="Billige Uhren hier!")
    make_comment(milestone, body="Danke für die Info!", parent=question)
    db.session.commit()
    decisions.decide(moderator, appealed.id, appealed.version, "reject", template_id=template.id,
                    reason_text="Bitte ohne Pauschalurteile.")
    appeals.appeal(author, appealed.id, "Das war Kritik, keine Beleidigung.")
    decisions.decide(moderator, removed.id, removed.version, "spam")
    redacted = make_comment(other, author, body="Frau Meier aus Nr. 5 weiß mehr.")
    db.session.commit()
    moderation_redaction.redact(moderator, redacted.id, redacted.version, ["Frau Meier aus Nr. 5"])
    blocks.block_author(moderator, spammer.id, "30", "Wiederholt Werbung")
    administration.add_hold_pattern(admin, "Versager", False)
    administration.add_hold_pattern(admin, "gewinn(spiel|chance)", True)
    administration.set_milestone_mode(admin, other.id, "pre")
    answers.answer(admin, question.id, "Der Bau beginnt im Frühjahr.")
    set_setting("moderation_mode", "post")
    db.session.commit()
    return Data(admin.email, moderator.email, author.email, held.id, flagged.id, pending.id, appealed.id,
                removed.id, template.id, milestone.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("moderation-quality"), build_site) as live:
        yield live


def submit(page, selector: str):
    return quality.submit(page, selector, first=True)


GET_PAGES = [
    ("queue", "moderation.queue", {}),
    ("queue-held", "moderation.queue", {"kind": "held", "reason": "insult"}),
    ("queue-bad-input", "moderation.queue", {"kind": "x", "field": "abc", "page": "abc"}),
    ("queue-page-beyond", "moderation.queue", {"page": "99"}),
    ("queue-empty-filter", "moderation.queue", {"kind": "appeal", "reason": "spam"}),
    ("item-held", "moderation.item", {"comment_id": "held_id"}),
    ("item-flagged", "moderation.item", {"comment_id": "flagged_id"}),
    ("item-pending", "moderation.item", {"comment_id": "pending_id"}),
    ("item-appeal", "moderation.item", {"comment_id": "appeal_id"}),
    ("item-spam", "moderation.item", {"comment_id": "removed_id"}),
    ("log", "moderation.log", {}),
    ("log-filtered", "moderation.log", {"action": "reject", "date_from": "2020-01-01"}),
    ("log-bad-input", "moderation.log", {"moderator": "x", "date_to": "gestern", "page": "7"}),
    ("blocks", "moderation.blocks", {}),
    ("reasons", "moderation.reasons", {}),
    ("reason-edit", "moderation.reason_edit", {"template_id": "template_id"}),
    ("hold-list", "moderation.hold_list", {}),
    ("milestone-modes", "moderation.milestone_modes", {}),
]


@pytest.mark.parametrize(("case", "lang"), page_params(GET_PAGES))
def test_moderation_pages(server, page, documents, case, lang):
    check_get(page, server, documents, case, lang, sign_in_as=server.data.admin_email)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_moderator_sees_no_admin_areas(server, page, documents, lang):
    check_signed_in(page, server, documents, server.data.moderator_email, "moderation.queue", f"queue-moderator-{lang}",
                    lang=lang)
    # Queue, log, blocks and the reason templates, which moderators keep themselves (issue 13);
    # the hold list and the moderation per milestone stay with the admins.
    assert page.locator(".moderation-nav a").count() == 4
    assert page.locator(".moderation-nav a[href$='/moderation/begruendungen']").count() == 1
    assert page.locator(".moderation-nav a[href$='/moderation/pruefliste'], .moderation-nav a[href$='/moderation/etappenziele']").count() == 0
    assert page.locator(".moderation-nav .badge").inner_text().startswith("4")
    # The staff navigation leads to the queue with its size; the link's name is its visible text.
    staff_nav = page.locator("nav.backend-nav")
    assert staff_nav.locator(".badge").inner_text().startswith("4 ")
    if lang == "de":
        assert staff_nav.get_by_role("link", name="Moderation 4 offen", exact=True).count() == 1
    assert staff_nav.locator("a[href$='/verwaltung/unbeantwortet']").count() == 0  # editors' list


@pytest.mark.parametrize("lang", LANGUAGES)
def test_transparency_page(server, page, documents, lang):
    url = server.url_for("moderation_public.transparency", lang=lang)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers.get("Set-Cookie") is None
    check_page(page, page.goto(url), documents, f"transparency-{lang}")
    assert page.locator("table").count() == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_appeal_pages(server, page, documents, lang):
    sign_in_browser(page, server, server.data.author_email)
    response = page.goto(server.url_for("moderation_public.appeal", comment_id=server.data.appeal_id, lang=lang))
    check_page(page, response, documents, f"appeal-pending-{lang}")
    response = page.goto(server.url_for("moderation_public.appeal", comment_id=server.data.pending_id, lang=lang))
    check_page(page, response, documents, f"appeal-not-possible-{lang}")


def test_decision_without_reason_shows_error(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("moderation.item", comment_id=server.data.flagged_id))
    response = submit(page, "form.decision-form button[value=reject]")
    check_page(page, response, documents, "item-reason-missing", status=422)
    assert page.locator("#reason-error").count() == 1
    assert page.locator("#reason[aria-invalid=true]").count() == 1


def test_invalid_pattern_and_empty_template(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("moderation.hold_list", lang="en"))
    page.fill("#pattern", "(unclosed")
    page.check("#is_regex")
    check_page(page, submit(page, "main form.backend-form input[name=submit]"), documents, "hold-list-error-en", status=422)
    assert page.locator(".error-summary a[href='#pattern']").count() == 1
    page.goto(server.url_for("moderation.reasons"))
    check_page(page, submit(page, "main form.backend-form input[name=submit]"), documents, "reasons-error", status=422)
    assert page.locator(".error-summary li").count() == 2


def test_bulk_without_selection_and_conflict(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("moderation.queue"))
    page.select_option("#bulk_action", "approve")
    check_page(page, submit(page, "#bulk-form input[name=submit]"), documents, "bulk-error", status=422)
    assert "Bitte wählen Sie mindestens einen Kommentar aus." in page.locator(".error-summary").inner_text()

    # A stale page: someone else decided meanwhile.
    page.goto(server.url_for("moderation.item", comment_id=server.data.pending_id))
    page.evaluate("document.querySelector('form.decision-form input[name=version]').value = '999'")
    check_page(page, submit(page, "form.decision-form button[value=approve]"), documents, "item-conflict", status=409)
    assert page.locator(".conflict[role=alert]").count() == 1


def test_queue_works_without_javascript(server, page_nojs):
    sign_in_browser(page_nojs, server, server.data.moderator_email)
    page_nojs.goto(server.url_for("moderation.item", comment_id=server.data.flagged_id))
    page_nojs.fill("#redact-passages", "0171 2345678")
    submit(page_nojs, "main form.backend-form input[value='Textstellen entfernen'], #redact-submit")
    assert "Die Textstellen wurden entfernt." in page_nojs.content()
    assert "[entfernt]" in page_nojs.locator("section[aria-labelledby=comment-title] .comment-text").inner_text()


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in_browser(page_strict, server, server.data.admin_email)
    assert_no_refusal_on(page_strict, [server.url_for(endpoint, **resolve(server.data, args)) for endpoint, args in (
        ("moderation.queue", {}), ("moderation.item", {"comment_id": "held_id"}),
        ("moderation.log", {}), ("moderation_public.transparency", {}))])


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert_documents_valid(documents)
