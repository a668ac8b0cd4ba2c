"""Guest comments wait for their author's confirmation before they reach the moderation queue."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.tokens import issue_token
from app.extensions import db
from app.models import CommentStatus, OutboxMail
from app.moderation import digest, queries
from app.participation.services.guests import GUEST_COMMENT_TOKEN
from app.moderation import decisions
from app.moderation import errors
from app.participation.services import guests
from tests.builders import make_milestone
from tests.builders.comments import ago, make_comment, make_flag

S = CommentStatus
QUEUE = "/verwaltung/moderation"
GUEST_TEXT = "Gastkommentar ohne Bestätigung: Wann kommt der Radweg?"


@pytest.fixture
def guest(db):
    """A waiting guest comment whose author has not used the link yet, and that link."""
    comment = make_comment(make_milestone("Radweg Süd"), status=S.PENDING, body=GUEST_TEXT,
                           guest_name="Gerda Gast", guest_email="gerda@example.org", created_at=ago(days=5))
    token = issue_token(GUEST_COMMENT_TOKEN, timedelta(hours=2), payload={"comment_id": comment.id})
    db.session.commit()
    return comment, token


def queue_ids() -> list[int]:
    db.session.expire_all()
    return [c.id for c in db.session.scalars(queries.select_queue(queries.QueueFilter()))]


def mails_to(user) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == user.email)))


def test_unconfirmed_guest_comment_is_not_waiting(auth, app, moderator, guest):
    comment, _ = guest
    assert queue_ids() == []
    assert list(db.session.scalars(queries.select_queue(queries.QueueFilter(kind="pending")))) == []
    assert queries.queue_size() == 0
    assert queries.queue_counts() == {"held": 0, "flagged": 0, "appeal": 0, "pending": 0}
    assert queries.oldest_waiting_since() is None
    assert digest.send_digest() == 0 and mails_to(moderator) == []

    response = auth.client_for(moderator).get(QUEUE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert GUEST_TEXT not in html
    assert "Die Warteschlange ist leer." in html


def test_unconfirmed_guest_comment_beside_a_waiting_one(app, moderator, guest):
    comment, _ = guest
    waiting = make_comment(status=S.PENDING, created_at=ago(days=1))
    held = make_comment(status=S.HELD, guest_name="Hugo", guest_email="hugo@example.org")
    make_flag(held)
    db.session.commit()
    assert queue_ids() == [waiting.id]
    assert queries.queue_counts()["pending"] == 1 and queries.queue_counts()["held"] == 0
    assert queries.queue_size() == 1
    assert queries.oldest_waiting_since() == waiting.created_at
    assert digest.send_digest() == 1
    [mail] = mails_to(moderator)
    assert "1 Kommentar wartet" in mail.subject


def test_after_confirmation_the_guest_comment_waits(auth, app, moderator, guest):
    comment, token = guest
    guests.confirm_guest_comment(token)

    assert queue_ids() == [comment.id]
    assert queries.queue_size() == 1 and queries.queue_counts()["pending"] == 1
    assert queries.oldest_waiting_since() == comment.created_at
    assert digest.send_digest() == 1
    html = auth.client_for(moderator).get(QUEUE).get_data(as_text=True)
    assert GUEST_TEXT in html


def test_unconfirmed_guest_comment_cannot_be_approved(auth, app, moderator, guest):
    comment, _ = guest
    assert S.PUBLISHED not in {decisions.TARGET_STATUS[a] for a in decisions.allowed_actions(comment)}
    with pytest.raises(errors.ActionNotPossible, match="noch nicht bestätigt"):
        decisions.decide(moderator, comment.id, comment.version, "approve")

    client = auth.client_for(moderator)
    response = client.post(f"{QUEUE}/kommentare/{comment.id}/entscheidung",
                           data={"action": "approve", "version": comment.version})
    assert response.status_code == 409
    assert "noch nicht bestätigt" in response.get_data(as_text=True)

    response = client.post(f"{QUEUE}/sammelaktion", data={
        "bulk_action": "approve", "comment_ids": str(comment.id), f"version-{comment.id}": str(comment.version)})
    assert response.status_code == 302
    assert "nicht möglich" in client.get(QUEUE).get_data(as_text=True)
    db.session.expire_all()
    assert comment.status == S.PENDING.value and comment.published_at is None


def test_unconfirmed_guest_comment_can_still_be_rejected(db, moderator, guest):
    comment, _ = guest
    decisions.decide(moderator, comment.id, comment.version, "spam")
    db.session.expire_all()
    assert comment.status == S.SPAM.value


def test_confirmed_guest_comment_can_be_approved(db, moderator, guest):
    comment, token = guest
    guests.confirm_guest_comment(token)
    db.session.expire_all()
    decisions.decide(moderator, comment.id, comment.version, "approve")
    db.session.expire_all()
    assert comment.status == S.PUBLISHED.value
