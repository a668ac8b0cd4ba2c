"""`flask moderation ...`: the moderators' digest (run daily from cron or a systemd timer)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.moderation.digest import send_digest

moderation_cli = AppGroup("moderation", help="Moderation of citizens' comments.")


@moderation_cli.command("digest")
@click.option("--always", is_flag=True, help="Also send when the queue is empty.")
def digest_command(always: bool) -> None:
    """E-mail every moderator the queue size and the age of the oldest item."""
    count = send_digest(always=always)
    click.echo(f"{count} digest mail(s) sent.")
