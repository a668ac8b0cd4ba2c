"""Subscribing without an account: double opt-in by mail, unsubscribing with a signed link.

Subscribing answers the same whether or not the address already follows the target, so the
form reveals nothing about other people's subscriptions. Unconfirmed subscriptions are deleted
once their confirmation link has expired (`flask notify-subscribers` does it on each run).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.auth.tokens import find_usable_token, issue_token, redeem_token
from app.citizens.names import InvalidLink, normalize_address
from app.deferred import after_response
from app.extensions import db
from app.i18n import LANGUAGES
from app.mail.services import send_mail
from app.urls import external_url
from app.models import Field, Milestone, Subscription, TokenPurpose, utcnow

UNSUBSCRIBE_SALT = "subscription-unsubscribe"


@dataclass(frozen=True)
class Target:
    """What a subscription follows: a published milestone or a field of action."""

    milestone: Milestone | None = None
    field: Field | None = None

    @property
    def title(self) -> str:
        return self.milestone.title if self.milestone is not None else self.field.name

    @property
    def title_en(self) -> str:
        """The English title, for localized_text() on the /en/ pages (empty: there is none)."""
        return self.milestone.title_en if self.milestone is not None else self.field.name_en

    @property
    def is_milestone(self) -> bool:
        return self.milestone is not None

    def conditions(self):
        if self.milestone is not None:
            return (Subscription.milestone_id == self.milestone.id,)
        return (Subscription.field_id == self.field.id,)

    @classmethod
    def of(cls, subscription: Subscription) -> Target:
        return cls(milestone=subscription.milestone, field=subscription.field)


def find_target(milestone_slug: str | None, field_slug: str | None) -> Target | None:
    """The target named by exactly one slug; None when the slug is unknown or not public."""
    if bool(milestone_slug) == bool(field_slug):
        return None
    if milestone_slug:
        milestone = db.session.scalar(
            Milestone.select_published().where(Milestone.slug == milestone_slug[:200])
            .options(joinedload(Milestone.field))
        )
        return Target(milestone=milestone) if milestone is not None else None
    field = db.session.scalar(select(Field).where(Field.slug == field_slug[:200]))
    return Target(field=field) if field is not None else None


# --- subscribing and confirming ---------------------------------------------------------------------


def subscribe(target: Target, email: str, locale: str = "de") -> None:
    """Check the address; after the answer, an unconfirmed subscription and a confirmation mail.

    Nothing (and no mail) when the address already follows the target; an unconfirmed
    subscription gets a new link. The look-up runs after the answer, so its timing does not
    tell whether the address already follows the target.
    """
    address = normalize_address(email)
    after_response(
        _subscribe,
        target.milestone.id if target.is_milestone else None,
        target.field.id if not target.is_milestone else None,
        address,
        locale if locale in LANGUAGES else LANGUAGES[0],
    )


def _subscribe(milestone_id: int | None, field_id: int | None, address: str, locale: str) -> Subscription | None:
    """The subscription of subscribe(); None when the address already follows the target."""
    target = (Target(milestone=db.session.get(Milestone, milestone_id)) if milestone_id is not None
              else Target(field=db.session.get(Field, field_id)))
    if target.milestone is None and target.field is None:
        return None
    subscription = _existing(target, address)
    if subscription is not None and subscription.confirmed_at is not None:
        return None
    if subscription is None:
        subscription = Subscription(
            email=address,
            milestone_id=milestone_id,
            field_id=field_id,
            locale=locale,
        )
        db.session.add(subscription)
        try:
            db.session.flush()
        except IntegrityError:  # the same subscription sent twice at once
            db.session.rollback()
            return None
    subscription.locale = locale
    hours = current_app.config["SUBSCRIPTION_CONFIRM_HOURS"]
    raw = issue_token(
        TokenPurpose.CONFIRM_SUBSCRIPTION, timedelta(hours=hours),
        payload={"subscription_id": subscription.id, "email": address},
    )
    send_mail(address, _l("Bitte bestätigen Sie Ihr Abonnement"), "subscriptions_confirm", locale=locale,
              target=target, token=raw, hours=hours)
    return subscription


def _existing(target: Target, address: str) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.email == address, *target.conditions()))


def _token_subscription(token) -> Subscription | None:
    if token is None:
        return None
    payload = token.payload or {}
    subscription_id = payload.get("subscription_id")
    if not isinstance(subscription_id, int):
        return None
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.email != payload.get("email"):
        return None
    return subscription


def confirmable_subscription(raw_token: str) -> Subscription | None:
    """The subscription a confirmation link is for, without using the link (GET shows a button)."""
    return _token_subscription(find_usable_token(raw_token, TokenPurpose.CONFIRM_SUBSCRIPTION))


def confirm(raw_token: str) -> Subscription:
    """Use the confirmation link once; mails go out for events from now on."""
    subscription = redeem_token(raw_token, TokenPurpose.CONFIRM_SUBSCRIPTION, _token_subscription, InvalidLink)
    if subscription.confirmed_at is None:
        now = utcnow()
        subscription.confirmed_at = now
        subscription.notified_until = now
    db.session.flush()
    return subscription


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete subscriptions whose confirmation link expired unused; returns how many."""
    hours = current_app.config["SUBSCRIPTION_CONFIRM_HOURS"]
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    result = db.session.execute(
        delete(Subscription)
        .where(Subscription.confirmed_at.is_(None), Subscription.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- unsubscribing ---------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def _address_digest(address: str) -> str:
    # Binds the link to the address without putting the address into URLs and server logs.
    return hashlib.sha256(address.encode("utf-8")).hexdigest()[:20]


def unsubscribe_token(subscriptions: list[Subscription]) -> str:
    """A signed link token for these subscriptions of one address; it does not expire."""
    addresses = {s.email for s in subscriptions}
    if len(addresses) != 1:
        raise ValueError("subscriptions of exactly one address expected")
    return _serializer().dumps({"ids": sorted(s.id for s in subscriptions), "a": _address_digest(addresses.pop())})


def _token_ids(token: str) -> tuple[list[int], str]:
    if not token or len(token) > 2000:
        raise InvalidLink()
    try:
        data = _serializer().loads(token)
    except BadData:
        raise InvalidLink() from None
    ids = data.get("ids") if isinstance(data, dict) else None
    digest = data.get("a") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids) or not isinstance(digest, str):
        raise InvalidLink()
    return ids, digest


def subscriptions_for_token(token: str) -> list[Subscription]:
    """The still existing subscriptions a signed link names; InvalidLink for a forged one."""
    ids, digest = _token_ids(token)
    subscriptions = db.session.scalars(
        select(Subscription).where(Subscription.id.in_(ids))
        .options(joinedload(Subscription.milestone), joinedload(Subscription.field))
        .order_by(Subscription.id)
    ).all()
    # An id may have been given to a new subscription since; only the address's own count.
    return [s for s in subscriptions if _address_digest(s.email) == digest]


def unsubscribe(token: str) -> int:
    """Delete the subscriptions the link names; returns how many there still were."""
    subscriptions = subscriptions_for_token(token)
    for subscription in subscriptions:
        db.session.delete(subscription)
    db.session.flush()
    return len(subscriptions)


def unsubscribe_headers(token: str) -> dict[str, str]:
    """List-Unsubscribe with one-click POST (RFC 8058) for a mail to subscribers."""
    return {
        "List-Unsubscribe": f"<{external_url('subscriptions.unsubscribe', token=token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
