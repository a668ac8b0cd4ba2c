"""Builders and helpers for the account and subscription tests: form data, mails, links."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Field, Milestone, OutboxMail, Subscription, utcnow
from app.participation.forms import new_form_stamp
from tests.builders.auth import PASSWORD


def register_data(**overrides) -> dict:
    """A valid registration form (call inside an app context: the start time is signed)."""
    data = {
        "display_name": "Erika Muster",
        "email": "erika@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "website": "",
        "form_started": new_form_stamp(),
    }
    data.update(overrides)
    return data


def subscribe_data(email: str = "leser@example.org", **overrides) -> dict:
    data = {"email": email, "website": "", "form_started": new_form_stamp()}
    data.update(overrides)
    return data


def mails_to(address: str) -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
    ))


def all_mails() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def link_path(body: str, prefix: str) -> str:
    """The path of the first link in a mail whose path starts with `prefix` (e.g. "/konto/bestaetigen/")."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[A-Za-z0-9_.\-]+)", body)
    assert match, f"no link {prefix}... in:\n{body}"
    return match.group(1)


def make_subscription(email: str = "leser@example.org", *, milestone: Milestone | None = None,
                      field: Field | None = None, confirmed_at: datetime | None = None,
                      confirmed: bool = True, locale: str = "de") -> Subscription:
    when = confirmed_at or utcnow()
    subscription = Subscription(
        email=email,
        milestone_id=milestone.id if milestone is not None else None,
        field_id=field.id if field is not None else None,
        locale=locale,
        confirmed_at=when if confirmed else None,
        notified_until=when if confirmed else None,
        created_at=when,
    )
    db.session.add(subscription)
    db.session.flush()
    return subscription
