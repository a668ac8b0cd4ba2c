"""Participation through HTTP: the thread on the milestone page, the forms, the buttons, the lists."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db as _db
from app.models import (
    Comment,
    CommentRating,
    Flag,
    Milestone,
    OutboxMail,
    SupportVote,
    UserBlock,
    utcnow,
)
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from app.moderation import redaction
from config import TestingConfig
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders.comments import make_comment
from tests.conftest import FreshContextClient
from tests.helpers.pages import assert_not_found, heading


@pytest.fixture
def scene(db):
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Digitales Bürgerkonto", department=department)
    citizen = make_citizen(display_name="Clara Citoyenne")
    db.session.commit()
    return milestone, citizen, department


def signed_in_with_comment(auth, scene, body: str, by_other: bool = False):
    """The scene's citizen signed in, and a stored comment by them (by another citizen if
    `by_other`); (milestone, citizen, comment)."""
    milestone, citizen, _ = scene
    comment = make_comment(milestone, make_citizen() if by_other else citizen, body)
    _db.session.commit()
    auth.sign_in(citizen)
    return milestone, citizen, comment


def question_and_editor(scene, body: str):
    """A stored comment by the scene's citizen and an editor of its department; (milestone, citizen, comment, editor)."""
    milestone, citizen, department = scene
    comment = make_comment(milestone, citizen, body)
    editor = make_editor(department)
    _db.session.commit()
    return milestone, citizen, comment, editor


def page_url(milestone, **query) -> str:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/etappenziele/{milestone.slug}" + (f"?{suffix}" if suffix else "")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def thread_html(response) -> str:
    html = text_of(response)
    return html[html.index('id="unterstuetzung"'):]


def fresh(model, ident):
    _db.session.expire_all()
    return _db.session.get(model, ident)


# --- the thread on the milestone page --------------------------------------------------------------


def test_anonymous_visitors_get_links_no_forms_and_no_cookie(client, scene):
    milestone, citizen, _ = scene
    make_comment(milestone, citizen, "Gute Idee")
    _db.session.commit()
    response = client.get(page_url(milestone))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in response.headers.get("Vary", "")
    html = thread_html(response)
    assert "<form" not in html and "csrf_token" not in html
    assert "Anmelden, um zu kommentieren" in html and "Anmelden, um zu unterstützen" in html
    assert "next=/etappenziele/" in html
    assert "Gute Idee" in html
    assert "Ohne Konto kommentieren" not in html


def test_guest_comment_link_only_when_the_setting_is_on(client, scene):
    milestone, _, _ = scene
    set_setting("guest_comments", True)
    _db.session.commit()
    response = client.get(page_url(milestone))
    assert "Ohne Konto kommentieren" in thread_html(response)
    assert "Set-Cookie" not in response.headers


def test_signed_in_citizens_get_the_forms(auth, client, scene):
    milestone, citizen, _ = scene
    make_comment(milestone, make_citizen(), "Von jemand anderem")
    _db.session.commit()
    auth.sign_in(citizen)
    response = client.get(page_url(milestone))
    html = thread_html(response)
    assert "Cookie" in response.headers.get("Vary", "")
    assert f'action="/etappenziele/{milestone.slug}/kommentieren"' in html
    assert f'action="/etappenziele/{milestone.slug}/unterstuetzen"' in html
    assert 'name="website"' in html and 'name="form_started"' in html
    assert ">Hilfreich</button>" in html and ">Melden</a>" in html and ">Antworten</a>" in html


def test_unconfirmed_and_blocked_accounts_see_why_they_cannot_take_part(auth, client, scene):
    milestone, citizen, _ = scene
    unconfirmed = make_citizen(confirmed=False)
    _db.session.add(UserBlock(user_id=citizen.id))
    _db.session.commit()
    auth.sign_in(unconfirmed)
    html = thread_html(client.get(page_url(milestone)))
    assert "bestätigen Sie zuerst Ihre E-Mail-Adresse" in html and "kommentieren" in html
    assert "/kommentieren\"" not in html
    auth.sign_in(citizen)
    html = thread_html(client.get(page_url(milestone)))
    assert "für Beiträge gesperrt" in html
    assert "/unterstuetzen\"" not in html


def test_pending_comments_are_shown_to_their_author_only(auth, client, scene):
    milestone, citizen, _ = scene
    make_comment(milestone, citizen, "Geheim bis zur Freigabe", status="pending")
    _db.session.commit()
    assert "Geheim bis zur Freigabe" not in text_of(client.get(page_url(milestone)))
    auth.sign_in(make_citizen())
    assert "Geheim bis zur Freigabe" not in text_of(client.get(page_url(milestone)))
    auth.sign_in(citizen)
    html = text_of(client.get(page_url(milestone)))
    assert "Geheim bis zur Freigabe" in html and "Wartet auf Freigabe" in html


def test_removed_held_and_deleted_comments_leave_lines_and_replies_stay(client, scene):
    milestone, citizen, _ = scene
    removed = make_comment(milestone, citizen, "Böser Text", status="rejected",
                           moderation_reason="Beleidigung einer Person")
    make_comment(milestone, make_citizen(), "Antwort auf den entfernten Text", parent=removed)
    make_comment(milestone, citizen, "Gemeldeter Text", status="held")
    make_comment(milestone, citizen, "Gelöschter Text", status="deleted")
    make_comment(milestone, citizen, "Spam-Text", status="spam")
    _db.session.commit()
    html = thread_html(client.get(page_url(milestone)))
    assert "Von der Moderation entfernt (Grund: Beleidigung einer Person)" in html
    assert "Nach Meldungen vorübergehend ausgeblendet – wird geprüft" in html
    assert "Kommentar gelöscht" in html
    assert "Antwort auf den entfernten Text" in html
    for hidden in ("Böser Text", "Gemeldeter Text", "Gelöschter Text", "Spam-Text"):
        assert hidden not in html


