"""Moderation at speed: one decision on many comments, with one mail per author.

Each comment is decided by the single-decision service (its own transaction, so a conflict
on one comment does not undo the others). The mails those decisions cause are held and, per
author, merged into one: a citizen whose four comments were rejected at once gets one mail
listing all four, not four mails in the same second.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from app.auth.permissions import require
from app.extensions import db
from app.mail.services import HeldMail, holding_mails, send_mail, store_and_deliver
from app.moderation import services
from app.moderation.policy import can_moderate
from app.models import OutboxMail, User

# The mails a decision sends the comment's author; other mails (to a parent's author, to the
# department) go out as they are.
AUTHOR_MAILS = ("moderation_removed", "moderation_published")


def decide_many(
    moderator: User, versions: dict[int, int | None], action: str, *,
    reason_text: str = "", template_id: int | None = None,
) -> services.BulkResult:
    """The same decision on several comments (id -> version the moderator saw)."""
    require(can_moderate(moderator))
    result = services.BulkResult()
    held: list[HeldMail] = []
    try:
        with holding_mails() as held:
            for comment_id, version in versions.items():
                try:
                    services.decide(moderator, comment_id, version, action,
                                    reason_text=reason_text, template_id=template_id)
                except services.DecisionConflict:
                    result.conflicts.append(comment_id)
                except (services.ActionNotPossible, services.NotFound):
                    db.session.rollback()
                    result.not_possible.append(comment_id)
                else:
                    result.decided.append(comment_id)
    finally:
        # Also when a later comment was refused (its reason template deleted meanwhile): the
        # decisions already committed keep their mails.
        store_and_deliver(one_mail_per_author(held))
    return result


def one_mail_per_author(held: list[HeldMail]) -> list[OutboxMail]:
    """The held mails with each recipient's decision mails merged into one."""
    kept: list[OutboxMail] = []
    per_author: dict[str, list[HeldMail]] = defaultdict(list)
    for item in held:
        if item.template in AUTHOR_MAILS:
            per_author[item.mail.to_address].append(item)
        else:
            kept.append(item.mail)
    for address, items in per_author.items():
        kept.append(items[0].mail if len(items) == 1 else _merged(address, items))
    return kept


def _merged(address: str, items: list[HeldMail]) -> OutboxMail:
    first = items[0].context
    entries = [dict(item.context, removed=item.template == "moderation_removed") for item in items]
    with holding_mails() as merged:
        send_mail(first.get("user") or address,
                  _l("Die Moderation hat über %(num)d Ihrer Kommentare entschieden", num=len(items)),
                  "moderation_bulk", locale=items[0].locale, deliver=False, name=first.get("name", ""),
                  entries=entries)
    return merged[0].mail
