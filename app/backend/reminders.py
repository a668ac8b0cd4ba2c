"""Reminding editors of their stale milestones (`flask remind-stale`)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Milestone, Role, User, UserRole
from app.progress import CLOSED_STATUSES, is_stale
from app.settings import get_setting

SUBJECT = _l("Etappenziele ohne aktuelle Fortschrittsmeldung")


def stale_milestones_by_editor(on: date | None = None) -> list[tuple[User, list[Milestone]]]:
    """Each active editor with the stale published milestones of their departments."""
    days = int(get_setting("stale_after_days"))
    editors = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.EDITOR.value, User.active.is_(True))
        .options(selectinload(User.departments))
        .order_by(User.id)
    ).all()
    department_ids = {d.id for user in editors for d in user.departments}
    if not department_ids:
        return []
    candidates = db.session.scalars(
        select(Milestone)
        .where(
            Milestone.published.is_(True),
            Milestone.status.not_in([s.value for s in CLOSED_STATUSES]),
            Milestone.department_id.in_(department_ids),
        )
        .order_by(Milestone.sort_title, Milestone.title)
    ).all()
    stale = [m for m in candidates if is_stale(m, days, on)]
    result = []
    for user in editors:
        own = {d.id for d in user.departments}
        mine = [m for m in stale if m.department_id in own]
        if mine:
            result.append((user, mine))
    return result


def send_stale_reminders(send: Callable[..., object], on: date | None = None) -> int:
    """Mail every editor who has stale milestones; returns the number of mails.

    `send` has the signature of app.mail.services.send_mail (tests pass a fake).
    """
    days = int(get_setting("stale_after_days"))
    reminders = stale_milestones_by_editor(on)
    for user, milestones in reminders:
        send(user, SUBJECT, "remind_stale", milestones=milestones, days=days)
    return len(reminders)