def test_official_answers_come_first_and_name_the_department(client, scene):
    milestone, citizen, department = scene
    question = make_comment(milestone, citizen, "Wann?")
    make_comment(milestone, make_citizen(), "Das frage ich mich auch", parent=question,
                 created_at=utcnow() - timedelta(hours=1))
    make_comment(milestone, make_editor(department), "Im Mai.", parent=question, is_official=True,
                 department_id=department.id, answer_status=None)
    question.answer_status = "answered"
    _db.session.commit()
    html = thread_html(client.get(page_url(milestone)))
    assert html.index("Antwort der Verwaltung") < html.index("Das frage ich mich auch")
    assert "Antwort der Verwaltung</strong> – <span>Bürgeramt</span>" in html
    assert "comment-official" in html and "beantwortet" in html


def test_english_page_marks_comments_as_german(client, scene):
    milestone, citizen, _ = scene
    make_comment(milestone, citizen, "Deutscher Kommentartext")
    _db.session.commit()
    html = text_of(client.get(f"/en/etappenziele/{milestone.slug}"))
    assert '<div class="comment-text" lang="de"><p>Deutscher Kommentartext</p></div>' in html


def test_sorting_and_paging_with_more_links(app, client, scene):
    milestone, citizen, _ = scene
    app.config["COMMENTS_PER_PAGE"] = 2
    now = utcnow()
    for n, helpful in enumerate((0, 5, 1)):
        make_comment(milestone, citizen, f"Kommentar Nummer {n}", created_at=now - timedelta(minutes=10 - n),
                     helpful_count=helpful)
    _db.session.commit()
    first = thread_html(client.get(page_url(milestone)))
    assert first.index("Nummer 2") < first.index("Nummer 1") and "Nummer 0" not in first
    assert f'href="/etappenziele/{milestone.slug}?comments_page=2#kommentare" rel="next">Weitere Kommentare' in first
    second = thread_html(client.get(page_url(milestone, comments_page=2)))
    assert "Nummer 0" in second and "Vorherige Kommentare" in second
    oldest = thread_html(client.get(page_url(milestone, comments_sort="oldest")))
    assert oldest.index("Nummer 0") < oldest.index("Nummer 1")
    assert "comments_sort=oldest" in oldest
    helpful = thread_html(client.get(page_url(milestone, comments_sort="helpful")))
    assert helpful.index("Nummer 1") < helpful.index("Nummer 2")


@pytest.mark.parametrize(("query", "message"), [
    ({"comments_sort": "beste"}, "Diese Sortierung der Kommentare gibt es nicht"),
    ({"comments_page": "abc"}, "Seitenangabe der Kommentare war ungültig"),
    ({"comments_page": "99999"}, "Auf dieser Seite gibt es keine Kommentare mehr"),
])
def test_bad_thread_parameters_give_a_message(client, scene, query, message):
    milestone, citizen, _ = scene
    make_comment(milestone, citizen, "Ein Kommentar")
    _db.session.commit()
    response = client.get(page_url(milestone, **query))
    assert response.status_code == 200
    assert message in text_of(response)


# --- writing comments ------------------------------------------------------------------------------


def post_comment(client, milestone, body: str, **extra):
    data = {"body": body, "website": "", "form_started": new_form_stamp(), **extra}
    return client.post(f"/etappenziele/{milestone.slug}/kommentieren", data=data)


def test_comment_is_posted_and_the_answer_leads_back_to_it(auth, client, scene):
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    response = post_comment(client, milestone, "Mein erster Kommentar")
    assert response.status_code == 303
    comment = _db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"/etappenziele/{milestone.slug}#kommentar-{comment.id}")
    assert fresh(Milestone, milestone.id).comment_count == 1
    html = text_of(client.get(page_url(milestone)))
    assert "Ihr Beitrag ist veröffentlicht." in html and "Mein erster Kommentar" in html


def test_anonymous_comment_post_goes_to_the_login(client, scene):
    milestone, _, _ = scene
    response = post_comment(client, milestone, "Ohne Anmeldung")
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert _db.session.scalar(select(func.count(Comment.id))) == 0


def test_failed_comment_keeps_the_text_and_explains(auth, app, client, scene):
    milestone, citizen, _ = scene
    app.config["COMMENT_MAX_LENGTH"] = 20
    auth.sign_in(citizen)
    response = post_comment(client, milestone, "Dieser Text ist leider viel zu lang")
    assert response.status_code == 422
    html = text_of(response)
    assert "Dieser Text ist leider viel zu lang" in html
    assert "35 Zeichen lang; erlaubt sind höchstens 20" in html
    assert 'class="error-summary"' in html
    assert post_comment(client, milestone, "   ").status_code == 422
    assert _db.session.scalar(select(func.count(Comment.id))) == 0


