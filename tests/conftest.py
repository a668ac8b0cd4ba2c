"""Fixtures shared by all tests: app, client, runner, db session, query counter, auth."""
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


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    Without this, requests would share the test's app context: `g` (the signed-in
    user, the settings cache) and the database session would leak from one request
    to the next and hide bugs.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _empty_database() -> None:
    if _db.engine.dialect.name == "sqlite":
        # A new in-memory database per app: nothing to drop.
        return
    # Sub-milestones refer to their parents with ON DELETE RESTRICT.
    with _db.engine.begin() as conn:
        if inspect(conn).has_table("milestone"):
            conn.execute(text("UPDATE milestone SET parent_id = NULL"))
    _db.drop_all()


@pytest.fixture
def app():
    """A fresh application with an empty database for each test."""
    app = create_app(TestingConfig)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _empty_database()
        _db.create_all()
        yield app
        _db.session.remove()
        _empty_database()
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
