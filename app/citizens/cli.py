"""`flask citizens ...`: housekeeping of citizen accounts (run daily from cron or a systemd timer)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.citizens import services
from app.comments.lifecycle import purge_unconfirmed_guest_comments

citizens_cli = AppGroup("citizens", help="Citizen accounts.")


@citizens_cli.command("purge-unconfirmed")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Age in days of the accounts to delete (default: UNCONFIRMED_ACCOUNT_DAYS).")
def purge_unconfirmed_command(days: int | None) -> None:
    """Delete never-confirmed accounts without content, guest comments never confirmed, and the
    hashes of addresses whose block ended."""
    days = days or current_app.config["UNCONFIRMED_ACCOUNT_DAYS"]
    accounts = services.purge_unconfirmed(days)
    guest_comments = purge_unconfirmed_guest_comments()
    addresses = services.purge_ended_address_blocks()
    click.echo(f"{accounts} unconfirmed account(s) older than {days} days deleted; "
               f"{guest_comments} unconfirmed guest comment(s) deleted; "
               f"{addresses} ended address block(s) deleted.")
