"""Expired or missing CSRF tokens on the public forms: the form again, with the input and a message.

Used by participation, citizens and subscriptions. app.backend.csrf.rerun_after_csrf_error does
the same for staff forms, but it answers every anonymous request with the error page and reruns
every view of a blueprint; these forms are also filled in by anonymous visitors (registration,
guest comment, subscription), and buttons (support, rate, confirm) must not run again. The flag
is read by app.participation.forms.ParticipationForm, so every form of the rerun view fails.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException

from app.auth.permissions import PermissionDenied


def mark_csrf_failed() -> None:
    g.participation_csrf_failed = True


def csrf_failed() -> bool:
    return bool(g.get("participation_csrf_failed"))


def keep_input_after_csrf_error(endpoints: Iterable[str]) -> Callable[[CSRFError], object]:
    """A blueprint's CSRFError handler: the views named in `endpoints` run again, failing with the
    input kept (status 400); every other view answers with the error page."""
    keep = frozenset(endpoints)

    def handler(error: CSRFError):
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint not in keep:
            return render_template("errors/error.html", error=error, code=400), 400
        mark_csrf_failed()
        try:
            response = make_response(view(**(request.view_args or {})))
        except HTTPException as http_error:
            return current_app.handle_http_exception(http_error)
        except PermissionDenied:
            return current_app.handle_http_exception(Forbidden())
        if response.status_code < 400:
            response.status_code = 400
        return response

    return handler
