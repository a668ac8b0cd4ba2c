"""Recording staff changes in the audit log (Änderungsprotokoll).

Services take a snapshot of an object before and after a change and call record();
only the fields that changed are stored. The log is append-only (see app/models/audit.py).
"""
from __future__ import annotations

import re
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
    "hold_pattern": _l("Eintrag der Prüfliste"),
    "report": _l("Sachstandsbericht"),
}

# The keys of the recorded values (snapshots of the services) as staff read them; the same key
# means the same thing in every object type. Unknown keys are shown as they are.
FIELD_LABELS = {
    # milestone
    "title": _l("Titel"),
    "slug": _l("Adresse (Slug)"),
    "summary": _l("Kurzbeschreibung"),
    "description": _l("Beschreibung"),
    "easy_summary": _l("Zusammenfassung in Leichter Sprache"),
    "field_id": _l("Handlungsfeld"),
    "parent_id": _l("Oberziel"),
    "weight": _l("Gewicht"),
    "status": _l("Status"),
    "progress": _l("Fortschritt in Prozent"),
    "progress_method": _l("So wird der Fortschritt gemessen"),
    "start_date": _l("Startdatum"),
    "original_target_date": _l("Ursprüngliches Zieldatum"),
    "target_date": _l("Zieldatum"),
    "completed_on": _l("Abgeschlossen am"),
    "department_id": _l("Organisationseinheit"),
    "contact_role": _l("Ansprechfunktion"),
    "planned": _l("Geplant (Euro)"),
    "committed": _l("Gebunden (Euro)"),
    "spent": _l("Ausgegeben (Euro)"),
    "budget_year": _l("Haushaltsjahr"),
    "published": _l("Veröffentlicht"),
    "participating_department_ids": _l("Beteiligte Organisationseinheiten"),
    "champion_ids": _l("Helden der Digitalisierung"),
    "fundings": _l("Finanzierungsquellen (Nummer: Betrag)"),
    "moderation_mode": _l("Moderation von Kommentaren"),
    "comments_closed": _l("Kommentare geschlossen"),
    # progress update
    "milestone_id": _l("Etappenziel"),
    "reported_on": _l("Datum der Meldung"),
    "body": _l("Text"),
    "author_role": _l("Funktion der Verfasserin oder des Verfassers"),
    # strategy
    "intro": _l("Einleitung"),
    "period_from": _l("Zeitraum von (Jahr)"),
    "period_to": _l("Zeitraum bis (Jahr)"),
    "council_decision_on": _l("Ratsbeschluss vom"),
    "council_decision_reference": _l("Aktenzeichen des Beschlusses"),
    "council_decision_url": _l("Link zum Beschluss"),
    "document_url": _l("Link zum Strategiedokument"),
    "lead_role": _l("Verantwortliche Funktion"),
    "budget_years": _l("Finanzierungsplan (Jahr: Betrag)"),
    # field, department, funding source, champion
    "name": _l("Name"),
    "position": _l("Position in Listen"),
    "is_grant": _l("Fördermittel (sonst eigener Haushalt)"),
    "role": _l("Funktion"),
    "quote": _l("Kurzes Zitat"),
    "photo_mimetype": _l("Foto (Dateiformat)"),
    "photo_consent_on": _l("Einwilligung zum Foto erteilt am"),
    # moderation: reason templates and the hold list
    "text_de": _l("Text (deutsch)"),
    "text_en": _l("Text (englisch)"),
    "pattern": _l("Wort oder Muster"),
    "is_regex": _l("regulärer Ausdruck"),
    # accounts
    "active": _l("Aktiv"),
    "roles": _l("Rollen"),
    "department_ids": _l("Organisationseinheiten"),
    "second_factor": _l("Zwei-Faktor-Anmeldung"),
    # settings, logo, text pages
    "municipality_name": _l("Name der Kommune"),
    "primary_color": _l("Hauptfarbe"),
    "accent_color": _l("Akzentfarbe"),
    "contact_address": _l("Anschrift"),
    "contact_email": _l("E-Mail-Adresse"),
    "contact_phone": _l("Telefon"),
    "stale_after_days": _l("Hinweis auf fehlende Meldungen nach … Tagen"),
    "comments_open": _l("Kommentare auf der ganzen Website erlauben"),
    "logo": _l("Logo"),
    "mimetype": _l("Dateiformat"),
    "size": _l("Größe in Pixeln"),
    "title_de": _l("Titel (deutsch)"),
    "body_de": _l("Text (deutsch)"),
    "title_en": _l("Titel (englisch)"),
    "summary_en": _l("Kurzbeschreibung (englisch)"),
    "description_en": _l("Beschreibung (englisch)"),
    "contact_role_en": _l("Ansprechfunktion (englisch)"),
    "name_en": _l("Name (englisch)"),
    "role_en": _l("Funktion (englisch)"),
    "quote_en": _l("Kurzes Zitat (englisch)"),
    "intro_en": _l("Einleitung (englisch)"),
    "lead_role_en": _l("Verantwortliche Funktion (englisch)"),
    "body_en": _l("Text (englisch)"),
    "video_url": _l("Link zum Video"),
    # report
    "reporting_date": _l("Stichtag"),
    "previous_id": _l("Vergleichen mit dem Bericht"),
}

# How the logs store an account ("Konto #12", see actor_label) and the labels services give
# objects without a name: German text written once, shown in the reader's language.
PSEUDONYM = re.compile(r"Konto #(\d+)")
SYSTEM = "System"
FIXED_LABELS = {
    SYSTEM: _l("System"),
    "Einstellungen": _l("Einstellungen"),
    "Logo": _l("Logo"),
}


def action_label(action: str) -> str:
    try:
        return str(ACTION_LABELS[AuditAction(action)])
    except ValueError:
        return action


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key


def actor_label(user: User | None) -> str:
    """A pseudonym that identifies the account without personal data (stored, so in German)."""
    return f"Konto #{user.id}" if user is not None else SYSTEM


def stored_label(stored: str | None) -> str:
    """A label the system stored in German ("Konto #12", "System", "Logo") in the reader's
    language; any other text as it is."""
    if not stored:
        return ""
    match = PSEUDONYM.fullmatch(stored)
    if match is not None:
        return str(_l("Konto #%(id)d", id=int(match.group(1))))
    if stored in FIXED_LABELS:
        return str(FIXED_LABELS[stored])
    return stored


def is_stored_label(stored: str | None) -> bool:
    return bool(stored) and (PSEUDONYM.fullmatch(stored) is not None or stored in FIXED_LABELS)


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
