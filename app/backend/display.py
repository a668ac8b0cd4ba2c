"""Texts for history entries and audit values as staff read them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import formatting
from app.models import ChangeKind, MilestoneChange

CHANGE_LABELS = {
    ChangeKind.STATUS: _l("Status"),
    ChangeKind.PROGRESS: _l("Fortschritt"),
    ChangeKind.TARGET_DATE: _l("Zieldatum"),
    ChangeKind.PLANNED: _l("Geplant"),
    ChangeKind.COMMITTED: _l("Gebunden"),
    ChangeKind.SPENT: _l("Ausgegeben"),
}


def change_value(kind: str, value: str | None) -> str:
    """A canonical history value (status key, percent, ISO date, amount) in the page's format."""
    if value is None:
        return "–"
    return formatting.change_value(kind, value, percent_of=int)


def change_label(change: MilestoneChange) -> str:
    return str(_l(
        "%(what)s: %(old)s → %(new)s",
        what=CHANGE_LABELS[ChangeKind(change.kind)],
        old=change_value(change.kind, change.old_value),
        new=change_value(change.kind, change.new_value),
    ))


def audit_value(value) -> str:
    """A value from an audit entry's before/after JSON, short enough for a table cell."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nein"))
    if isinstance(value, list):
        return ", ".join(audit_value(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {audit_value(v)}" for k, v in value.items()) or "–"
    text = str(value)
    return text if len(text) <= 160 else text[:159] + "…"
