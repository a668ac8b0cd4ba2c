"""Small builders for test data. Each adds to the session and flushes; callers commit."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import (
    Champion,
    Department,
    Field,
    FundingSource,
    Milestone,
    MilestoneFunding,
    ProgressUpdate,
    Role,
    Strategy,
    User,
)
from app.progress import today
from app.sanitize import markdown_to_html

_seq = itertools.count(1)


def make_strategy(**kw) -> Strategy:
    values = dict(title="Digitalstrategie Teststadt", period_from=2024, period_to=2030, lead_role="Bürgermeisterin")
    values.update(kw)
    strategy = Strategy(**values)
    db.session.add(strategy)
    db.session.flush()
    return strategy


def make_field(name: str | None = None, **kw) -> Field:
    n = next(_seq)
    field = Field(name=name or f"Handlungsfeld {n}", slug=kw.pop("slug", None) or f"feld-{n}", **kw)
    db.session.add(field)
    db.session.flush()
    return field


def make_department(name: str | None = None, **kw) -> Department:
    n = next(_seq)
    department = Department(name=name or f"Fachbereich {n}", slug=kw.pop("slug", None) or f"fb-{n}", **kw)
    db.session.add(department)
    db.session.flush()
    return department


def make_champion(**kw) -> Champion:
    n = next(_seq)
    values = dict(name=f"Person {n}", role="Leitung")
    values.update(kw)
    champion = Champion(**values)
    db.session.add(champion)
    db.session.flush()
    return champion


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
    milestone = Milestone(**values)
    db.session.add(milestone)
    db.session.flush()
    return milestone


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
    update = ProgressUpdate(**values)
    db.session.add(update)
    db.session.flush()
    return update


def make_funding(milestone: Milestone, amount: str | Decimal, source: FundingSource | None = None, **kw) -> MilestoneFunding:
    if source is None:
        source = FundingSource(name=kw.pop("source_name", f"Quelle {next(_seq)}"), is_grant=kw.pop("is_grant", False))
        db.session.add(source)
    funding = MilestoneFunding(milestone=milestone, source=source, amount=Decimal(amount))
    db.session.add(funding)
    db.session.flush()
    return funding


def make_user(email: str | None = None, roles: tuple[Role, ...] = (Role.CITIZEN,), **kw) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", display_name=kw.pop("display_name", f"Nutzer {n}"), **kw)
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.flush()
    return user


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)
