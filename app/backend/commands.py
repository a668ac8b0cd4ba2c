"""Operator commands of the staff backend."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.backend.reminders import send_stale_reminders
from app.mail.services import send_mail


@click.command("remind-stale")
@with_appcontext
def remind_stale_command() -> None:
    """E-mail each editor the list of their milestones without a recent progress update."""
    count = send_stale_reminders(send_mail)
    click.echo(f"{count} reminder(s) sent.")
