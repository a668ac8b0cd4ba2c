"""Reporting pages: the state at a date, status reports, their archive, feed and API resource."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.i18n import LocalizedBlueprint
from app.progress import today
from app.reporting import recording, state

bp = LocalizedBlueprint("reporting", __name__)
bp.record_once(lambda _state: recording.install())


@bp.get("/stand")
def state_form():
    """The date form (GET): sends the visitor to the dated view of the day chosen."""
    text = (request.args.get("day") or "").strip()
    if not text:
        return render_template("reporting/state_pick.html", error=None, day_text="")
    try:
        day = state.parse_day(text)
    except state.DateNotAllowed:
        return _bad_day(text, future=True)
    except ValueError:
        return _bad_day(text, future=False)
    return redirect(url_for("reporting.state_at", day=day.isoformat()))


@bp.get("/stand/<day>")
def state_at(day: str):
    try:
        chosen = state.parse_day(day)
    except state.DateNotAllowed:
        return _bad_day(day, future=True)
    except ValueError:
        return _bad_day(day, future=False)
    return render_template("reporting/state.html", state=state.state_at(chosen), day_text=chosen.isoformat())


def _bad_day(text: str, future: bool):
    error = "future" if future else "invalid"
    page = render_template("reporting/state_pick.html", error=error, day_text=text[:10], today=today())
    return page, 400 if future else 404
