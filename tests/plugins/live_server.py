"""The `live_server` fixture: the app over real HTTP, for browser tests."""
from __future__ import annotations

import pytest

from tests.helpers.live import LiveServer, serving


@pytest.fixture
def live_server(tmp_path):
    """The app on 127.0.0.1:<free port> with a fresh SQLite file database, CSRF on, rate limits off.

    Create data with `with live_server.app.app_context():` and the builders, then commit.
    A request that raised an exception fails the test at teardown.
    """
    with serving(tmp_path) as server:
        yield server


__all__ = ["LiveServer", "live_server"]
