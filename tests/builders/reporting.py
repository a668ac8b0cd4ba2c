"""Builders for the reporting tests: edits through the real services on a chosen day."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from app import progress
from app.backend import services
from app.backend.services import ProgressData
from app.extensions import db
from app.models import Milestone
from app.reporting import recording, state
from app.settings import set_setting
from tests.builders.backend import milestone_data

# The values a state at a date rebuilds, read from a Milestone or a MilestoneState alike.
STATE_ATTRIBUTES = ("status", "progress", "target_date", "planned", "committed", "spent",
                    "published", "title", "weight", "field_id", "parent_id")


def values_of(milestone) -> dict:
    return {name: getattr(milestone, name) for name in STATE_ATTRIBUTES}


@contextmanager
def on_day(monkeypatch, day: date):
    """Municipal 'today' is `day` for the services and the recording listener."""
    with monkeypatch.context() as patch:
        patch.setattr(progress, "today", lambda: day)
        patch.setattr(services, "today", lambda: day)
        yield


def set_recorded_since(day: date) -> None:
    set_setting(state.SINCE_SETTING, day.isoformat())
    recording.install()


def edit(actor, milestone: Milestone, day: date, kind: str, value, monkeypatch) -> None:
    """One edit of `kind` on `day` through the service a member of staff would use."""
    with on_day(monkeypatch, day):
        if kind in ("status", "progress", "target_date"):
            services.report_progress(actor, milestone, ProgressData(
                title=f"Meldung {kind}", reported_on=day, author_role="Leitung",
                new_status=value if kind == "status" else None,
                new_progress=value if kind == "progress" else None,
                new_target_date=value if kind == "target_date" else None,
                reason="Neu geplant" if kind == "target_date" else "",
            ))
        else:
            changes = {kind: Decimal(value) if kind in ("planned", "committed", "spent") else value}
            services.update_milestone(actor, milestone, milestone_data(milestone, **changes))
        db.session.flush()
