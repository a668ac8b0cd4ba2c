"""Builders for test data. Each adds to the session and flushes; callers commit.

This module has the common entry points (strategy, fields, departments, milestones, people);
the modules beside it have what only some tests need: auth (accounts with passwords, TOTP),
backend (the milestone service's input), citizens (forms, mails, subscriptions), comments
(comments, flags, reason templates), ops (gunicorn processes), public (history, former slugs),
quality (a complete small site) and transfer (the CSV scene).
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Champion, Department, Field, FundingSource, Milestone, MilestoneFunding, ProgressUpdate
from app.models import Role, Strategy, User, utcnow
from app.progress import today
from app.sanitize import markdown_to_html

_seq = itertools.count(1)


def add_flushed(obj):
    """Add the object to the session and flush (it gets its id); the object."""
    db.session.add(obj)
    db.session.flush()
    return obj


def make_strategy(**kw) -> Strategy:
    values = dict(title="Digitalstrategie Teststadt", period_from=2024, period_to=2030, lead_role="Bürgermeisterin")
    values.update(kw)
    return add_flushed(Strategy(**values))


def make_field(name: str | None = None, **kw) -> Field:
    n = next(_seq)
    return add_flushed(Field(name=name or f"Handlungsfeld {n}", slug=kw.pop("slug", None) or f"feld-{n}", **kw))


def make_department(name: str | None = None, **kw) -> Department:
    n = next(_seq)
    return add_flushed(Department(name=name or f"Fachbereich {n}", slug=kw.pop("slug", None) or f"fb-{n}", **kw))


def make_champion(**kw) -> Champion:
    n = next(_seq)
    values = dict(name=f"Person {n}", role="Leitung")
    values.update(kw)
    return add_flushed(Champion(**values))


def make_milestone(title: str | None = None, **kw) -> Milestone:
    n = next(_seq)
    if "field" not in kw and "field_id" not in kw:
        kw["field"] = make_field()
    values = dict(
        title=title or f"Etappenziel {n}",
        slug=kw.pop("slug", None) or f"etappenziel-{n}",
        status="in_progress",
        progress=0,
        published=True,
        target_date=today() + timedelta(days=365),
    )
    values.update(kw)
    if values.get("status") == "completed":
        values["progress"] = 100
    values.setdefault("original_target_date", values.get("target_date"))
    if "description" in values:
        values["description_html"] = markdown_to_html(values["description"])
    if "description_en" in values:
        values["description_en_html"] = markdown_to_html(values["description_en"])
    return add_flushed(Milestone(**values))


def make_update(milestone: Milestone, **kw) -> ProgressUpdate:
    n = next(_seq)
    values = dict(
        milestone=milestone,
        reported_on=today(),
        title=f"Meldung {n}",
        body="Es geht voran.",
        author_role="Leitung Bürgerservice",
        published=True,
    )
    values.update(kw)
    values["body_html"] = markdown_to_html(values["body"])
    if "body_en" in values:
        values["body_en_html"] = markdown_to_html(values["body_en"])
    return add_flushed(ProgressUpdate(**values))


def make_funding(milestone: Milestone, amount: str | Decimal, source: FundingSource | None = None, **kw) -> MilestoneFunding:
    if source is None:
        source = FundingSource(name=kw.pop("source_name", f"Quelle {next(_seq)}"), is_grant=kw.pop("is_grant", False))
        db.session.add(source)
    return add_flushed(MilestoneFunding(milestone=milestone, source=source, amount=Decimal(amount)))


def make_user(email: str | None = None, roles: tuple[Role, ...] = (Role.CITIZEN,), **kw) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", display_name=kw.pop("display_name", f"Nutzer {n}"), **kw)
    user.set_roles(set(roles))
    return add_flushed(user)


def make_citizen(confirmed: bool = True, roles: tuple[Role, ...] = (Role.CITIZEN,), **kw) -> User:
    """A citizen account (or one with other roles), its e-mail address confirmed unless told otherwise."""
    kw.setdefault("email_confirmed_at", utcnow() if confirmed else None)
    return make_user(roles=roles, **kw)


def make_admin(**kw) -> User:
    return make_citizen(roles=(Role.ADMIN,), **kw)


def make_moderator(**kw) -> User:
    return make_citizen(roles=(Role.MODERATOR,), **kw)


def make_editor(*departments: Department, **kw) -> User:
    """An editor of the departments (of a new one if none is given)."""
    user = make_citizen(roles=(Role.EDITOR,), **kw)
    user.departments = list(departments) or [make_department()]
    db.session.flush()
    return user


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)
