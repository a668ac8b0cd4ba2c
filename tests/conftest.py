"""Fixtures shared by all tests: app, client, runner, db session, query counter, apps with CSRF
protection or rate limits on; signing in (`auth`) and stored staff are in tests/plugins/auth.py."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from app import create_app
from app.extensions import db as _db
from config import TestingConfig

pytest_plugins = ["tests.plugins"]


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL database (TEST_DATABASE_URL)")
    config.addinivalue_line("markers", "browser: drives Debian chromium through Playwright")
    config.addinivalue_line("markers", "app_config(**overrides): configuration of the `app` fixture's app")


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context and closes its response, as in production.

    Without this, requests would share the test's app context: `g` (the signed-in
    user, the settings cache) and the database session would leak from one request
    to the next and hide bugs. Closing the response, as a WSGI server does once it has
    sent it, runs the work queued for after the answer (app.deferred); buffered=False
    leaves the response open, to look at the state the answer left behind.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


# PostgreSQL: the schema is made once per test process and then emptied before and after
# each test; dropping and creating every table took most of each test's time.
_pg_schema_made = False


def _empty_database() -> None:
    """An empty database with the models' tables. SQLite: each app has its own in-memory one."""
    global _pg_schema_made
    if _db.engine.dialect.name == "sqlite":
        _db.create_all()
        return
    tables = [table.name for table in _db.metadata.sorted_tables]
    with _db.engine.begin() as conn:
        present = set(inspect(conn).get_table_names())
        # Made in this process (not left by an older schema), and no fixture dropped it since.
        # Sub-milestones refer to their parents with ON DELETE RESTRICT.
        if "milestone" in present:
            conn.execute(text("UPDATE milestone SET parent_id = NULL"))
        if _pg_schema_made and present >= set(tables):
            # DELETE, not TRUNCATE: on a few rows it takes milliseconds, TRUNCATE ~0.4 s.
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))
            # Ids start at 1 again, as in a new database.
            conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class"
                              " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"))
            return
    _db.drop_all()
    _db.create_all()
    _pg_schema_made = True


@pytest.fixture
def app(request):
    """A fresh application with an empty database for each test; `@pytest.mark.app_config(KEY=value)`
    on the test or its module changes its configuration (the test's marker wins)."""
    overrides: dict = {}
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        overrides.update(marker.kwargs)
    app = create_app(TestingConfig, **overrides)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _empty_database()
        yield app
        _db.session.remove()
        if _db.engine.dialect.name != "sqlite":
            _empty_database()  # fixtures that make their own app on the same database start empty
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app():
    """An app with CSRF protection on (the test config switches it off), with its own empty database."""
    app = create_app(TestingConfig, WTF_CSRF_ENABLED=True)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()


@pytest.fixture
def limited_app():
    """Factory for apps with rate limits on (the test config switches them off): `limited_app(**config)`.

    Each app's context stays pushed until the test ends, so the test's builders use its database."""
    contexts = []

    def make(**overrides):
        app = create_app(TestingConfig, RATELIMIT_ENABLED=True, **overrides)
        app.test_client_class = FreshContextClient
        context = app.app_context()
        context.push()
        contexts.append(context)
        _db.create_all()
        return app

    yield make
    for context in reversed(contexts):
        _db.session.remove()
        _db.drop_all()
        context.pop()
    # Later apps in this process get the test config's limiter again.
    create_app(TestingConfig)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") if "postgresql" in os.environ.get("TEST_DATABASE_URL", "") else None
