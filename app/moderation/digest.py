"""The moderators' digest: queue size and the age of the oldest item, by e-mail."""
from __future__ import annotations

from flask_babel import lazy_ngettext

from app.mail.services import deliver_mails, send_mail
from app.moderation import queries
from app.models import utcnow


def send_digest(always: bool = False) -> int:
    """E-mail every moderator the queue size and the age of the oldest item; returns the count."""
    counts = queries.queue_counts()
    total = sum(counts.values())
    if total == 0 and not always:
        return 0
    oldest = queries.oldest_waiting_since()
    age = utcnow() - oldest if oldest is not None else None
    mails = []
    for moderator in queries.moderators():
        mails.append(send_mail(
            moderator,
            lazy_ngettext("Moderation: %(num)d Kommentar wartet", "Moderation: %(num)d Kommentare warten", total),
            "moderation_digest", deliver=False, counts=counts, total=total, oldest=oldest,
            age_hours=int(age.total_seconds() // 3600) if age is not None else None,
        ))
    deliver_mails(mails)
    return len(mails)
