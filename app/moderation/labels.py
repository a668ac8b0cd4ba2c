"""Interface names of moderation actions, comment statuses, queue kinds and flag reasons."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from app.models import CommentStatus, FlagReason, ModerationAction

ACTION_LABELS = {
    ModerationAction.APPROVE: _l("freigegeben"),
    ModerationAction.REJECT: _l("abgelehnt"),
    ModerationAction.HIDE: _l("ausgeblendet"),
    ModerationAction.RESTORE: _l("wiederhergestellt"),
    ModerationAction.SPAM: _l("als Spam markiert"),
    ModerationAction.REDACT: _l("personenbezogene Daten entfernt"),
    ModerationAction.BLOCK: _l("Konto gesperrt"),
    ModerationAction.UNBLOCK: _l("Sperre aufgehoben"),
    ModerationAction.AUTO_HIDE: _l("nach Meldungen automatisch ausgeblendet"),
    ModerationAction.HOLD: _l("zur Prüfung zurückgehalten"),
    ModerationAction.APPEAL: _l("Einspruch eingelegt"),
    ModerationAction.ANSWER: _l("Antwort der Verwaltung geschrieben"),
    ModerationAction.NO_ANSWER_NEEDED: _l("keine Antwort nötig"),
}

# The buttons of a decision form.
BUTTON_LABELS = {
    ModerationAction.APPROVE: _l("Freigeben"),
    ModerationAction.REJECT: _l("Ablehnen"),
    ModerationAction.HIDE: _l("Ausblenden"),
    ModerationAction.RESTORE: _l("Wiederherstellen"),
    ModerationAction.SPAM: _l("Als Spam markieren"),
}

STATUS_LABELS = {
    CommentStatus.PENDING: _l("wartet auf Freigabe"),
    CommentStatus.PUBLISHED: _l("veröffentlicht"),
    CommentStatus.HELD: _l("nach Meldungen ausgeblendet"),
    CommentStatus.HIDDEN: _l("von der Moderation ausgeblendet"),
    CommentStatus.REJECTED: _l("abgelehnt"),
    CommentStatus.SPAM: _l("Spam"),
    CommentStatus.DELETED: _l("von der Person gelöscht"),
}

KIND_LABELS = {
    "held": _l("Nach Meldungen ausgeblendet"),
    "flagged": _l("Gemeldet"),
    "appeal": _l("Einspruch"),
    "pending": _l("Wartet auf Freigabe"),
}

FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Spam oder Werbung"),
    FlagReason.INSULT: _l("Beleidigung oder Belästigung"),
    FlagReason.OFF_TOPIC: _l("Kein Bezug zum Thema"),
    FlagReason.PERSONAL_DATA: _l("Personenbezogene Daten"),
    FlagReason.OTHER: _l("Sonstiges"),
}

MODE_LABELS = {
    "pre": _l("Vorabmoderation"),
    "post": _l("Nachmoderation"),
}


def _label(labels: dict, key, enum) -> str:
    try:
        return str(labels[enum(key)])
    except (ValueError, KeyError):
        return str(key)


def action_label(action: str) -> str:
    return _label(ACTION_LABELS, action, ModerationAction)


def status_label(status: str | None) -> str:
    return "–" if status is None else _label(STATUS_LABELS, status, CommentStatus)


def flag_reason_label(reason: str) -> str:
    return _label(FLAG_REASON_LABELS, reason, FlagReason)


def kind_label(kind: str | None) -> str:
    return str(KIND_LABELS.get(kind, "")) if kind else ""


def mode_label(mode: str | None) -> str:
    return str(MODE_LABELS[mode]) if mode in MODE_LABELS else ""


# Reasons the system writes into the moderation log, in German (app/comments/lifecycle.py
# and app/moderation/); shown in the reader's language. Reasons moderators type are
# municipal content and are shown as written.
SYSTEM_REASONS = {
    "Treffer der Prüfliste": _l("Treffer der Prüfliste"),
    "Treffer der Halteliste": _l("Treffer der Prüfliste"),  # the list's former name, in old entries
    "Nach Bearbeitung erneut zu prüfen": _l("Nach Bearbeitung erneut zu prüfen"),
    "Das Konto wurde gesperrt.": _l("Das Konto wurde gesperrt."),
    "Personenbezogene Daten entfernt": _l("Personenbezogene Daten entfernt"),
}
AUTO_HIDE_REASON = re.compile(r"(\d+) Meldungen \(Schwelle (\d+)\)")


def system_reason(reason: str | None) -> str | None:
    """A reason the system wrote, in the reader's language; None for a moderator's own text."""
    if not reason:
        return None
    if reason in SYSTEM_REASONS:
        return str(SYSTEM_REASONS[reason])
    match = AUTO_HIDE_REASON.fullmatch(reason)
    if match is not None:
        return str(_l("%(num)s Meldungen (Schwelle %(threshold)s)", num=match.group(1), threshold=match.group(2)))
    return None
