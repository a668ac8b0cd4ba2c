"""Fixtures shared by all tests: app, client, runner, db session, query counter, auth."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db as _db
from config import TestingConfig


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL database (TEST_DATABASE_URL)")
    config.addinivalue_line("markers", "browser: drives Debian chromium through Playwright")


@pytest.fixture
def app():
    """A fresh application with an empty database for each test."""
    app = create_app(TestingConfig)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


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
