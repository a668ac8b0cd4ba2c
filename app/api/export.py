"""The published milestones as a CSV file for spreadsheets (UTF-8 with BOM, `;`).

Cells are neutralised against formula injection with the CSV module of the backend
(app/transfer/csvformat.py), so both downloads follow one rule.
"""
from __future__ import annotations

import csv
import io

from app.i18n import localized
from app.urls import external_url
from app.models import Milestone
from app.csvformat import BOM, DELIMITER, CellFormat, neutralise

COLUMNS = (
    "id", "slug", "title", "summary", "field", "department", "parent", "status", "progress",
    "weight", "overdue", "start_date", "original_target_date", "target_date", "completed_on",
    "last_update_on", "planned", "committed", "spent", "budget_year", "url",
)

# German spreadsheets read decimal commas; dates stay ISO 8601, which they read as well.
_money = CellFormat("de").money


def _day(value) -> str:
    return "" if value is None else value.isoformat()


def _percent(value: float) -> str:
    return f"{round(value, 1):.1f}".replace(".", ",")


def row(milestone: Milestone) -> list[str]:
    parent = milestone.parent if milestone.parent is not None and milestone.parent.published else None
    return [
        str(milestone.id),
        milestone.slug,
        localized(milestone, "title"),
        localized(milestone, "summary"),
        milestone.field.slug,
        milestone.department.slug if milestone.department else "",
        parent.slug if parent else "",
        milestone.status,
        _percent(milestone.effective_progress),
        str(milestone.weight),
        "ja" if milestone.is_overdue else "nein",
        _day(milestone.start_date),
        _day(milestone.original_target_date),
        _day(milestone.target_date),
        _day(milestone.completed_on),
        _day(milestone.last_update_on),
        _money(milestone.planned),
        _money(milestone.committed),
        _money(milestone.spent),
        "" if milestone.budget_year is None else str(milestone.budget_year),
        external_url("public.milestone", slug=milestone.slug),
    ]


def milestones_csv(milestones: list[Milestone]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for milestone in milestones:
        writer.writerow([neutralise(cell) for cell in row(milestone)])
    return (BOM + buffer.getvalue()).encode("utf-8")
