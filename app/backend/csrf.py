"""Refused staff forms: 422 for invalid input, and an expired or missing CSRF token shows the
form again (400) instead of an error page.

Register `rerun_after_csrf_error` as a blueprint's CSRFError handler. The view runs once
more with the refusal marked in `g.csrf_error`; every BackendForm is then invalid, so
nothing is saved, and the page shows what was typed with a fresh token and a message.
"""
from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError


def mark_csrf_refused() -> None:
    g.csrf_error = True


def csrf_refused() -> bool:
    return bool(g.get("csrf_error"))


def invalid_status() -> int:
    """A staff form that did not pass: 422, or 400 when its CSRF token was missing or expired."""
    return 400 if csrf_refused() else 422


def form_status(form) -> int:
    """The status of a page that shows `form`: 200, or invalid_status() once it was sent and refused
    (its fields' errors, its form errors from a service, or an expired token)."""
    if form.is_submitted() and (form.errors or csrf_refused()):
        return invalid_status()
    return 200


def rerun_after_csrf_error(error: CSRFError):
    """The blueprint's CSRFError handler; answers 400 unless the view itself refuses."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not current_user.is_authenticated:
        return render_template("errors/error.html", error=error, code=400), 400
    mark_csrf_refused()
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except Exception as exc:  # noqa: BLE001 - sign-in, 403 and 404 answered as for the view itself
        return current_app.handle_user_exception(exc)
    if response.status_code < 300:
        response.status_code = 400
    return response
