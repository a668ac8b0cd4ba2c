"""Work done after the answer has been sent, so the answer's timing tells nothing about it.

Forms that must not reveal whether an address has an account or a subscription (password
reset, registration, subscribing, guest comments) check the input in the request and hand the
rest to `after_response`: the answer then takes as long whatever the database holds. The WSGI
server runs the work once it has written the response (`call_on_close`); outside a request
(CLI jobs, services called directly) the work runs at once.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app, g, has_request_context, request

from app.extensions import db
from app.i18n import current_language

log = logging.getLogger(__name__)

_PENDING = "after_response_work"


def after_response(func: Callable, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) after the response, in a fresh app context (at once without a request)."""
    if not has_request_context():
        func(*args, **kwargs)
        return
    g.setdefault(_PENDING, []).append(partial(func, *args, **kwargs))


def pending_work() -> list[Callable]:
    """The work queued by the current request so far (tests compare it between two answers)."""
    return list(g.get(_PENDING, ()))


def init_app(app: Flask) -> None:
    @app.after_request
    def run_after_response(response):
        work = g.pop(_PENDING, None)
        if work:
            run = partial(_run, current_app._get_current_object(), work, current_language())
            if request.environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug/"):
                # Werkzeug's development server (`make run`, the browser tests) closes a response
                # only after it drained the socket, which on a kept-alive connection waits for the
                # browser's next request: the work would wait with it. A thread starts it now.
                threading.Thread(target=run, name="after-response", daemon=True).start()
            else:
                response.call_on_close(run)
        return response


def _run(app: Flask, work: list[Callable], lang: str) -> None:
    with app.app_context():
        g.lang = lang
        for func in work:
            try:
                func()
            except Exception:  # the answer is gone: log it, and let the next piece of work run
                db.session.rollback()
                log.exception("work after the response failed: %s", getattr(func.func, "__name__", func))
        db.session.remove()
