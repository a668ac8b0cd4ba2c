"""The staff backend's navigation: each area with the roles that may use it."""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import Role
from app.moderation.queries import queue_size

A, E, M = Role.ADMIN, Role.EDITOR, Role.MODERATOR

# (endpoint, label, roles). Areas whose blueprint is not registered are left out.
BACKEND_AREAS = (
    ("backend.dashboard", _l("Übersicht"), (A, E, M)),
    ("backend.milestones", _l("Etappenziele"), (A, E)),
    ("internal.overview", _l("Ampel"), (A, E)),
    ("participation.unanswered", _l("Unbeantwortete Kommentare"), (A, E)),
    ("moderation.queue", _l("Moderation"), (A, M)),
    ("backend.strategy", _l("Strategie"), (A,)),
    ("backend.fields", _l("Handlungsfelder"), (A,)),
    ("backend.departments", _l("Organisationseinheiten"), (A,)),
    ("backend.champions", _l("Helden der Digitalisierung"), (A,)),
    ("backend.funding_sources", _l("Finanzierungsquellen"), (A,)),
    ("transfer.index", _l("CSV-Import/Export"), (A, E)),
    ("staff.users", _l("Konten"), (A,)),
    ("admin_settings.edit", _l("Einstellungen"), (A,)),
    ("embed.snippets", _l("Einbetten"), (A,)),
    ("reporting_admin.reports_page", _l("Sachstandsberichte"), (A, E)),
    ("backend.audit_log", _l("Änderungsprotokoll"), (A,)),
    ("auth.account", _l("Mein Konto"), (A, E, M)),
)

# Blueprints that also serve citizens (sign-in, comments, embedded widgets): only their
# areas listed above belong to the backend, not the whole blueprint.
SHARED_BLUEPRINTS = frozenset({"auth", "embed", "participation"})

# Areas that show how many items wait there, next to their name.
BADGES: dict[str, Callable[[], int]] = {"moderation.queue": queue_size}


class NavItem(NamedTuple):
    endpoint: str
    label: str
    waiting: int | None  # items waiting in the area, for its badge; None: the area has none


def backend_navigation() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [
        NavItem(endpoint, str(label), BADGES[endpoint]() if endpoint in BADGES else None)
        for endpoint, label, roles in BACKEND_AREAS
        if endpoint in endpoints and current_user.has_role(*roles)
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["backend_navigation"] = backend_navigation
