"""`flask notify-subscribers`: mail subscribers what happened (run every few minutes from a timer)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.subscriptions.notify import notify_subscribers


@click.command("notify-subscribers")
@click.option("--no-deliver", is_flag=True,
              help="Only store the mails in the outbox; `flask mail send-pending` sends them.")
@with_appcontext
def notify_subscribers_command(no_deliver: bool) -> None:
    """Mail subscribers new progress updates, status changes and re-plannings (batched)."""
    result = notify_subscribers(deliver=not no_deliver)
    click.echo(
        f"{result.mails} mails for {result.subscriptions} subscriptions ({result.sent} sent now); "
        f"{result.purged} unconfirmed subscriptions deleted."
    )
