"""`flask reports issue`: issue a status report outside a web request.

Rendering the four PDFs of a large strategy can take longer than a web worker may (GUNICORN_TIMEOUT,
BENCHMARKS.md "Reporting"); the command calls the same service as the backend form.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.permissions import PermissionDenied
from app.extensions import db
from app.models import User
from app.reporting import reports

reports_cli = AppGroup("reports", help="Status reports (Sachstandsberichte).")


@reports_cli.command("issue")
@click.option("--day", "day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Reporting date, YYYY-MM-DD.")
@click.option("--previous", "previous_id", type=int, default=None, help="Id of the report to compare with.")
@click.option("--admin", "admin_email", required=True, help="E-mail address of the admin who issues it.")
@click.option("--publish", is_flag=True, help="Publish the public version right away.")
def issue_command(day, previous_id: int | None, admin_email: str, publish: bool) -> None:
    """Freeze the state of DAY as a report with its four PDFs."""
    admin = db.session.scalar(select(User).where(func.lower(User.email) == admin_email.strip().lower()))
    try:
        report = reports.issue_report(admin, day.date(), previous_id)
        if publish:
            reports.set_published(admin, report, True)
    except PermissionDenied:
        raise click.ClickException(f"{admin_email} is no active admin account.")
    except reports.ReportRefused as refused:
        raise click.ClickException(str(refused.message))
    db.session.commit()
    click.echo(f"Report {report.id} for {report.reporting_date.isoformat()} issued"
               + (" and published." if publish else " (not published)."))