def test_honeypot_and_fill_time_stop_bots(auth, app, client, scene):
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    filled = post_comment(client, milestone, "Kaufen Sie jetzt!", website="https://spam.example")
    assert filled.status_code == 422 and "automatisch erzeugt" in text_of(filled)
    forged = post_comment(client, milestone, "Gefälschter Zeitstempel", form_started="abc")
    assert forged.status_code == 422 and "abgelaufen" in text_of(forged)
    app.config["FORM_MIN_FILL_SECONDS"] = 60
    fast = post_comment(client, milestone, "Sehr schnell getippt")
    assert fast.status_code == 422 and "sehr schnell" in text_of(fast)
    assert "Sehr schnell getippt" in text_of(fast)
    assert _db.session.scalar(select(func.count(Comment.id))) == 0


def test_expired_csrf_token_keeps_the_text(auth, app, client, scene):
    milestone, citizen, _ = scene
    app.config["WTF_CSRF_ENABLED"] = True
    auth.sign_in(citizen)
    response = post_comment(client, milestone, "Lange überlegt, dann abgeschickt", csrf_token="abgelaufen")
    assert response.status_code == 400
    html = text_of(response)
    assert "Lange überlegt, dann abgeschickt" in html and "Das Formular ist abgelaufen" in html
    assert _db.session.scalar(select(func.count(Comment.id))) == 0


def test_buttons_without_csrf_token_change_nothing(auth, app, client, scene):
    milestone, citizen, _ = scene
    app.config["WTF_CSRF_ENABLED"] = True
    auth.sign_in(citizen)
    response = client.post(f"/etappenziele/{milestone.slug}/unterstuetzen")
    assert response.status_code == 400
    assert _db.session.scalar(select(func.count(SupportVote.id))) == 0


def test_comment_form_page_for_closed_comments_says_so(auth, client, scene):
    milestone, citizen, _ = scene
    milestone.comments_closed = True
    _db.session.commit()
    auth.sign_in(citizen)
    page = client.get(f"/etappenziele/{milestone.slug}/kommentieren")
    assert "keine neuen Kommentare mehr möglich" in text_of(page) and "<textarea" not in text_of(page)
    refused = post_comment(client, milestone, "Trotzdem")
    assert refused.status_code == 403 and "Trotzdem" in text_of(refused)
    html = thread_html(client.get(page_url(milestone)))
    assert "keine neuen Kommentare mehr möglich" in html and "/kommentieren\"" not in html


def test_unknown_milestone_is_404(auth, client, scene):
    _, citizen, _ = scene
    auth.sign_in(citizen)
    assert client.get("/etappenziele/gibt-es-nicht/kommentieren").status_code == 404
    assert client.post("/etappenziele/gibt-es-nicht/unterstuetzen").status_code == 404
    assert_not_found(client.get("/etappenziele/gibt-es-nicht/kommentieren"))
    assert_not_found(client.post("/etappenziele/gibt-es-nicht/unterstuetzen"))


# --- replies, edits, deletion ----------------------------------------------------------------------


def test_reply_page_and_reply(auth, client, scene):
    milestone, citizen, top = signed_in_with_comment(auth, scene, "Die Frage", by_other=True)
    page = client.get(f"/kommentare/{top.id}/antworten")
    assert page.status_code == 200 and "Die Frage" in text_of(page)
    response = client.post(f"/kommentare/{top.id}/antworten",
                           data={"body": "Meine Antwort", "form_started": new_form_stamp()})
    assert response.status_code == 303
    reply = _db.session.scalar(select(Comment).where(Comment.parent_id == top.id))
    assert response.headers["Location"].endswith(f"#kommentar-{reply.id}")
    assert client.get(f"/kommentare/{reply.id}/antworten").status_code == 404
    assert client.get("/kommentare/99999999/antworten").status_code == 404
    assert client.get("/kommentare/99999999999999999999/antworten").status_code == 404
    assert reply.body == "Meine Antwort" and reply.author_id == citizen.id
    assert_not_found(client.get(f"/kommentare/{reply.id}/antworten"))


def test_editor_reply_page_announces_the_official_answer(auth, client, scene):
    milestone, citizen, top, editor = question_and_editor(scene, "Frage an die Stadt")
    auth.sign_in(editor)
    assert "Antwort der Verwaltung" in text_of(client.get(f"/kommentare/{top.id}/antworten"))
    client.post(f"/kommentare/{top.id}/antworten", data={"body": "Antwort", "form_started": new_form_stamp()})
    assert fresh(Comment, top.id).answer_status == "answered"


def test_edit_page_is_prefilled_and_saves(auth, client, scene):
    milestone, citizen, comment = signed_in_with_comment(auth, scene, "Ursprünglicher Text")
    page = client.get(f"/kommentare/{comment.id}/bearbeiten")
    assert page.status_code == 200 and "Ursprünglicher Text</textarea>" in text_of(page)
    response = client.post(f"/kommentare/{comment.id}/bearbeiten",
                           data={"body": "Verbesserter Text", "form_started": new_form_stamp()})
    assert response.status_code == 303
    assert fresh(Comment, comment.id).body == "Verbesserter Text"
    assert "bearbeitet" in thread_html(client.get(page_url(milestone)))


