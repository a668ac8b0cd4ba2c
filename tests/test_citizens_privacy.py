"""Privacy: download my data, delete my account (threads stay readable, counters exact, logs
pseudonymised), and the privacy page stating what is stored and for how long."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import (
    AuditEntry,
    Comment,
    CommentRating,
    CommentStatus,
    Flag,
    Milestone,
    ModerationAction,
    ModerationDecision,
    Role,
    Subscription,
    SupportVote,
    User,
    utcnow,
)
from app.participation import services as participation
from config import Config
from tests.builders import make_department, make_milestone
from tests.builders_auth import PASSWORD, make_account
from tests.builders_citizens import make_subscription, mails_to
from tests.builders_participation import make_editor, make_moderator, sign_in


@pytest.fixture
def scene(db):
    """Clara (who will delete her account) and Bob take part on one milestone."""
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Online-Bürgerkonto", department=department)
    clara = make_account("clara@example.org", display_name="Clara Citoyenne", email_confirmed_at=utcnow())
    bob = make_account("bob@example.org", display_name="Bob Bürger", email_confirmed_at=utcnow())
    editor = make_editor(department, display_name="Rita Redaktion")
    moderator = make_moderator()
    db.session.commit()

    claras = participation.post_comment(clara, milestone, "Wann kommt das Bürgerkonto?")
    bobs = participation.post_comment(bob, milestone, "Ich freue mich darauf.")
    claras_reply = participation.post_comment(clara, milestone, "Ich auch!", parent=bobs)
    answer = participation.post_comment(editor, milestone, "Im Frühjahr.", parent=claras)
    participation.support(clara, milestone)
    participation.support(bob, milestone)
    participation.rate_comment(clara, bobs, True)
    participation.rate_comment(bob, claras, True)
    participation.flag_comment(clara, bobs, "off_topic")
    make_subscription("clara@example.org", milestone=milestone)
    make_subscription("bob@example.org", milestone=milestone)
    db.session.add(ModerationDecision(
        comment_id=claras.id, subject_user_id=clara.id, moderator_id=moderator.id,
        moderator_label=audit.actor_label(moderator), action=ModerationAction.APPROVE.value,
        status_before="pending", status_after="published",
    ))
    audit.record(clara, audit.AuditAction.UPDATE, "setting", "x", "Test", before={"a": 1}, after={"a": 2})
    db.session.commit()
    return dict(milestone=milestone, clara=clara, bob=bob, claras=claras, bobs=bobs,
                claras_reply=claras_reply, answer=answer, moderator=moderator)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def assert_counters_exact(milestone_id: int) -> None:
    """Every stored counter equals the rows it counts."""
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone_id)
    assert milestone.support_count == db.session.scalar(
        select(func.count(SupportVote.id)).where(SupportVote.milestone_id == milestone_id))
    assert milestone.comment_count == db.session.scalar(
        select(func.count(Comment.id)).where(Comment.milestone_id == milestone_id,
                                             Comment.status == CommentStatus.PUBLISHED.value))
    for comment in db.session.scalars(select(Comment).where(Comment.milestone_id == milestone_id)):
        for helpful, stored in ((True, comment.helpful_count), (False, comment.unhelpful_count)):
            assert stored == db.session.scalar(select(func.count(CommentRating.id)).where(
                CommentRating.comment_id == comment.id, CommentRating.helpful.is_(helpful)))
        assert comment.flag_count == db.session.scalar(
            select(func.count(Flag.id)).where(Flag.comment_id == comment.id))


# --- download my data -----------------------------------------------------------------------------


def test_my_data_only_while_signed_in(client, scene):
    for method in (client.get, client.post):
        response = method("/konto/meine-daten")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/konto/anmelden")
        assert "Content-Disposition" not in response.headers


def test_my_data_page_explains_and_the_button_downloads_json(client, scene):
    sign_in(client, scene["clara"])
    page = client.get("/konto/meine-daten")
    assert page.status_code == 200
    assert "Content-Disposition" not in page.headers
    response = client.post("/konto/meine-daten")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.fullmatch(r'attachment; filename="meine-daten-\d{4}-\d\d-\d\d\.json"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "clara@example.org"
    assert data["account"]["display_name"] == "Clara Citoyenne"
    assert data["account"]["roles"] == ["citizen"]
    assert [c["text"] for c in data["comments"]] == ["Wann kommt das Bürgerkonto?", "Ich auch!"]
    assert data["comments"][1]["reply_to"] == scene["bobs"].id
    assert [v["milestone"]["slug"] for v in data["support_votes"]] == [scene["milestone"].slug]
    assert data["ratings"] == [{"comment_id": scene["bobs"].id, "helpful": True,
                                "created_at": data["ratings"][0]["created_at"]}]
    assert [(f["comment_id"], f["reason"]) for f in data["flags"]] == [(scene["bobs"].id, "off_topic")]
    assert [s["milestone"]["slug"] for s in data["subscriptions"]] == [scene["milestone"].slug]
    assert [d["action"] for d in data["moderation_decisions"]] == ["approve"]
    # Other people's data and secrets stay out.
    text = response.get_data(as_text=True)
    assert "bob@example.org" not in text
    assert "argon2" not in text and "password_hash" not in text


def test_the_download_needs_the_forms_csrf_token(app, client, scene):
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(client, scene["clara"])
    response = client.post("/konto/meine-daten")
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers


# --- deleting the account -------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(client, scene):
    sign_in(client, scene["clara"])
    response = client.post("/konto/loeschen", data={"password": "falsches Passwort 99"})
    assert response.status_code == 422
    assert "Das aktuelle Passwort ist falsch." in response.get_data(as_text=True)
    assert fresh(User, scene["clara"].id) is not None
    assert fresh(Milestone, scene["milestone"].id).support_count == 2


def test_staff_accounts_are_not_deleted_here(client, db):
    editor = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    sign_in(client, editor)
    response = client.post("/konto/loeschen", data={"password": PASSWORD})
    assert response.status_code == 422
    assert "Konten der Verwaltung" in response.get_data(as_text=True)
    assert fresh(User, editor.id) is not None


def test_deleting_keeps_the_thread_readable_and_every_counter_exact(client, scene):
    clara, milestone = scene["clara"], scene["milestone"]
    clara_id, label = clara.id, audit.actor_label(clara)
    sign_in(client, clara)
    page = client.get("/konto/loeschen").get_data(as_text=True)
    assert "Unterstützungen („Ist mir wichtig“): 1." in page
    assert "Kommentare: 2." in page

    response = client.post("/konto/loeschen", data={"password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/geloescht"
    assert fresh(User, clara_id) is None

    # Votes, ratings and flags are gone and the counters moved with them.
    assert fresh(Milestone, milestone.id).support_count == 1
    bobs = fresh(Comment, scene["bobs"].id)
    assert (bobs.helpful_count, bobs.flag_count) == (0, 0)
    assert_counters_exact(milestone.id)
    # Clara's comments stay with their text, as "Gelöschtes Konto"; Bob's rating of hers stays.
    claras = fresh(Comment, scene["claras"].id)
    assert (claras.author_id, claras.body, claras.status) == (None, "Wann kommt das Bürgerkonto?", "published")
    assert claras.helpful_count == 1
    assert fresh(Milestone, milestone.id).comment_count == 4
    thread = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert "Gelöschtes Konto" in thread
    assert "Wann kommt das Bürgerkonto?" in thread and "Im Frühjahr." in thread
    assert "Clara Citoyenne" not in thread
    # The logs keep their entries under the pseudonym, without a link to the account.
    decision = db_one(ModerationDecision)
    assert decision.subject_user_id is None and decision.comment_id == claras.id
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_label == label)).all()
    assert {e.action for e in entries} == {"update", "delete"}
    assert all(e.actor_id is None for e in entries)
    # Subscriptions of the address end; Bob's stay.
    assert db.session.scalars(select(Subscription.email)).all() == ["bob@example.org"]
    # The session is over and a notice went to the address.
    assert client.get("/konto/profil").status_code == 302
    assert [m.subject for m in mails_to("clara@example.org")][-1] == "Ihr Konto wurde gelöscht"


def db_one(model):
    db.session.expire_all()
    return db.session.scalars(select(model)).one()


def test_deleting_with_the_texts_leaves_deleted_lines(client, scene):
    clara, milestone = scene["clara"], scene["milestone"]
    sign_in(client, clara)
    response = client.post("/konto/loeschen", data={"password": PASSWORD, "remove_comments": "y"})
    assert response.status_code == 303
    claras = fresh(Comment, scene["claras"].id)
    reply = fresh(Comment, scene["claras_reply"].id)
    for comment in (claras, reply):
        assert (comment.author_id, comment.body, comment.body_html, comment.status) == (None, "", "", "deleted")
    # The official answer and Bob's comment stay; the counter counts what is still published.
    assert fresh(Comment, scene["answer"].id).status == "published"
    assert fresh(Milestone, milestone.id).comment_count == 2
    assert_counters_exact(milestone.id)
    thread = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert "Kommentar gelöscht" in thread
    assert "Wann kommt das Bürgerkonto?" not in thread
    assert "Im Frühjahr." in thread


def test_an_open_question_stops_waiting_when_its_text_is_deleted(client, db):
    milestone = make_milestone()
    clara = make_account("clara@example.org", email_confirmed_at=utcnow())
    db.session.commit()
    comment = participation.post_comment(clara, milestone, "Eine offene Frage?")
    assert comment.answer_status == "open"
    sign_in(client, clara)
    client.post("/konto/loeschen", data={"password": PASSWORD, "remove_comments": "y"})
    assert fresh(Comment, comment.id).answer_status is None


# --- the privacy page -----------------------------------------------------------------------------


def test_the_privacy_page_names_the_cookie_and_the_retention_periods(client, app, db):
    page = client.get("/datenschutz").get_data(as_text=True)
    config = app.config
    assert f"das Sitzungs-Cookie „{config['SESSION_COOKIE_NAME']}“" in page
    assert "Der Grund: Antworten anderer und der Verwaltung" in page
    # The numbers in the default text are the configured defaults.
    assert f"innerhalb von {Config.SUBSCRIPTION_CONFIRM_HOURS} Stunden" in page
    assert f"{Config.MAIL_RETENTION_DAYS} Tage nach dem Versand" in page
    assert f"Sie gelten {Config.CONFIRM_EMAIL_HOURS} Stunden (Bestätigungen) oder {Config.PASSWORD_RESET_HOURS} Stunden" in page
    assert f"werden {Config.TOKEN_RETENTION_DAYS} Tage, nachdem" in page
    assert f"(er gilt {Config.WTF_CSRF_TIME_LIMIT // 3600} Stunden)" in page
    assert Config.GUEST_COMMENT_CONFIRM_HOURS == Config.CONFIRM_EMAIL_HOURS
    # The longest rate-limit window is a day, as the text says.
    for key in ("REGISTER_LIMIT_PER_IP", "SUBSCRIBE_LIMIT_PER_IP", "COMMENT_LIMIT_PER_IP", "LOGIN_LIMIT_PER_IP"):
        assert all(part.split(" per ")[1] in ("second", "minute", "hour", "day")
                   for part in getattr(Config, key).split(";")), key


def test_the_session_cookie_has_no_expiry_date(client, db):
    response = client.get("/konto/registrieren")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Expires" not in cookie and "Max-Age" not in cookie
    assert "HttpOnly" in cookie
