"""Refused forms: 422 for invalid input, and an expired or missing CSRF token shows the form
again (400) with what was typed, a fresh token and a message, instead of an error page.

A blueprint registers `rerun_after_csrf_error(...)` as its CSRFError handler. The view runs
once more with the refusal marked (`csrf_refused()`); every form that asks `csrf_refused()`
(app.forms_base.BackendForm, the participation and sign-in forms) is then invalid, so
nothing is saved.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError


def mark_csrf_refused() -> None:
    g.csrf_refused = True


def csrf_refused() -> bool:
    """The view runs again after its CSRF token was refused."""
    return bool(g.get("csrf_refused"))


def invalid_status() -> int:
    """A form that did not pass: 422, or 400 when its CSRF token was missing or expired."""
    return 400 if csrf_refused() else 422


def form_status(form) -> int:
    """The status of a page that shows `form`: 200, or invalid_status() once it was sent and refused
    (its fields' errors, its form errors from a service, or an expired token)."""
    if form.is_submitted() and (form.errors or csrf_refused()):
        return invalid_status()
    return 200


def rerun_after_csrf_error(
    endpoints: Iterable[str] | None = None, *, signed_in_only: bool = False, refuse_redirects: bool = False,
) -> Callable[[CSRFError], object]:
    """A blueprint's CSRFError handler: the view runs again and fails with the input kept (400).

    endpoints: only these views run again (None: every view of the blueprint); the others, and
    anonymous visitors when `signed_in_only`, get the error page (400). A view that answers
    with success or 422 on the second run answers 400; so does a redirect with `refuse_redirects`
    (buttons whose refusal would otherwise look like success).
    """
    only = None if endpoints is None else frozenset(endpoints)
    highest_kept = 400 if refuse_redirects else 300

    def handler(error: CSRFError):
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None or (only is not None and request.endpoint not in only) \
                or (signed_in_only and not current_user.is_authenticated):
            return render_template("errors/error.html", error=error, code=400), 400
        mark_csrf_refused()
        try:
            response = current_app.make_response(view(**(request.view_args or {})))
        except Exception as exc:  # noqa: BLE001 - sign-in, 403, 404 and 429 answered as for the view itself
            return current_app.handle_user_exception(exc)
        if response.status_code < highest_kept or response.status_code == 422:
            response.status_code = 400
        return response

    return handler