def test_edit_is_refused_to_others_and_after_the_window(auth, app, client, scene):
    milestone, citizen, _ = scene
    comment = make_comment(milestone, citizen, "Text", created_at=utcnow() - timedelta(minutes=20))
    _db.session.commit()
    auth.sign_in(make_citizen())
    assert client.get(f"/kommentare/{comment.id}/bearbeiten").status_code == 403
    auth.sign_in(citizen)
    late = client.get(f"/kommentare/{comment.id}/bearbeiten")
    assert late.status_code == 403 and "15 Minuten" in text_of(late)
    posted = client.post(f"/kommentare/{comment.id}/bearbeiten",
                         data={"body": "Zu spät", "form_started": new_form_stamp()})
    assert posted.status_code == 403 and "Zu spät" in text_of(posted)
    assert fresh(Comment, comment.id).body == "Text"


def test_a_redacted_comment_can_no_longer_be_edited(auth, client, scene):
    """Issue 14 (L6): an edit within the window put back what the moderator had removed."""
    milestone, citizen, comment = signed_in_with_comment(auth, scene, "Rufen Sie Frau Meier an: 0171 2345678")
    assert f"/kommentare/{comment.id}/bearbeiten" in thread_html(client.get(page_url(milestone)))
    redaction.redact(make_moderator(), comment.id, comment.version, ["0171 2345678"])

    assert f"/kommentare/{comment.id}/bearbeiten" not in thread_html(client.get(page_url(milestone)))
    page = client.get(f"/kommentare/{comment.id}/bearbeiten")
    assert page.status_code == 403 and "die Moderation darin Angaben entfernt hat" in text_of(page)
    posted = client.post(f"/kommentare/{comment.id}/bearbeiten",
                         data={"body": "Rufen Sie Frau Meier an: 0171 2345678", "form_started": new_form_stamp()})
    assert posted.status_code == 403 and "die Moderation darin Angaben entfernt hat" in text_of(posted)
    stored = fresh(Comment, comment.id)
    assert stored.body == "Rufen Sie Frau Meier an: [entfernt]" and "0171" not in stored.body_html


def test_delete_with_confirmation(auth, client, scene):
    milestone, citizen, comment = signed_in_with_comment(auth, scene, "Bald weg")
    confirm = client.get(f"/kommentare/{comment.id}/loeschen")
    assert confirm.status_code == 200 and "Kommentar gelöscht" in text_of(confirm)
    assert client.post(f"/kommentare/{comment.id}/loeschen").status_code == 303
    assert fresh(Comment, comment.id).status == "deleted"
    html = thread_html(client.get(page_url(milestone)))
    assert "Kommentar gelöscht" in html and "Bald weg" not in html
    auth.sign_in(make_citizen())
    assert client.post(f"/kommentare/{comment.id}/loeschen").status_code == 403


# --- support and ratings ---------------------------------------------------------------------------


def test_support_and_withdraw_through_buttons(auth, client, scene):
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    response = client.post(f"/etappenziele/{milestone.slug}/unterstuetzen")
    assert response.status_code == 303 and response.headers["Location"].endswith("#unterstuetzung")
    assert client.post(f"/etappenziele/{milestone.slug}/unterstuetzen").status_code == 303
    assert fresh(Milestone, milestone.id).support_count == 1
    html = thread_html(client.get(page_url(milestone)))
    assert "1 Person ist dieses Etappenziel wichtig." in html and "Unterstützung zurücknehmen" in html
    assert client.post(f"/etappenziele/{milestone.slug}/unterstuetzung-zuruecknehmen").status_code == 303
    assert fresh(Milestone, milestone.id).support_count == 0


def test_support_by_unconfirmed_account_is_refused_with_a_reason(auth, client, scene):
    milestone, _, _ = scene
    auth.as_role("citizen", confirmed=False)
    response = client.post(f"/etappenziele/{milestone.slug}/unterstuetzen")
    assert response.status_code == 403 and "E-Mail-Adresse" in text_of(response)
    assert fresh(Milestone, milestone.id).support_count == 0


def test_rating_through_buttons(auth, client, scene):
    milestone, citizen, comment = signed_in_with_comment(auth, scene, "Nützlich", by_other=True)
    assert client.post(f"/kommentare/{comment.id}/bewerten", data={"rating": "helpful"}).status_code == 303
    html = thread_html(client.get(page_url(milestone)))
    assert 'value="none" class="button-small" aria-pressed="true"' in html
    assert "Ihre Bewertung: hilfreich" in html
    client.post(f"/kommentare/{comment.id}/bewerten", data={"rating": "unhelpful"})
    assert (fresh(Comment, comment.id).helpful_count, fresh(Comment, comment.id).unhelpful_count) == (0, 1)
    bad = client.post(f"/kommentare/{comment.id}/bewerten", data={"rating": "super"})
    assert bad.status_code == 400 and "Diese Bewertung gibt es nicht" in text_of(bad)
    assert _db.session.scalar(select(func.count(CommentRating.id))) == 1


# --- flags --------------------------------------------------------------------------------------------


