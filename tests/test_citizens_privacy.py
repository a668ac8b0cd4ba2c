"""Privacy: download my data, delete my account (threads stay readable, counters exact, logs
pseudonymised), and the privacy page stating what is stored and for how long."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from flask_babel import format_date
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.auth.tokens import issue_token
from app.citizens import services as citizens
from app.models import ActionToken, AuditEntry, BlockedAddress, Comment, CommentRating, CommentStatus, Flag, Milestone
from app.models import ModerationAction, ModerationDecision, Role, Subscription, SupportVote, TokenPurpose, User, utcnow
from app.moderation import appeals, blocks, decisions, redaction
from app.participation.services import comments, flags, votes
from config import Config
from tests.builders import make_department, make_editor, make_milestone, make_moderator
from tests.builders.auth import PASSWORD, make_account
from tests.builders.citizens import make_subscription, mails_to, register_data
from tests.builders.comments import make_comment


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

    claras = comments.post_comment(clara, milestone, "Wann kommt das Bürgerkonto?")
    bobs = comments.post_comment(bob, milestone, "Ich freue mich darauf.")
    claras_reply = comments.post_comment(clara, milestone, "Ich auch!", parent=bobs)
    answer = comments.post_comment(editor, milestone, "Im Frühjahr.", parent=claras)
    votes.support(clara, milestone)
    votes.support(bob, milestone)
    votes.rate_comment(clara, bobs, True)
    votes.rate_comment(bob, claras, True)
    flags.flag_comment(clara, bobs, "off_topic")
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


def test_my_data_page_explains_and_the_button_downloads_json(auth, client, scene):
    auth.sign_in(scene["clara"])
    page = client.get("/konto/meine-daten")
    assert page.status_code == 200
    assert "Content-Disposition" not in page.headers
    response = client.post("/konto/meine-daten")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.fullmatch(r'attachment; filename="meine-daten-\d{4}-\d\d-\d\d\.json"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "private, no-store"
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


def test_the_download_needs_the_forms_csrf_token(auth, app, client, scene):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.sign_in(scene["clara"])
    response = client.post("/konto/meine-daten")
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers


# --- deleting the account -------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(auth, client, scene):
    auth.sign_in(scene["clara"])
    response = client.post("/konto/loeschen", data={"password": "falsches Passwort 99"})
    assert response.status_code == 422
    assert "Das aktuelle Passwort ist falsch." in response.get_data(as_text=True)
    assert fresh(User, scene["clara"].id) is not None
    assert fresh(Milestone, scene["milestone"].id).support_count == 2


def test_staff_accounts_are_not_deleted_here(auth, client, db):
    editor = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    auth.sign_in(editor)
    response = client.post("/konto/loeschen", data={"password": PASSWORD})
    assert response.status_code == 422
    assert "Konten der Verwaltung" in response.get_data(as_text=True)
    assert fresh(User, editor.id) is not None


def test_deleting_keeps_the_thread_readable_and_every_counter_exact(auth, client, scene):
    clara, milestone = scene["clara"], scene["milestone"]
    clara_id, label = clara.id, audit.actor_label(clara)
    auth.sign_in(clara)
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


def test_deleting_with_the_texts_leaves_deleted_lines(auth, client, scene):
    clara, milestone = scene["clara"], scene["milestone"]
    auth.sign_in(clara)
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


@pytest.mark.parametrize("remove_comments", [True, False])
def test_deleting_with_the_texts_takes_the_authors_words_out_of_the_moderation_log(auth, client, scene, remove_comments):
    """The redacted passage and the appeal are Clara's words: with her texts they leave the log;
    the decisions stay. Without the tick they stay (the comments stay readable too)."""
    clara, moderator = scene["clara"], scene["moderator"]
    claras = scene["claras"]
    redaction.redact(moderator, claras.id, None, ["Bürgerkonto"], "Name entfernt")
    decisions.decide(moderator, claras.id, None, "hide", reason_text="Unsachlich")
    appeals.appeal(clara, claras.id, "Ich habe nur gefragt, Clara Citoyenne, Tel. 0123 456")
    redaction.redact(moderator, scene["bobs"].id, None, ["freue"], "Test")
    db.session.commit()
    auth.sign_in(clara)
    data = {"password": PASSWORD, **({"remove_comments": "y"} if remove_comments else {})}
    assert client.post("/konto/loeschen", data=data).status_code == 303
    db.session.expire_all()
    log = {d.action: d for d in db.session.scalars(
        select(ModerationDecision).where(ModerationDecision.comment_id == claras.id))}
    assert {"approve", "redact", "hide", "appeal"} <= set(log)
    if remove_comments:
        assert log["redact"].original_body is None and log["appeal"].reason == ""
    else:
        assert "Bürgerkonto" in log["redact"].original_body and "0123 456" in log["appeal"].reason
    assert (log["redact"].reason, log["hide"].reason) == ("Name entfernt", "Unsachlich")
    bobs_redaction = db.session.scalar(select(ModerationDecision).where(
        ModerationDecision.comment_id == scene["bobs"].id, ModerationDecision.action == "redact"))
    assert "freue" in bobs_redaction.original_body  # another author's log stays whole


def test_an_open_question_stops_waiting_when_its_text_is_deleted(auth, client, db):
    milestone = make_milestone()
    clara = make_account("clara@example.org", email_confirmed_at=utcnow())
    db.session.commit()
    comment = comments.post_comment(clara, milestone, "Eine offene Frage?")
    assert comment.answer_status == "open"
    auth.sign_in(clara)
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
    assert (f"Bestätigen Sie den Kommentar nicht innerhalb von {Config.GUEST_COMMENT_CONFIRM_HOURS} Stunden, "
            "löschen wir ihn mit Namen und Adresse.") in page
    # The longest rate-limit window is a day, as the text says.
    for key in ("REGISTER_LIMIT_PER_IP", "SUBSCRIBE_LIMIT_PER_IP", "COMMENT_LIMIT_PER_IP", "LOGIN_LIMIT_PER_IP"):
        assert all(part.split(" per ")[1] in ("second", "minute", "hour", "day")
                   for part in getattr(Config, key).split(";")), key


def test_the_privacy_page_names_the_retention_of_unconfirmed_accounts_and_blocked_addresses(client, db):
    page = client.get("/datenschutz").get_data(as_text=True)
    assert f"nicht innerhalb von {Config.UNCONFIRMED_ACCOUNT_DAYS} Tagen, löschen wir das Konto" in page
    assert "War Ihr Konto beim Löschen von der Moderation gesperrt" in page
    assert "Endet die Sperre, löschen wir den Prüfwert." in page


def test_the_session_cookie_has_no_expiry_date(client, db):
    response = client.get("/konto/registrieren")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Expires" not in cookie and "Max-Age" not in cookie
    assert "HttpOnly" in cookie


# --- a block outlives the deleted account --------------------------------------------------------


def block(scene, period: str = "30"):
    return blocks.block_author(scene["moderator"], scene["clara"].id, period, "Beleidigungen")


def delete_claras_account(auth, scene) -> None:
    auth.sign_in(scene["clara"])
    response = auth.client.post("/konto/loeschen", data={"password": PASSWORD})
    assert response.status_code == 303
    auth.sign_out()


def register_clara(client):
    return client.post("/konto/registrieren", data=register_data(email="Clara@Example.org", display_name="Clara Neu"))


def claras_accounts() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)).where(User.email == "clara@example.org"))


# Also against PostgreSQL (`make test-postgres`): cascades and correlated subqueries.
@pytest.mark.postgres
def test_a_blocked_citizen_cannot_escape_the_block_by_deleting_the_account(auth, client, scene):
    until = block(scene).until
    delete_claras_account(auth, scene)
    assert fresh(User, scene["clara"].id) is None
    # Only the keyed hash of the address is kept, with the end of the block.
    [row] = db.session.scalars(select(BlockedAddress)).all()
    key = client.application.config["SECRET_KEY"].encode()
    assert row.address_hash == hmac.new(key, b"clara@example.org", hashlib.sha256).hexdigest()
    assert row.address_hash != hashlib.sha256(b"clara@example.org").hexdigest()
    assert row.until == until
    before = len(mails_to("clara@example.org"))

    response = register_clara(client)
    # The same answer as for any registration; no account is made.
    assert response.status_code == 303 and response.headers["Location"] == "/konto/registrieren/gesendet"
    assert claras_accounts() == 0
    [mail] = mails_to("clara@example.org")[before:]
    assert mail.subject == "Mit dieser E-Mail-Adresse ist zurzeit keine Registrierung möglich"
    assert "kann mit dieser Adresse kein neues Konto angelegt werden" in mail.body_text
    with client.application.test_request_context():
        assert format_date(until, "short") in mail.body_text
    assert "/konto/bestaetigen/" not in mail.body_text


@pytest.mark.postgres
def test_a_block_for_good_keeps_the_address_blocked_for_good(auth, client, scene):
    block(scene, "forever")
    delete_claras_account(auth, scene)
    assert db.session.scalar(select(BlockedAddress.until)) is None
    assert register_clara(client).status_code == 303
    assert claras_accounts() == 0
    assert "dauerhaft für Beiträge gesperrt" in mails_to("clara@example.org")[-1].body_text
    assert citizens.purge_ended_address_blocks() == 0


@pytest.mark.postgres
def test_once_the_block_ended_the_address_may_register_and_its_hash_goes(auth, client, scene, runner):
    block(scene)
    delete_claras_account(auth, scene)
    row = db.session.scalar(select(BlockedAddress))
    row.until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert register_clara(client).status_code == 303
    assert claras_accounts() == 1
    result = runner.invoke(args=["citizens", "purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert "1 ended address block(s) deleted" in result.output
    assert db.session.scalar(select(func.count(BlockedAddress.id))) == 0


def test_a_lifted_block_keeps_no_address(auth, client, scene):
    running = block(scene)
    blocks.lift_block(scene["moderator"], running.id)
    delete_claras_account(auth, scene)
    assert db.session.scalar(select(func.count(BlockedAddress.id))) == 0
    assert register_clara(client).status_code == 303
    assert claras_accounts() == 1


def test_unblocked_accounts_keep_no_address(auth, client, scene):
    delete_claras_account(auth, scene)
    assert db.session.scalar(select(func.count(BlockedAddress.id))) == 0


# --- never-confirmed accounts ------------------------------------------------------------------------


@pytest.mark.postgres
def test_purge_unconfirmed_deletes_only_old_empty_unconfirmed_citizen_accounts(app, db, runner):
    old = utcnow() - timedelta(days=Config.UNCONFIRMED_ACCOUNT_DAYS, hours=1)
    milestone = make_milestone()
    make_account("alt@example.org", created_at=old)
    gone_with_token = make_account("alt2@example.org", created_at=old)
    db.session.commit()
    issue_token(TokenPurpose.CONFIRM_EMAIL, timedelta(hours=1), user=gone_with_token,
                payload={"email": gone_with_token.email})
    db.session.commit()
    kept = {
        make_account("neu@example.org", created_at=utcnow() - timedelta(days=Config.UNCONFIRMED_ACCOUNT_DAYS - 1)),
        make_account("bestaetigt@example.org", created_at=old, email_confirmed_at=old),
        make_account("redaktion@example.org", roles=(Role.EDITOR,), created_at=old),
    }
    with_comment = make_account("kommentar@example.org", created_at=old)
    with_vote = make_account("stimme@example.org", created_at=old)
    db.session.flush()
    make_comment(milestone, with_comment, "Ein Kommentar", status="pending")
    db.session.add(SupportVote(milestone_id=milestone.id, user_id=with_vote.id))
    db.session.commit()
    kept = {user.email for user in kept} | {"kommentar@example.org", "stimme@example.org"}

    result = runner.invoke(args=["citizens", "purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert f"2 unconfirmed account(s) older than {Config.UNCONFIRMED_ACCOUNT_DAYS} days deleted" in result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(User.email))) == kept
    assert db.session.scalar(select(func.count(ActionToken.id))) == 0
    # Configurable per run: a shorter period also takes the young one.
    result = runner.invoke(args=["citizens", "purge-unconfirmed", "--days", "1"])
    assert "1 unconfirmed account(s) older than 1 days deleted" in result.output
    db.session.expire_all()
    assert "neu@example.org" not in set(db.session.scalars(select(User.email)))
    assert runner.invoke(args=["citizens", "purge-unconfirmed", "--days", "0"]).exit_code == 2


def test_purge_unconfirmed_deletes_guest_comments_whose_link_expired(app, db, runner):
    milestone = make_milestone()
    hours = app.config["GUEST_COMMENT_CONFIRM_HOURS"]
    expired, young, confirmed = (utcnow() - timedelta(hours=hours + 1), utcnow() - timedelta(hours=hours - 1),
                                 utcnow() - timedelta(days=30))
    for name, created, confirmed_at in (("Abgelaufen", expired, None), ("Jung", young, None),
                                        ("Bestätigt", confirmed, confirmed)):
        make_comment(milestone, None, f"Text von {name}", status="pending", created_at=created,
                     guest_name=name, guest_email=f"{name.lower()}@example.org", guest_confirmed_at=confirmed_at)
    make_comment(milestone, make_account("konto@example.org", email_confirmed_at=expired), "Mit Konto",
                 status="pending", created_at=expired)
    db.session.commit()

    result = runner.invoke(args=["citizens", "purge-unconfirmed"])

    assert result.exit_code == 0, result.output
    assert "1 unconfirmed guest comment(s) deleted" in result.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Comment.body))) == ["Mit Konto", "Text von Bestätigt", "Text von Jung"]


def test_purge_unconfirmed_reads_the_period_from_the_config(app, db):
    make_account("drei@example.org", created_at=utcnow() - timedelta(days=3))
    db.session.commit()
    assert citizens.purge_unconfirmed() == 0
    app.config["UNCONFIRMED_ACCOUNT_DAYS"] = 2
    assert citizens.purge_unconfirmed() == 1
