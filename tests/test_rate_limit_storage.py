"""Rate limits counted in each worker's memory: a warning at start in production, a notice for admins."""
from __future__ import annotations

import logging

import pytest

from app import create_app, rate_limits
from config import DevelopmentConfig, ProductionConfig
from tests.builders import make_admin, make_editor

NOTICE = 'id="rate-limit-notice"'


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "app.rate_limits" and r.levelno == logging.WARNING]


@pytest.mark.parametrize("config, storage, warned", [
    (ProductionConfig, "memory://", True),
    (ProductionConfig, "redis://127.0.0.1:6399/0", False),
    (DevelopmentConfig, "memory://", False),
])
def test_production_with_memory_storage_warns_at_start(caplog, config, storage, warned):
    """Issue 14 (L9): 3 workers let 15 tries through a limit of 5, and nobody was told."""
    caplog.set_level(logging.WARNING)
    create_app(config, SECRET_KEY="x" * 32, SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI=storage)
    assert warnings(caplog) == ([rate_limits.WARNING] if warned else [])
    if warned:
        assert "RATELIMIT_STORAGE_URI" in rate_limits.WARNING and "worker" in rate_limits.WARNING


@pytest.mark.parametrize("production, storage, shown", [
    (True, "memory://", True),
    (True, "redis://127.0.0.1:6399/0", False),
    (False, "memory://", False),
])
def test_admin_dashboard_shows_the_notice(auth, app, client, db, production, storage, shown):
    app.config.update(PRODUCTION=production, RATELIMIT_STORAGE_URI=storage, RATELIMIT_ENABLED=True)
    admin, editor = make_admin(), make_editor()
    db.session.commit()
    auth.sign_in(admin)
    page = client.get("/verwaltung")
    assert page.status_code == 200
    assert (NOTICE in page.get_data(as_text=True)) is shown
    if shown:
        english = client.get("/en/verwaltung").get_data(as_text=True)
        assert NOTICE in english and "counted in the memory of each server process" in english
    auth.sign_in(editor)
    assert NOTICE not in client.get("/verwaltung").get_data(as_text=True)