def test_flag_form_and_flag(auth, client, scene):
    milestone, citizen, comment = signed_in_with_comment(auth, scene, "Fragwürdig", by_other=True)
    page = client.get(f"/kommentare/{comment.id}/melden")
    assert page.status_code == 200 and "Fragwürdig" in text_of(page)
    missing = client.post(f"/kommentare/{comment.id}/melden",
                          data={"reason": "other", "text": "", "form_started": new_form_stamp()})
    assert missing.status_code == 422 and "Bitte beschreiben Sie kurz" in text_of(missing)
    response = client.post(f"/kommentare/{comment.id}/melden",
                           data={"reason": "insult", "text": "Beleidigt andere", "form_started": new_form_stamp()})
    assert response.status_code == 303
    again = client.post(f"/kommentare/{comment.id}/melden",
                        data={"reason": "spam", "form_started": new_form_stamp()})
    assert again.status_code == 409 and "bereits gemeldet" in text_of(again)
    assert fresh(Comment, comment.id).flag_count == 1
    assert "Von Ihnen gemeldet" in thread_html(client.get(page_url(milestone)))


# --- the answer loop: no answer needed, the unanswered list ----------------------------------------


def test_no_answer_needed_button(auth, client, scene):
    milestone, citizen, comment, editor = question_and_editor(scene, "Danke für die Arbeit")
    auth.sign_in(citizen)
    assert client.post(f"/kommentare/{comment.id}/keine-antwort-noetig").status_code == 403
    auth.sign_in(editor)
    assert "Keine Antwort nötig" in thread_html(client.get(page_url(milestone)))
    response = client.post(f"/kommentare/{comment.id}/keine-antwort-noetig", data={"back": "list"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/verwaltung/unbeantwortet")
    assert fresh(Comment, comment.id).answer_status == "not_needed"


def test_unanswered_list_per_department(auth, client, scene):
    milestone, citizen, department = scene
    other_department = make_department(name="Schulamt")
    other = make_milestone(title="Schul-WLAN", department=other_department)
    orphan = make_milestone(title="Ohne Zuständigkeit")
    make_comment(milestone, citizen, "Frage ans Bürgeramt", created_at=utcnow() - timedelta(days=3))
    make_comment(other, citizen, "Frage ans Schulamt")
    make_comment(orphan, citizen, "Frage ohne Amt")
    answered = make_comment(milestone, citizen, "Schon beantwortet")
    answered.answer_status = "answered"
    make_comment(milestone, citizen, "Wartet auf Moderation", status="pending")
    editor = make_editor(department)
    _db.session.commit()

    auth.sign_in(editor)
    html = text_of(client.get("/verwaltung/unbeantwortet"))
    assert "Frage ans Bürgeramt" in html and "3 Tagen" in html
    for absent in ("Frage ans Schulamt", "Frage ohne Amt", "Schon beantwortet", "Wartet auf Moderation"):
        assert absent not in html

    auth.sign_in(make_admin())
    html = text_of(client.get("/verwaltung/unbeantwortet"))
    assert all(text in html for text in ("Frage ans Bürgeramt", "Frage ans Schulamt", "Frage ohne Amt"))
    assert "Ohne verantwortliche Organisationseinheit" in html

    moderator = make_moderator()
    _db.session.commit()
    for refused in (citizen, moderator):
        auth.sign_in(refused)
        assert client.get("/verwaltung/unbeantwortet").status_code == 403


def test_unanswered_list_needs_sign_in(client, db):
    response = client.get("/verwaltung/unbeantwortet")
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert heading(client.get(response.headers["Location"])) == "Anmelden"


def test_new_comment_mails_the_department(auth, client, scene):
    milestone, citizen, department = scene
    make_editor(department, email="redaktion@example.org")
    _db.session.commit()
    auth.sign_in(citizen)
    post_comment(client, milestone, "Bitte antworten")
    mail = _db.session.scalar(select(OutboxMail))
    assert mail.to_address == "redaktion@example.org"
    assert "Digitales Bürgerkonto" in mail.body_text


# --- closing comments ---------------------------------------------------------------------------------


def test_admin_closes_and_reopens_comments(auth, client, scene):
    milestone, citizen, _ = scene
    admin = make_admin()
    _db.session.commit()
    auth.sign_in(citizen)
    assert client.post(f"/etappenziele/{milestone.slug}/kommentare-schliessen", data={"closed": "1"}).status_code == 403
    auth.sign_in(admin)
    assert "Kommentare für dieses Etappenziel schließen" in thread_html(client.get(page_url(milestone)))
    assert client.post(f"/etappenziele/{milestone.slug}/kommentare-schliessen", data={"closed": "1"}).status_code == 303
    assert fresh(Milestone, milestone.id).comments_closed
    assert client.post(f"/etappenziele/{milestone.slug}/kommentare-schliessen", data={"closed": "x"}).status_code == 400
    client.post(f"/etappenziele/{milestone.slug}/kommentare-schliessen", data={"closed": "0"})
    assert not fresh(Milestone, milestone.id).comments_closed


# --- guest comments -----------------------------------------------------------------------------------


def test_guest_comments_are_off_by_default(client, scene):
    milestone, _, _ = scene
    assert client.get(f"/etappenziele/{milestone.slug}/gastkommentar").status_code == 404
    assert_not_found(client.get(f"/etappenziele/{milestone.slug}/gastkommentar"))


def test_guest_comment_is_confirmed_by_mail_and_waits_for_moderation(client, scene):
    milestone, _, _ = scene
    set_setting("guest_comments", True)
    _db.session.commit()
    page = client.get(f"/etappenziele/{milestone.slug}/gastkommentar")
    assert page.status_code == 200 and 'name="email"' in text_of(page)
    response = client.post(f"/etappenziele/{milestone.slug}/gastkommentar", data={
        "name": "Gerda Gast", "email": "Gerda@Example.org", "body": "Als Gast geschrieben",
        "form_started": new_form_stamp(),
    })
    assert response.status_code == 303 and response.headers["Location"].endswith("/gastkommentar/gesendet")
    comment = _db.session.scalar(select(Comment))
    assert (comment.status, comment.guest_email, comment.guest_confirmed_at) == ("pending", "gerda@example.org", None)
    assert comment.author_id is None
    mail = _db.session.scalar(select(OutboxMail))
    assert mail.to_address == "gerda@example.org"
    link = re.search(r"http://localhost(/kommentare/bestaetigen/\S+)", mail.body_text).group(1)
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200 and "Kommentar bestätigen" in text_of(confirm_page)
    assert fresh(Comment, comment.id).guest_confirmed_at is None
    assert client.post(link).status_code == 200
    assert fresh(Comment, comment.id).guest_confirmed_at is not None
    assert fresh(Comment, comment.id).status == "pending"
    used = client.post(link)
    assert used.status_code == 400 and "bereits benutzt" in text_of(used)
    assert client.get(link).status_code == 404
    assert client.get("/kommentare/bestaetigen/gibt-es-nicht").status_code == 404
    assert "Als Gast geschrieben" not in text_of(client.get(page_url(milestone)))


def test_guest_comment_with_bad_address_keeps_the_input(client, scene):
    milestone, _, _ = scene
    set_setting("guest_comments", True)
    _db.session.commit()
    response = client.post(f"/etappenziele/{milestone.slug}/gastkommentar", data={
        "name": "Gerda", "email": "keine-adresse", "body": "Mein Text bleibt", "form_started": new_form_stamp(),
    })
    assert response.status_code == 422
    assert "Mein Text bleibt" in text_of(response) and "gültige E-Mail-Adresse" in text_of(response)
    assert _db.session.scalar(select(func.count(Comment.id))) == 0


# --- rate limits ---------------------------------------------------------------------------------------


@pytest.fixture
def limited_client():
    """A client of an app with rate limits on; limits given as config overrides."""
    apps = []

    def make(**limits):
        settings = dict(COMMENT_LIMIT_PER_ACCOUNT="100 per minute", COMMENT_LIMIT_PER_IP="100 per minute",
                        VOTE_LIMIT_PER_ACCOUNT="100 per minute", VOTE_LIMIT_PER_IP="100 per minute",
                        FLAG_LIMIT_PER_ACCOUNT="100 per minute", FLAG_LIMIT_PER_IP="100 per minute")
        settings.update(limits)
        app = create_app(TestingConfig, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **settings)
        app.test_client_class = FreshContextClient
        context = app.app_context()
        context.push()
        apps.append(context)
        _db.create_all()
        return app.test_client()

    yield make
    for context in apps:
        _db.session.remove()
        _db.engine.dispose()
        context.pop()


def milestone_and_two_citizens(auth, client):
    """A milestone and two citizens, stored; the first is signed in on `client`."""
    milestone = make_milestone()
    first, second = make_citizen(), make_citizen()
    _db.session.commit()
    auth.sign_in(first, client=client)
    return milestone, first, second


def test_comment_limit_per_account(auth, limited_client):
    client = limited_client(COMMENT_LIMIT_PER_ACCOUNT="2 per minute")
    milestone, first, second = milestone_and_two_citizens(auth, client)
    assert [post_comment(client, milestone, f"Kommentar {n}").status_code for n in range(2)] == [303, 303]
    throttled = post_comment(client, milestone, "Einer zu viel")
    assert throttled.status_code == 429 and "viele Kommentare" in text_of(throttled)
    assert ">Einer zu viel</textarea>" in text_of(throttled)
    # Replies count towards the same limit.
    top = _db.session.scalar(select(Comment).limit(1))
    assert client.post(f"/kommentare/{top.id}/antworten",
                       data={"body": "Antwort", "form_started": new_form_stamp()}).status_code == 429
    auth.sign_in(second, client=client)
    assert post_comment(client, milestone, "Von der zweiten Person").status_code == 303
    assert _db.session.scalar(select(func.count(Comment.id))) == 3


def test_comment_limit_per_ip_covers_several_accounts(auth, limited_client):
    client = limited_client(COMMENT_LIMIT_PER_IP="3 per minute")
    milestone, first, second = milestone_and_two_citizens(auth, client)
    assert [post_comment(client, milestone, f"Kommentar {n}").status_code for n in range(2)] == [303, 303]
    auth.sign_in(second, client=client)
    assert post_comment(client, milestone, "Dritter von dieser Adresse").status_code == 303
    assert post_comment(client, milestone, "Vierter von dieser Adresse").status_code == 429
    assert _db.session.scalar(select(func.count(Comment.id))) == 3


def test_vote_and_flag_limits(auth, limited_client):
    client = limited_client(VOTE_LIMIT_PER_ACCOUNT="2 per minute", FLAG_LIMIT_PER_ACCOUNT="1 per minute")
    milestone = make_milestone()
    citizen = make_citizen()
    comments = [make_comment(milestone, make_citizen(), f"Text {n}") for n in range(2)]
    _db.session.commit()
    auth.sign_in(citizen, client=client)
    assert client.post(f"/etappenziele/{milestone.slug}/unterstuetzen").status_code == 303
    assert client.post(f"/etappenziele/{milestone.slug}/unterstuetzung-zuruecknehmen").status_code == 303
    throttled = client.post(f"/etappenziele/{milestone.slug}/unterstuetzen")
    assert throttled.status_code == 429 and "sehr oft abgestimmt" in text_of(throttled)
    assert fresh(Milestone, milestone.id).support_count == 0
    data = {"reason": "spam", "form_started": new_form_stamp()}
    assert client.post(f"/kommentare/{comments[0].id}/melden", data=data).status_code == 303
    flagged = client.post(f"/kommentare/{comments[1].id}/melden", data=data)
    assert flagged.status_code == 429 and "viele Meldungen" in text_of(flagged)
    # Reading the forms is not limited.
    assert client.get(f"/kommentare/{comments[1].id}/melden").status_code == 200


# --- query count ----------------------------------------------------------------------------------------


def counted_get(client, count_queries, url: str) -> int:
    assert client.get(url).status_code == 200
    _db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def add_activity(milestone, department, n: int) -> None:
    """n comments with a reply each, an official answer, ratings, flags and support votes."""
    editor = make_editor(department)
    for i in range(n):
        author = make_citizen()
        top = make_comment(milestone, author, f"Kommentar {i} https://example.org/{i}")
        make_comment(milestone, make_citizen(), f"Antwort {i}", parent=top)
        make_comment(milestone, editor, f"Amtliche Antwort {i}", parent=top, is_official=True,
                     department_id=department.id)
        make_comment(milestone, author, f"Gelöscht {i}", status="deleted")
        voter = make_citizen()
        _db.session.add_all([
            SupportVote(milestone_id=milestone.id, user_id=voter.id),
            CommentRating(comment_id=top.id, user_id=voter.id, helpful=bool(i % 2)),
            Flag(comment_id=top.id, user_id=voter.id, reason="spam"),
        ])
    _db.session.flush()


@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "editor"])
def test_milestone_page_query_count_does_not_grow_with_comments_and_votes(auth, app, client, db, count_queries, viewer):
    app.config["COMMENTS_PER_PAGE"] = 100
    department = make_department()
    milestone = make_milestone(department=department)
    add_activity(milestone, department, 2)
    user = {"anonymous": None, "citizen": make_citizen(), "editor": make_editor(department)}[viewer]
    _db.session.commit()
    if user is not None:
        auth.sign_in(user)
        _db.session.add_all([SupportVote(milestone_id=milestone.id, user_id=user.id)])
        _db.session.commit()
    url = page_url(milestone)
    few = counted_get(client, count_queries, url)
    add_activity(milestone, department, 25)
    if user is not None:
        for comment in _db.session.scalars(select(Comment).where(Comment.parent_id.is_(None)).limit(10)):
            _db.session.add(CommentRating(comment_id=comment.id, user_id=user.id, helpful=True))
    _db.session.commit()
    assert counted_get(client, count_queries, url) == few
    assert counted_get(client, count_queries, page_url(milestone, comments_sort="helpful")) == few


