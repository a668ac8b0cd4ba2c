"""Reason templates ("Begründungsvorlagen"): the ready reasons moderators pick for a decision.

Moderators keep them up to date themselves (the installation ships defaults, migration
0016_reason_defaults); every change is recorded in the audit log and committed.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app import audit
from app.auth.permissions import require
from app.extensions import db
from app.moderation.policy import can_moderate
from app.moderation.services import InvalidInput, NotFound
from app.models import ReasonTemplate, User


@dataclass
class ReasonData:
    title: str
    text_de: str
    text_en: str = ""
    position: int = 0


FIELDS = ("title", "text_de", "text_en", "position")


def save(moderator: User, template: ReasonTemplate | None, data: ReasonData) -> ReasonTemplate:
    """Create (template None) or change a reason template."""
    require(can_moderate(moderator))
    title = data.title.strip()
    if ":" in title:
        # The title starts the stored reason ("Title: words"); a colon would blur the statistics.
        raise InvalidInput({"title": _l("Der Titel darf keinen Doppelpunkt enthalten.")})
    before = audit.snapshot(template, FIELDS) if template else None
    if template is None:
        template = ReasonTemplate()
        db.session.add(template)
    template.title = title
    template.text_de = data.text_de.strip()
    template.text_en = (data.text_en or "").strip()
    template.position = data.position or 0
    db.session.flush()
    audit.record(moderator, audit.AuditAction.UPDATE if before else audit.AuditAction.CREATE,
                 "reason_template", template.id, template.title,
                 before=before, after=audit.snapshot(template, FIELDS))
    db.session.commit()
    return template


def delete(moderator: User, template_id: int) -> None:
    """Delete a template; decisions made with it keep their stored reason."""
    require(can_moderate(moderator))
    template = db.session.get(ReasonTemplate, template_id)
    if template is None:
        raise NotFound()
    audit.record(moderator, audit.AuditAction.DELETE, "reason_template", template.id, template.title,
                 before=audit.snapshot(template, FIELDS))
    db.session.delete(template)
    db.session.commit()
