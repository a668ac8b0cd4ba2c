"""REQUIRE_ADMIN_2FA: an admin without a second factor sets it up before using the backend."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.services import second_factor_setup_required

# The staff backend's own blueprints, guarded whole. The list is auth's own (auth does not read
# the backend's menu); tests/test_layering.py checks that it covers every area of that menu.
GUARDED_BLUEPRINTS = frozenset({
    "admin_settings", "backend", "internal", "moderation", "reporting_admin", "staff", "transfer",
})
# Backend pages of blueprints that also serve citizens (the second factor is set up in auth).
GUARDED_PAGES = frozenset({"embed.snippets", "participation.unanswered"})


def require_admin_second_factor():
    """With REQUIRE_ADMIN_2FA an admin without a second factor sets it up before using the backend
    or changing anything: every POST outside the account pages counts, also on public pages
    (closing comments, an official answer, "no answer needed"), where admin powers apply too."""
    if not current_app.config.get("REQUIRE_ADMIN_2FA"):
        return None
    backend = request.blueprint in GUARDED_BLUEPRINTS or request.endpoint in GUARDED_PAGES
    if not backend and (request.method != "POST" or request.blueprint == "auth"):
        return None
    if current_user.is_authenticated and second_factor_setup_required(current_user):
        flash(_("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein."), "info")
        return redirect(url_for("auth.two_factor"))
    return None
