"""Moderation at speed: the mails of decisions taken together go out as one mail per author.

A citizen whose four comments were rejected at once gets one mail listing all four, not four
mails in the same second. Mails to a parent's author or to the department go out as they are.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from app.mail.services import HeldMail, holding_mails, send_mail
from app.models import OutboxMail

# The mails a decision sends the comment's author.
AUTHOR_MAILS = ("moderation_removed", "moderation_published")


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
