"""`flask mail ...`: retry pending mails and purge old ones (run from cron or a systemd timer)."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth.services import purge_revoked_sessions
from app.auth.tokens import purge_tokens
from app.extensions import db
from app.mail.services import purge_mails, send_pending
from app.models import utcnow

mail_cli = AppGroup("mail", help="Outgoing e-mail (outbox).")


@mail_cli.command("send-pending")
@click.option("--force", is_flag=True, help="Ignore the retry back-off.")
@click.option("--limit", default=500, show_default=True, help="At most this many mails per run.")
def send_pending_command(force: bool, limit: int) -> None:
    """Send mails that are still in the outbox."""
    sent, pending = send_pending(force=force, limit=limit)
    click.echo(f"{sent} sent, {pending} still pending.")


@mail_cli.command("purge")
def purge_command() -> None:
    """Delete sent mails and used or expired tokens older than the retention periods, and forget
    signed-out sessions whose cookies have expired."""
    config = current_app.config
    now = utcnow()
    mails = purge_mails(now - timedelta(days=config["MAIL_RETENTION_DAYS"]))
    tokens = purge_tokens(now - timedelta(days=config["TOKEN_RETENTION_DAYS"]))
    purge_revoked_sessions(now - config["PERMANENT_SESSION_LIFETIME"])
    db.session.commit()
    click.echo(f"{mails} mails and {tokens} tokens deleted.")


def register(app: Flask) -> None:
    app.cli.add_command(mail_cli)
