"""The data of a status report, frozen as JSON when it is issued.

Everything a report shows is in its snapshot: the milestones as they stood on the reporting day
(state.py), the roll-ups, what changed since the previous report, overdue and stale milestones and
the participation figures of the period. Pages and PDFs are rendered from it, never from today's
rows, so an issued report says the same forever. Values are canonical text (ISO dates, decimal
amounts) as in the history.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import progress as rules
from app.extensions import db
from app.models import ChangeKind, MilestoneChange, Report
from app.reporting import figures
from app.reporting.state import MilestoneState, StrategyState, last_updates_until, state_at

MONEY = ("planned", "committed", "spent")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _milestone(m: MilestoneState, last_update: date | None, stale_after_days: int) -> dict:
    last = last_update or m.created_on
    stale = (m.status not in rules.CLOSED_STATUSES and last is not None
             and (m.on - last).days > stale_after_days)
    return {
        "id": m.id, "slug": m.slug, "title": m.title, "title_en": m.title_en,
        "field_id": m.field_id, "parent_id": m.parent_id, "weight": m.weight,
        "status": m.status, "progress": round(m.effective_progress, 1),
        "target_date": _iso(m.target_date), "original_target_date": _iso(m.original_target_date),
        "planned": f"{m.planned:.2f}", "committed": f"{m.committed:.2f}", "spent": f"{m.spent:.2f}",
        "overdue": m.is_overdue, "stale": stale, "last_update_on": _iso(last_update),
        "children": [child.id for child in m.children],
    }


def _rollup(rollup: rules.Rollup) -> dict:
    return {
        "progress": round(rollup.progress, 1), "milestones": len(rollup.milestones),
        "counted": len(rollup.counted), "cancelled": len(rollup.cancelled),
        "overdue": len(rollup.overdue),
        "by_status": {status.value: count for status, count in rollup.by_status.items()},
    }


def _replanning_reasons(start: date | None, end: date) -> dict[str, str]:
    """Per milestone, the reason of its last re-planning in the period."""
    query = (
        select(MilestoneChange.milestone_id, MilestoneChange.reason)
        .where(MilestoneChange.kind == ChangeKind.TARGET_DATE.value, MilestoneChange.changed_on <= end)
        .order_by(MilestoneChange.changed_on, MilestoneChange.id)
    )
    if start is not None:
        query = query.where(MilestoneChange.changed_on >= start)
    return {str(milestone_id): reason for milestone_id, reason in db.session.execute(query) if reason}


def changes_between(before: dict, after: dict, reasons: dict[str, str]) -> dict:
    """What changed from one report's milestones to the next's (both keyed by id as text)."""

    def named(key: str) -> dict:
        m = after.get(key) or before[key]
        return {"id": m["id"], "slug": m["slug"], "title": m["title"], "title_en": m["title_en"]}

    def became(key: str, status: str) -> bool:
        return after[key]["status"] == status and before[key]["status"] != status

    both = [key for key in after if key in before]
    return {
        "new": [named(key) for key in after if key not in before],
        "removed": [named(key) for key in before if key not in after],
        "completed": [named(key) for key in both if became(key, "completed")],
        "replanned": [
            {**named(key), "old": before[key]["target_date"], "new": after[key]["target_date"],
             "reason": reasons.get(key, "")}
            for key in both if before[key]["target_date"] != after[key]["target_date"]
        ],
        "paused": [named(key) for key in both if became(key, "on_hold")],
        "cancelled": [named(key) for key in both if became(key, "cancelled")],
        "budget": [
            {**named(key), "kind": kind, "old": before[key][kind], "new": after[key][kind]}
            for key in both for kind in MONEY if before[key][kind] != after[key][kind]
        ],
    }


def build(day: date, previous: Report | None, stale_after_days: int) -> dict:
    """The snapshot of a report for `day`, compared with `previous` if given."""
    state: StrategyState = state_at(day)
    last_updates = last_updates_until(day)
    milestones = {
        str(m.id): _milestone(m, last_updates.get(m.id), stale_after_days) for m in state.all_milestones
    }
    start = previous.reporting_date + timedelta(days=1) if previous is not None else None
    planned, committed, spent = state.money
    return {
        "reporting_date": day.isoformat(),
        "period_start": _iso(start),
        "previous": ({"id": previous.id, "reporting_date": previous.reporting_date.isoformat()}
                     if previous is not None else None),
        "approximate": state.approximate,
        "recorded_since": state.recorded_since.isoformat(),
        "stale_after_days": stale_after_days,
        "overall": _rollup(state.rollup),
        "money": {"planned": f"{planned:.2f}", "committed": f"{committed:.2f}", "spent": f"{spent:.2f}"},
        "fields": [
            {"id": item.field.id, "slug": item.field.slug, "name": item.field.name,
             "name_en": item.field.name_en, **_rollup(item.rollup),
             "top_level": [m.id for m in item.milestones]}
            for item in state.fields if item.milestones
        ],
        "milestones": milestones,
        "changes": (changes_between(previous.snapshot["milestones"], milestones, _replanning_reasons(start, day))
                    if previous is not None else None),
        "participation": figures.participation(start, day),
    }
