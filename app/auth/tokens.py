"""Single-use, expiring tokens for links in mails. Only a hash of each token is stored."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, or_, update

from app.extensions import db
from app.models import ActionToken, User, utcnow

T = TypeVar("T")


def hash_token(raw: str) -> str:
    # A fast hash is enough: the token has 256 bits of randomness, nothing to guess.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(
    purpose: str,
    ttl: timedelta,
    user: User | None = None,
    payload: dict | None = None,
    revoke_previous: bool = True,
) -> str:
    """Store a new token and return its raw value (for the link); older ones of the user end."""
    if user is not None and revoke_previous:
        revoke_tokens(user, purpose)
    raw = secrets.token_urlsafe(32)
    db.session.add(
        ActionToken(
            purpose=purpose,
            token_hash=hash_token(raw),
            user=user,
            payload=payload,
            expires_at=utcnow() + ttl,
        )
    )
    db.session.flush()
    return raw


def find_usable_token(raw: str, purpose: str) -> ActionToken | None:
    """The token if it is unused and not expired. Reads only: a GET on a link changes nothing."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(ActionToken.select_by_hash(purpose, hash_token(raw)))
    return token if token is not None and token.is_usable else None


def consume_token(raw: str, purpose: str) -> ActionToken | None:
    """Mark the token used and return it, or None if it is unknown, used or expired.

    One conditional UPDATE, so two requests racing with the same link cannot both use it.
    """
    if not raw or len(raw) > 200:
        return None
    now = utcnow()
    token_hash = hash_token(raw)
    result = db.session.execute(
        update(ActionToken)
        .where(
            ActionToken.purpose == purpose,
            ActionToken.token_hash == token_hash,
            ActionToken.used_at.is_(None),
            ActionToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    token = db.session.scalar(ActionToken.select_by_hash(purpose, token_hash))
    db.session.refresh(token)
    return token


def redeem_token(
    raw: str, purpose: str, target_of: Callable[[ActionToken | None], T | None], refusal: type[Exception]
) -> T:
    """Use a link once and return what it is for: target_of(token), which gets None for an unknown,
    used or expired token. Without a target, roll back (the link stays unused) and raise refusal()."""
    target = target_of(consume_token(raw, purpose))
    if target is None:
        db.session.rollback()
        raise refusal()
    return target


def revoke_tokens(user: User, purpose: str) -> None:
    """End every unused token of this purpose for the user."""
    db.session.execute(
        update(ActionToken)
        .where(
            ActionToken.user_id == user.id,
            ActionToken.purpose == purpose,
            ActionToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def purge_tokens(older_than: datetime) -> int:
    """Delete tokens that expired or were used before the given time; returns how many."""
    result = db.session.execute(
        delete(ActionToken).where(
            or_(ActionToken.expires_at < older_than, ActionToken.used_at < older_than)
        )
    )
    return result.rowcount or 0
