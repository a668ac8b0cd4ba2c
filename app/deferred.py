"""Work done after the answer has been sent, so the answer's timing tells nothing about it, and
work that must wait for the request's commit.

Forms that must not reveal whether an address has an account or a subscription (password
reset, registration, subscribing, guest comments) check the input in the request and hand the
rest to `after_response`: the answer then takes as long whatever the database holds. The WSGI
server runs the work once it has written the response (`call_on_close`); outside a request
(CLI jobs, services called directly) the work runs at once. Each piece of work is an entry point
of its own: it is committed when it has run.

`after_commit` is for work that must follow a saved change, such as delivering the mails a
service queued: services only flush, the view commits once, and the work runs after that
commit (before the answer goes out). Work queued in a transaction that is rolled back never
runs. Outside a request the caller is a job or a test: the work runs at once.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.i18n import current_language

log = logging.getLogger(__name__)

_PENDING = "after_response_work"
# Keys of Session.info: work waiting for the session's commit, and work whose commit has come.
_UNCOMMITTED = "after_commit_pending"
_COMMITTED = "after_commit_ready"


def after_response(func: Callable, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) after the response, in a fresh app context (at once without a request)."""
    if not has_request_context():
        func(*args, **kwargs)
        return
    g.setdefault(_PENDING, []).append(partial(func, *args, **kwargs))


def after_commit(func: Callable, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) once the request's transaction is committed (at once without a request)."""
    if not has_request_context():
        func(*args, **kwargs)
        return
    db.session().info.setdefault(_UNCOMMITTED, []).append(partial(func, *args, **kwargs))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # No SQL may run inside this event: the work waits for the end of the request.
    waiting = session.info.pop(_UNCOMMITTED, None)
    if waiting:
        session.info.setdefault(_COMMITTED, []).extend(waiting)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_UNCOMMITTED, None)


def run_committed_work() -> None:
    """Run the work whose commit has come (after the view, or right after a commit that must be
    followed at once); work still waiting for a commit is dropped with an error in the log."""
    if not db.session.registry.has():
        return  # the request did not use the database
    session = db.session()
    dropped = session.info.pop(_UNCOMMITTED, None)
    if dropped:
        log.error("work queued for a commit that never came was dropped: %s",
                  ", ".join(getattr(func.func, "__name__", repr(func)) for func in dropped))
    while work := session.info.pop(_COMMITTED, None):
        for func in work:
            func()


def pending_work() -> list[Callable]:
    """The work queued by the current request so far (tests compare it between two answers)."""
    return list(g.get(_PENDING, ()))


def init_app(app: Flask) -> None:
    @app.after_request
    def run_after_commit(response):
        run_committed_work()
        return response

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
                db.session.commit()
            except Exception:  # the answer is gone: log it, and let the next piece of work run
                db.session.rollback()
                log.exception("work after the response failed: %s", getattr(func.func, "__name__", func))
        db.session.remove()
