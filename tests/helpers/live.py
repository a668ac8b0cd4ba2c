"""The application served over real HTTP from a background thread, for browser tests."""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
from flask import Flask, got_request_exception, url_for
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestingConfig


class LiveServer:
    """A running app: `.url` is its base URL, `.app` the Flask app it serves."""

    def __init__(self, app: Flask, host: str = "127.0.0.1"):
        self.app = app
        self.exceptions: list[str] = []
        got_request_exception.connect(self._record_exception, app)
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def _record_exception(self, sender, exception, **extra) -> None:
        self.exceptions.append("".join(traceback.format_exception(exception)))

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        got_request_exception.disconnect(self._record_exception, self.app)
        with self.app.app_context():
            db.engine.dispose()

    def url_for(self, endpoint: str, **values) -> str:
        """The absolute URL of an endpoint on this server (url_for, with lang= for English)."""
        with self.app.test_request_context(base_url=self.url):
            return url_for(endpoint, _external=True, **values)

    def absolute(self, path: str) -> str:
        return urljoin(self.url + "/", path.lstrip("/"))


def create_live_app(database_path: Path, **overrides) -> Flask:
    """TestingConfig on a SQLite file (shared by the server's threads), CSRF on, rate limits off."""
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    app = create_app(TestingConfig, **config)
    with app.app_context():
        db.create_all()
    return app


@contextmanager
def running_live_server(directory: Path, **overrides):
    """Start a live server with a fresh database in `directory`; stop it afterwards."""
    server = LiveServer(create_live_app(directory / "live.sqlite", **overrides)).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def serving(directory: Path, build: Callable[[], object] | None = None, **overrides):
    """A running live server whose `.data` is what `build()` returned (run and committed in the
    app context); fails the test (at teardown) if a request raised an exception."""
    with running_live_server(directory, **overrides) as server:
        if build is not None:
            with server.app.app_context():
                server.data = build()
                db.session.commit()
        yield server
        exceptions = list(server.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)