# --- permalinks ------------------------------------------------------------------------------------


@pytest.fixture
def long_thread(app, scene):
    """25 top-level comments a minute apart (3 per page), the oldest with a reply and most ratings."""
    app.config["COMMENTS_PER_PAGE"] = 3
    milestone, citizen, _department = scene
    start = utcnow() - timedelta(days=1)
    comments = [make_comment(milestone, citizen, f"Kommentar {i}", created_at=start + timedelta(minutes=i))
                for i in range(25)]
    oldest = comments[0]
    oldest.helpful_count = 9
    reply = make_comment(milestone, make_citizen(), "Eine Antwort", parent=oldest,
                         created_at=start + timedelta(hours=2))
    _db.session.commit()
    return milestone, comments, reply


def shown_on(client, location: str, comment_id: int) -> bool:
    """The page the redirect names shows the comment's article."""
    return f'id="kommentar-{comment_id}"' in text_of(client.get(location.split("#")[0]))


def test_a_permalink_leads_to_the_page_that_shows_the_comment(client, long_thread):
    milestone, comments, _reply = long_thread
    oldest, newest, middle = comments[0], comments[-1], comments[12]
    response = client.get(f"/kommentare/{newest.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/etappenziele/{milestone.slug}#kommentar-{newest.id}"
    # Newest first, 3 per page: the oldest of 25 is on page 9, the 13th on page 5.
    location = client.get(f"/kommentare/{oldest.id}").headers["Location"]
    assert location == f"/etappenziele/{milestone.slug}?comments_page=9#kommentar-{oldest.id}"
    assert shown_on(client, location, oldest.id)
    location = client.get(f"/kommentare/{middle.id}").headers["Location"]
    assert "comments_page=5" in location and shown_on(client, location, middle.id)
    # The permalink sets no cookie: anonymous visitors stay cookie-free.
    assert "Set-Cookie" not in client.get(f"/kommentare/{middle.id}").headers


def test_a_permalink_keeps_the_requested_sort(client, long_thread):
    milestone, comments, _reply = long_thread
    oldest, newest = comments[0], comments[-1]
    location = client.get(f"/kommentare/{oldest.id}?comments_sort=oldest").headers["Location"]
    assert location == f"/etappenziele/{milestone.slug}?comments_sort=oldest#kommentar-{oldest.id}"
    location = client.get(f"/kommentare/{newest.id}?comments_sort=oldest").headers["Location"]
    assert "comments_page=9" in location and "comments_sort=oldest" in location
    assert shown_on(client, location, newest.id)
    # The most helpful comment heads the helpful order.
    location = client.get(f"/kommentare/{oldest.id}?comments_sort=helpful").headers["Location"]
    assert "comments_page" not in location and shown_on(client, location, oldest.id)
    # An unknown sort falls back to the default order.
    location = client.get(f"/kommentare/{newest.id}?comments_sort=bogus").headers["Location"]
    assert location == f"/etappenziele/{milestone.slug}#kommentar-{newest.id}"


def test_a_reply_permalink_leads_to_its_parents_page(client, long_thread):
    milestone, comments, reply = long_thread
    location = client.get(f"/kommentare/{reply.id}").headers["Location"]
    assert location == f"/etappenziele/{milestone.slug}?comments_page=9#kommentar-{reply.id}"
    assert shown_on(client, location, reply.id)


def test_english_permalinks_stay_english(client, long_thread):
    milestone, comments, _reply = long_thread
    location = client.get(f"/en/kommentare/{comments[-1].id}").headers["Location"]
    assert location == f"/en/etappenziele/{milestone.slug}#kommentar-{comments[-1].id}"


@pytest.mark.parametrize("status", ["hidden", "rejected", "spam", "held", "deleted", "pending"])
def test_permalinks_of_comments_nobody_may_read_answer_404(auth, client, scene, status):
    milestone, citizen, _department = scene
    comment = make_comment(milestone, make_citizen(), "Nicht zu sehen", status=status)
    _db.session.commit()
    assert client.get(f"/kommentare/{comment.id}").status_code == 404
    auth.sign_in(citizen)
    assert client.get(f"/kommentare/{comment.id}").status_code == 404
    response = client.get(f"/kommentare/{comment.id}")
    assert_not_found(response)
    assert "Nicht zu sehen" not in text_of(response)


def test_the_author_reaches_the_own_pending_comment(auth, client, scene):
    milestone, citizen, _department = scene
    comment = make_comment(milestone, citizen, "Wartet auf Freigabe", status="pending")
    _db.session.commit()
    auth.sign_in(citizen)
    location = client.get(f"/kommentare/{comment.id}").headers["Location"]
    assert location.endswith(f"#kommentar-{comment.id}") and shown_on(client, location, comment.id)


@pytest.mark.parametrize("path", ["/kommentare/999999", "/kommentare/0", "/kommentare/99999999999", "/kommentare/abc"])
def test_permalinks_of_unknown_comments_answer_404(client, scene, path):
    assert client.get(path).status_code == 404
    assert_not_found(client.get(path))


def test_a_permalink_of_an_unpublished_milestone_answers_404(client, scene):
    milestone, citizen, _department = scene
    comment = make_comment(milestone, citizen, "Text")
    milestone.published = False
    _db.session.commit()
    assert client.get(f"/kommentare/{comment.id}").status_code == 404
    assert_not_found(client.get(f"/kommentare/{comment.id}"))


def test_the_unanswered_list_and_the_form_pages_link_to_permalinks(auth, client, scene):
    milestone, citizen, department = scene
    comment = make_comment(milestone, make_citizen(), "Wann geht es los?")
    _db.session.commit()
    auth.sign_in(make_editor(department))
    _db.session.commit()
    assert f'href="/kommentare/{comment.id}"' in text_of(client.get("/verwaltung/unbeantwortet"))
    auth.sign_in(citizen)
    for path in ("antworten", "melden"):
        assert f'href="/kommentare/{comment.id}"' in text_of(client.get(f"/kommentare/{comment.id}/{path}"))


# --- pre-moderation: the button says where the text goes (issue 13, item 6) -------------------------


SEND_FOR_REVIEW = ">Zur Prüfung senden</button>"


@pytest.mark.parametrize("site_mode, milestone_mode, to_review", [
    ("pre", None, True),
    ("post", "pre", True),
    ("post", None, False),
    ("pre", "post", False),
])
def test_comment_buttons_under_pre_moderation_say_send_for_review(auth, client, scene, site_mode, milestone_mode, to_review):
    milestone, citizen, _ = scene
    set_setting("moderation_mode", site_mode)
    milestone.moderation_mode = milestone_mode
    top = make_comment(milestone, make_citizen(), "Die Frage")
    _db.session.commit()
    auth.sign_in(citizen)
    pages = [
        thread_html(client.get(page_url(milestone))),
        text_of(client.get(f"/etappenziele/{milestone.slug}/kommentieren")),
        text_of(client.get(f"/kommentare/{top.id}/antworten")),
        # A form sent back with an error keeps the label.
        text_of(post_comment(client, milestone, "")),
    ]
    for html in pages:
        assert (SEND_FOR_REVIEW in html) is to_review
        assert ("veröffentlichen</button>" in html) is not to_review
    english = text_of(client.get(f"/en/etappenziele/{milestone.slug}/kommentieren"))
    assert (">Send for review</button>" in english) is to_review


def test_staff_answers_under_pre_moderation_are_published_and_say_so(auth, client, scene):
    milestone, citizen, department = scene
    set_setting("moderation_mode", "pre")
    top = make_comment(milestone, citizen, "Frage an die Stadt")
    auth.as_role("editor", department)
    html = text_of(client.get(f"/kommentare/{top.id}/antworten"))
    assert ">Antwort veröffentlichen</button>" in html and SEND_FOR_REVIEW not in html
