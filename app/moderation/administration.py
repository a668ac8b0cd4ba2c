"""Administration of moderation: reason templates, the hold list, the mode per milestone.

Admins only, but for the reason templates, which moderators keep up to date themselves (the
installation ships defaults, migration 0020); every change is recorded in the audit log and
flushed; the view commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.auth.permissions import is_admin, require
from app.comments.permissions import can_moderate
from app.extensions import db
from app.moderation.errors import InvalidInput, NotFound
from app.models import HoldPattern, Milestone, ReasonTemplate, User


@dataclass
class ReasonData:
    title: str
    text_de: str
    text_en: str = ""
    position: int = 0


REASON_FIELDS = ("title", "text_de", "text_en", "position")


def save_reason_template(moderator: User, template: ReasonTemplate | None, data: ReasonData) -> ReasonTemplate:
    """Create (template None) or change a reason template."""
    require(can_moderate(moderator))
    title = data.title.strip()
    if ":" in title:
        # The title starts the stored reason ("Title: words"); a colon would blur the statistics.
        raise InvalidInput({"title": _l("Der Titel darf keinen Doppelpunkt enthalten.")})
    before = audit.snapshot(template, REASON_FIELDS) if template else None
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
                 before=before, after=audit.snapshot(template, REASON_FIELDS))
    db.session.flush()
    return template


def _delete(admin: User, model, entry_id: int, kind: str, label, before, allowed=is_admin) -> None:
    """Delete an entry of the moderation settings, recorded in the audit log with what it held."""
    require(allowed(admin))
    entry = db.session.get(model, entry_id)
    if entry is None:
        raise NotFound()
    audit.record(admin, audit.AuditAction.DELETE, kind, entry.id, label(entry), before=before(entry))
    db.session.delete(entry)
    db.session.flush()


def delete_reason_template(moderator: User, template_id: int) -> None:
    """Delete a template; decisions made with it keep their stored reason."""
    _delete(moderator, ReasonTemplate, template_id, "reason_template", lambda template: template.title,
            lambda template: audit.snapshot(template, REASON_FIELDS), allowed=can_moderate)


def hold_pattern_problem(pattern: str, is_regex: bool):
    """Why the pattern cannot go on the hold list, or None."""
    if not pattern:
        return _l("Bitte geben Sie ein Wort oder ein Muster ein.")
    if len(pattern) > 200:
        return _l("Ein Eintrag darf höchstens 200 Zeichen lang sein.")
    if is_regex:
        try:
            compiled = re.compile(pattern, flags=re.IGNORECASE)
        except re.error as error:
            return _l("Dieser reguläre Ausdruck ist ungültig: %(error)s", error=str(error))
        if compiled.search("") is not None:
            return _l("Dieses Muster passt auf jeden Text und würde alle Kommentare zurückhalten.")
    exists = db.session.scalar(select(HoldPattern.id).where(HoldPattern.pattern == pattern))
    if exists is not None:
        return _l("Dieser Eintrag steht schon auf der Prüfliste.")
    return None


def add_hold_pattern(admin: User, pattern: str, is_regex: bool) -> HoldPattern:
    require(is_admin(admin))
    pattern = (pattern or "").strip()
    problem = hold_pattern_problem(pattern, is_regex)
    if problem is not None:
        raise InvalidInput({"pattern": problem})
    entry = HoldPattern(pattern=pattern, is_regex=is_regex)
    db.session.add(entry)
    db.session.flush()
    audit.record(admin, audit.AuditAction.CREATE, "hold_pattern", entry.id, pattern,
                 after={"pattern": pattern, "is_regex": is_regex})
    db.session.flush()
    return entry


def delete_hold_pattern(admin: User, pattern_id: int) -> None:
    _delete(admin, HoldPattern, pattern_id, "hold_pattern", lambda entry: entry.pattern,
            lambda entry: {"pattern": entry.pattern, "is_regex": entry.is_regex})


def set_milestone_mode(admin: User, milestone_id: int, mode: str | None) -> Milestone:
    """Override the site's moderation mode for one milestone (None: follow the site)."""
    require(is_admin(admin))
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound()
    if mode not in (None, "pre", "post"):
        raise InvalidInput({"mode": _l("Bitte wählen Sie Vorab- oder Nachmoderation.")})
    before = {"moderation_mode": milestone.moderation_mode}
    milestone.moderation_mode = mode
    audit.record(admin, audit.AuditAction.UPDATE, "milestone", milestone.id, milestone.title,
                 before=before, after={"moderation_mode": mode})
    db.session.flush()
    return milestone
