"""Mail module: outbox, SMTP delivery, retries via `flask mail send-pending`, purge, .eml files."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.services import request_password_reset
from app.auth.tokens import issue_token
from app.mail.services import send_mail, send_pending
from app.urls import external_url
from app.models import ActionToken, OutboxMail, TokenPurpose, utcnow
from tests.builders.auth import make_account
from tests.plugins.smtp import dead_smtp, free_port, local_smtp, smtp_server  # noqa: F401  (fixtures)


def send_reset_mail(user, **kw):
    return send_mail(user, _l("Passwort zurücksetzen"), "password_reset", token="abc123", hours=2, **kw)


def test_mail_is_delivered_over_smtp(app, db, smtp_server):
    user = make_account("buerger@example.org", display_name="Erika Muster")
    mail = send_reset_mail(user)
    assert mail.sent_at is not None and mail.attempts == 1 and mail.last_error is None
    [received] = smtp_server.messages
    message = received["message"]
    assert received["to"] == ["buerger@example.org"]
    assert message["Subject"] == "Passwort zurücksetzen"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Message-ID"] == mail.headers["Message-ID"]
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Guten Tag Erika Muster," in text
    assert "http://localhost/konto/passwort-zuruecksetzen/abc123" in text
    assert '<a href="http://localhost/konto/passwort-zuruecksetzen/abc123">' in html


def test_html_body_escapes_user_content(app, db, smtp_server):
    user = make_account("x@example.org", display_name='<script>alert(1)</script>')
    mail = send_reset_mail(user)
    assert "<script>" not in mail.body_html
    assert "&lt;script&gt;" in mail.body_html


def test_mail_in_the_recipients_language_even_from_a_german_page(app, db):
    user = make_account("citizen@example.org", locale="en")
    with app.test_request_context("/konto"):
        mail = send_reset_mail(user)
    assert "http://localhost/en/konto/passwort-zuruecksetzen/abc123" in mail.body_text
    assert '<html lang="en">' in mail.body_html


def test_headers_are_kept_and_subject_has_no_line_breaks(app, db, smtp_server):
    user = make_account("buerger@example.org")
    send_mail(user, "Hallo\r\nBcc: opfer@example.org", "password_reset", token="t", hours=2,
              headers={"List-Unsubscribe": "<http://localhost/abbestellen/x>"})
    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == "Hallo Bcc: opfer@example.org"
    assert message["Bcc"] is None
    assert message["List-Unsubscribe"] == "<http://localhost/abbestellen/x>"


def test_server_down_keeps_mail_and_send_pending_delivers_it(app, db, runner, smtp_server):
    user = make_account("buerger@example.org")
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    mail = send_reset_mail(user)
    assert mail.sent_at is None
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = smtp_server.port
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 still pending." in result.output
    db.session.refresh(mail)
    assert mail.sent_at is not None and mail.attempts == 2
    assert len(smtp_server.messages) == 1
    assert "passwort-zuruecksetzen/abc123" in smtp_server.bodies()[0]

    # Nothing is sent twice.
    result = runner.invoke(args=["mail", "send-pending"])
    assert "0 sent, 0 still pending." in result.output
    assert len(smtp_server.messages) == 1


def test_retries_back_off_and_stop_after_the_limit(app, db, runner, dead_smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    user = make_account("buerger@example.org")
    mail = send_reset_mail(user)
    assert mail.attempts == 1 and mail.next_attempt_at <= utcnow()

    assert send_pending() == (0, 1)  # the first retry is due at once
    db.session.refresh(mail)
    assert mail.attempts == 2
    assert mail.next_attempt_at > utcnow() + timedelta(minutes=4)  # then the back-off
    assert send_pending() == (0, 0)
    assert mail.attempts == 2

    result = runner.invoke(args=["mail", "send-pending", "--force"])
    assert "0 sent, 1 still pending." in result.output
    db.session.refresh(mail)
    assert mail.attempts == 3
    assert send_pending(force=True) == (0, 0)  # given up after MAIL_MAX_ATTEMPTS
    assert mail.sent_at is None


def test_without_mail_server_mails_become_eml_files(app, db, tmp_path):
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    user = make_account("buerger@example.org")
    mail = send_reset_mail(user)
    assert mail.sent_at is not None
    [eml] = (tmp_path / "outbox").glob("*.eml")
    content = eml.read_text()
    assert "To: buerger@example.org" in content
    assert "passwort-zuruecksetzen/abc123" in content


def test_external_url_uses_base_url_outside_requests(app):
    app.config["BASE_URL"] = "https://etappen.example.de/portal"
    assert external_url("auth.login") == "https://etappen.example.de/portal/konto/anmelden"
    assert external_url("auth.login", lang="en") == "https://etappen.example.de/portal/en/konto/anmelden"
    assert external_url("public.home") == "https://etappen.example.de/portal/"


def test_mail_from_a_cli_job_links_to_base_url(app, db, runner, smtp_server):
    app.config["BASE_URL"] = "https://etappen.example.de"
    make_account("buerger@example.org")

    @app.cli.command("test-send")
    def test_send():
        request_password_reset("buerger@example.org")

    result = runner.invoke(args=["test-send"])
    assert result.exit_code == 0, result.output
    assert "https://etappen.example.de/konto/passwort-zuruecksetzen/" in smtp_server.bodies()[0]


def test_purge_deletes_old_sent_mails_and_old_tokens(app, db, runner):
    user = make_account("buerger@example.org")
    old, recent, pending = (send_reset_mail(user, deliver=d) for d in (True, True, False))
    old.sent_at = utcnow() - timedelta(days=31)
    pending.created_at = utcnow() - timedelta(days=60)
    issue_token(TokenPurpose.PASSWORD_RESET, timedelta(hours=2), user=user)
    issue_token(TokenPurpose.PASSWORD_RESET, timedelta(hours=2), user=user, revoke_previous=False)
    tokens = db.session.scalars(select(ActionToken).order_by(ActionToken.id)).all()
    tokens[0].expires_at = utcnow() - timedelta(days=8)
    db.session.commit()

    result = runner.invoke(args=["mail", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 mails and 1 tokens deleted." in result.output
    assert set(db.session.scalars(select(OutboxMail.id))) == {recent.id, pending.id}
    assert db.session.scalar(select(func.count(ActionToken.id))) == 1
