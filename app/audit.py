"""Recording staff changes in the audit log (Änderungsprotokoll).

Services take a snapshot of an object before and after a change and call record();
only the fields that changed are stored. The log is append-only (see app/models/audit.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AuditEntry, User


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


ACTION_LABELS = {
    AuditAction.CREATE: _l("angelegt"),
    AuditAction.UPDATE: _l("geändert"),
    AuditAction.DELETE: _l("gelöscht"),
}

# Object types other features record as well; unknown types are shown by their key.
OBJECT_TYPE_LABELS = {
    "milestone": _l("Etappenziel"),
    "progress_update": _l("Fortschrittsmeldung"),
    "strategy": _l("Digitalstrategie"),
    "field": _l("Handlungsfeld"),
    "department": _l("Organisationseinheit"),
    "champion": _l("Held der Digitalisierung"),
    "funding_source": _l("Finanzierungsquelle"),
    "user": _l("Konto"),
    "setting": _l("Einstellung"),
    "content_page": _l("Textseite"),
    "reason_template": _l("Begründungsvorlage"),
    "hold_pattern": _l("Eintrag der Halteliste"),
}


def action_label(action: str) -> str:
    try:
        return str(ACTION_LABELS[AuditAction(action)])
    except ValueError:
        return action


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


def actor_label(user: User | None) -> str:
    """A pseudonym that identifies the account without personal data."""
    return f"Konto #{user.id}" if user is not None else "System"


def json_value(value):
    """A JSON-safe form of a model value (money as text, dates in ISO format)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(v) for v in value]
    return str(value)


def snapshot(obj, fields: Iterable[str]) -> dict:
    """The named attributes of an object as JSON-safe values."""
    return {name: json_value(getattr(obj, name)) for name in fields}


def changed(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the keys whose values differ (all keys when one side is missing)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    actor: User | None,
    action: AuditAction | str,
    object_type: str,
    object_id: int | str | None,
    object_label: str = "",
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry | None:
    """Add an entry to the session (committed with the change it describes).

    An update that changed nothing is not recorded.
    """
    before, after = changed(before, after)
    if action == AuditAction.UPDATE and not before and not after:
        return None
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label(actor),
        action=str(action),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        object_label=(object_label or "")[:300],
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
