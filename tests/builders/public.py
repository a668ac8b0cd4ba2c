"""Builders for the public page tests: history entries, former slugs, a milestone with everything."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Milestone, MilestoneChange, MilestoneSlug
from app.progress import today
from tests.builders import add_flushed, days_ago, make_champion, make_department, make_funding, make_milestone
from tests.builders import make_update


def make_change(milestone: Milestone, kind: str, old: str | None, new: str | None, **kw) -> MilestoneChange:
    """A line of the milestone's history (today unless `changed_on` says otherwise)."""
    values = dict(milestone=milestone, changed_on=today(), kind=kind, old_value=old, new_value=new)
    values.update(kw)
    return add_flushed(MilestoneChange(**values))


def make_old_slug(milestone: Milestone, slug: str) -> MilestoneSlug:
    return add_flushed(MilestoneSlug(milestone=milestone, slug=slug))


def add_details(milestone: Milestone, n: int) -> None:
    """n of each thing the milestone page lists: updates, changes, sub-milestones, champions, fundings, departments."""
    for i in range(n):
        update = make_update(milestone, reported_on=days_ago(i + 1), title=f"Meldung {milestone.slug} {i}")
        make_change(milestone, "progress", str(i), str(i + 1), progress_update=update, changed_on=days_ago(i + 1))
        make_change(milestone, "spent", f"{i}.00", f"{i + 1}.50", changed_on=days_ago(i + 1))
        child = make_milestone(field=milestone.field, parent=milestone, progress=10 * (i % 10))
        make_milestone(field=milestone.field, parent=child, progress=50)
        milestone.champions.append(make_champion())
        milestone.participating_departments.append(make_department())
        make_funding(milestone, Decimal("100.00") + i)
    db.session.flush()


def make_full_milestone(title: str = "Bürgerbüro Öffnungszeiten", **kw) -> Milestone:
    """A milestone with summary, easy summary, method, dates, money and a department."""
    values = dict(
        slug="buergerbuero-oeffnungszeiten",
        summary="Längere Öffnungszeiten dank Online-Terminen.",
        description="## Hintergrund\n\nDas **Bürgerbüro** öffnet länger.",
        easy_summary="Das Bürgerbüro ist länger offen.",
        progress_method="Anteil der Wochenstunden mit Terminangebot.",
        progress=40,
        start_date=days_ago(300),
        original_target_date=today() + timedelta(days=30),
        target_date=today() + timedelta(days=90),
        contact_role="Leitung Bürgerbüro",
        planned=Decimal("1234.50"),
        committed=Decimal("1000.00"),
        spent=Decimal("1500.25"),
        budget_year=2025,
    )
    values.update(kw)
    if "department" not in values and "department_id" not in values:
        values["department"] = make_department("Bürgeramt", slug="buergeramt")
    return make_milestone(title, **values)
