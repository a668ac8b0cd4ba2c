"""Rows as JSON: money as decimal strings, dates as ISO 8601, timestamps in UTC.

Only published milestones appear: references to an unpublished parent or sub-milestone
are left out, exactly as on the public pages.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app import progress as rules
from app.feeds.ids import as_utc
from app.i18n import localized
from app.urls import external_url
from app.models import (
    Champion,
    Department,
    Field,
    Milestone,
    MilestoneChange,
    MilestoneFunding,
    ProgressUpdate,
    Strategy,
)


def money(value: Decimal | int | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def timestamp(value: datetime | None) -> str | None:
    aware = as_utc(value)
    return None if aware is None else aware.isoformat().replace("+00:00", "Z")


def percent(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def field_ref(field: Field) -> dict:
    return {"id": field.id, "slug": field.slug, "name": localized(field, "name")}


def department_ref(department: Department | None) -> dict | None:
    if department is None:
        return None
    return {"id": department.id, "slug": department.slug, "name": department.name}


def milestone_ref(milestone: Milestone | None) -> dict | None:
    if milestone is None or not milestone.published:
        return None
    return {"id": milestone.id, "slug": milestone.slug, "title": localized(milestone, "title"),
            "api_url": external_url("api.milestone", milestone_id=milestone.id)}


def status_counts(rollup: rules.Rollup) -> dict[str, int]:
    return {status.value: count for status, count in rollup.by_status.items()}


def rollup_progress(rollup: rules.Rollup) -> float | None:
    """The weighted mean, or None when no milestone counts (nothing to measure yet)."""
    return percent(rollup.progress) if rollup.counted else None


def strategy(row: Strategy | None, rollup: rules.Rollup, overdue_count: int, totals) -> dict:
    return {
        "title": localized(row, "title") if row else None,
        "intro": localized(row, "intro") if row else "",
        "intro_html": localized(row, "intro_html") if row else "",
        "period_from": row.period_from if row else None,
        "period_to": row.period_to if row else None,
        "council_decision": {
            "date": day(row.council_decision_on) if row else None,
            "reference": row.council_decision_reference if row else "",
            "url": (row.council_decision_url or None) if row else None,
        },
        "document_url": (row.document_url or None) if row else None,
        "lead_role": localized(row, "lead_role") if row else "",
        "budget_years": [{"year": b.year, "amount": money(b.amount)} for b in row.budget_years] if row else [],
        "progress": rollup_progress(rollup),
        "milestone_count": len(rollup),
        "status_counts": status_counts(rollup),
        "overdue_count": overdue_count,
        "money": {"planned": money(totals.planned), "committed": money(totals.committed), "spent": money(totals.spent)},
        "url": external_url("public.home"),
    }


def field(row: Field, rollup: rules.Rollup) -> dict:
    return {
        **field_ref(row),
        "description": localized(row, "description"),
        "position": row.position,
        "progress": rollup_progress(rollup),
        "milestone_count": len(rollup),
        "status_counts": status_counts(rollup),
        "overdue_count": len(rollup.overdue),
        "url": external_url("public.field", slug=row.slug),
    }


def department(row: Department, rollup: rules.Rollup, responsible: int, participating: int, overdue: int) -> dict:
    return {
        **department_ref(row),
        "description": row.description,
        "progress": rollup_progress(rollup),
        "responsible_count": responsible,
        "participating_count": participating,
        "overdue_count": overdue,
    }


def milestone(row: Milestone) -> dict:
    """What the milestone list shows about a milestone."""
    return {
        "id": row.id,
        "slug": row.slug,
        "title": localized(row, "title"),
        "summary": localized(row, "summary"),
        "field": field_ref(row.field),
        "department": department_ref(row.department),
        "parent": milestone_ref(row.parent),
        "status": row.status,
        "progress": percent(row.effective_progress),
        "weight": row.weight,
        "overdue": row.is_overdue,
        "replanned": row.is_replanned,
        "start_date": day(row.start_date),
        "original_target_date": day(row.original_target_date),
        "target_date": day(row.target_date),
        "completed_on": day(row.completed_on),
        "last_update_on": day(row.last_update_on),
        "money": {"planned": money(row.planned), "committed": money(row.committed), "spent": money(row.spent)},
        "budget_year": row.budget_year,
        "support_count": row.support_count,
        "comment_count": row.comment_count,
        "url": external_url("public.milestone", slug=row.slug),
        "api_url": external_url("api.milestone", milestone_id=row.id),
    }


def change(row: MilestoneChange) -> dict:
    update = row.progress_update
    return {
        "id": row.id,
        "changed_on": day(row.changed_on),
        "kind": row.kind,
        "old_value": row.old_value,
        "new_value": row.new_value,
        "reason": row.reason,
        "author_role": row.author_role,
        # Only a published update may be named; a hidden one is not public.
        "progress_update_id": update.id if update is not None and update.published else None,
    }


def funding(row: MilestoneFunding) -> dict:
    return {
        "source": {"id": row.source.id, "name": row.source.name, "is_grant": row.source.is_grant},
        "amount": money(row.amount),
    }


def champion(row: Champion) -> dict:
    return {"id": row.id, "name": row.name, "role": localized(row, "role")}


def milestone_detail(row: Milestone, history: list[MilestoneChange]) -> dict:
    """Everything the public milestone page shows, with its history and financing."""
    return {
        **milestone(row),
        "description": localized(row, "description"),
        "description_html": localized(row, "description_html"),
        "easy_summary": row.easy_summary,
        "progress_method": row.progress_method,
        "contact_role": localized(row, "contact_role"),
        "participating_departments": [department_ref(d) for d in row.participating_departments],
        "champions": [champion(c) for c in row.champions],
        "children": [milestone_ref(child) for child in row.published_children],
        "fundings": [funding(f) for f in row.fundings],
        "history": [change(c) for c in history],
        "progress_updates_url": external_url("api.progress_updates", milestone=row.id),
    }


def progress_update(row: ProgressUpdate) -> dict:
    return {
        "id": row.id,
        "milestone": milestone_ref(row.milestone),
        "reported_on": day(row.reported_on),
        "title": localized(row, "title"),
        "body": localized(row, "body"),
        "body_html": localized(row, "body_html"),
        "author_role": row.author_role,
        "published_at": timestamp(row.published_at or row.created_at),
        "edited_at": timestamp(row.edited_at),
        "changes": [change(c) for c in row.changes],
        "url": external_url("public.milestone", slug=row.milestone.slug) + f"#update-{row.id}",
    }
