"""Moderation policy: which status a new or edited comment gets, blocks, the hold list.

Participation services ask these questions; the moderation backend makes the decisions.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, or_, select

from app.extensions import db
from app.models.base import utcnow
from app.models.milestones import Milestone
from app.models.moderation import HoldPattern, UserBlock
from app.models.participation import CommentStatus
from app.models.users import User
from app.settings import get_setting

def moderation_mode(milestone: Milestone) -> str:
    """'pre' or 'post': the milestone's override, else the site setting."""
    return milestone.moderation_mode or get_setting("moderation_mode")


def active_block(user: User, now: datetime | None = None) -> UserBlock | None:
    return db.session.scalar(_active_block_statement(), {"user_id": user.id, "now": now or utcnow()})


@cache
def _active_block_statement():
    # Made once: every vote, rating, flag and comment asks, and building the statement took
    # longer than running it.
    return (
        select(UserBlock)
        .where(
            UserBlock.user_id == bindparam("user_id"),
            UserBlock.lifted_at.is_(None),
            or_(UserBlock.until.is_(None), UserBlock.until > bindparam("now", type_=UserBlock.until.type)),
        )
        .order_by(UserBlock.created_at.desc())
        .limit(1)
    )


def is_blocked(user: User | None) -> bool:
    return user is not None and active_block(user) is not None


def matches_hold_list(text: str) -> bool:
    """True when the text contains a word or matches a pattern of the hold list."""
    folded = text.casefold()
    for pattern in db.session.scalars(select(HoldPattern)):
        if pattern.is_regex:
            try:
                if re.search(pattern.pattern, text, flags=re.IGNORECASE):
                    return True
            except re.error:
                continue
        elif re.search(r"(?<!\w)" + re.escape(pattern.pattern.casefold()) + r"(?!\w)", folded):
            return True
    return False


def goes_to_review(milestone: Milestone, *, is_staff: bool = False) -> bool:
    """Every new comment of this writer on this milestone waits for review (pre-moderation)."""
    return not is_staff and moderation_mode(milestone) == "pre"


def initial_status(milestone: Milestone, text: str, *, is_guest: bool = False, is_staff: bool = False) -> CommentStatus:
    """Status of a new (or edited) comment: published at once, or into the queue."""
    if is_staff:
        return CommentStatus.PUBLISHED
    if is_guest or goes_to_review(milestone) or matches_hold_list(text):
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def auto_hide_threshold() -> int:
    return int(get_setting("auto_hide_flags"))
