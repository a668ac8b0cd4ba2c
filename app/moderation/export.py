"""CSV export of the moderation log, with formula-like cells neutralised (CSV injection).

Accounts concerned by a decision appear by pseudonym only ("Konto #12", in the reader's
language like the column titles and the reasons the system wrote), and the original
text of redacted comments is left out: the export is meant to leave the system.
"""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app import audit
from app.models import ModerationDecision, utcnow
from app.moderation import labels
from app.extensions import db
from app.csvformat import BOM, DELIMITER, neutralise


def filename() -> str:
    return f"moderationsprotokoll-{utcnow():%Y-%m-%d}.csv"


def _moderator(decision: ModerationDecision) -> str:
    if decision.moderator is not None:
        return f"{decision.moderator.display_name} ({audit.stored_label(decision.moderator_label)})"
    return audit.stored_label(decision.moderator_label) or _("System")


def _row(decision: ModerationDecision) -> list[str]:
    comment = decision.comment
    return [
        decision.created_at.isoformat(timespec="seconds"),
        _moderator(decision),
        labels.action_label(decision.action),
        str(decision.comment_id or ""),
        comment.milestone.title if comment is not None else "",
        _("Konto #%(id)d", id=decision.subject_user_id) if decision.subject_user_id else "",
        labels.status_label(decision.status_before) if decision.status_before else "",
        labels.status_label(decision.status_after) if decision.status_after else "",
        labels.system_reason(decision.reason) or decision.reason or "",
    ]


def log_csv(stmt) -> str:
    """The decisions of the statement as a semicolon-separated UTF-8 file with BOM."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([
        _("Zeitpunkt (UTC)"), _("Moderation"), _("Aktion"), _("Kommentar"), _("Etappenziel"),
        _("Betroffenes Konto"), _("Status vorher"), _("Status nachher"), _("Grund"),
    ])
    for decision in db.session.scalars(stmt):
        writer.writerow([neutralise(cell) for cell in _row(decision)])
    return out.getvalue()
