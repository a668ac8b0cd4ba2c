"""PostgreSQL for the tests marked `postgres`: fail, never skip, when it is asked for and missing.

The `postgres` tests run against SQLite in the normal run and against PostgreSQL when
TEST_DATABASE_URL is a PostgreSQL URL (`make test-postgres`).
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import sqlalchemy_url


def postgres_test_url() -> str | None:
    """TEST_DATABASE_URL when it points at PostgreSQL, else None (the tests use SQLite)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return sqlalchemy_url(url) if url.startswith(("postgres", "postgresql")) else None


def pytest_sessionstart(session):
    url = postgres_test_url()
    if url is None:
        markexpr = session.config.getoption("markexpr", "") or ""
        if os.environ.get("CI") == "true" and "postgres" in markexpr and "not postgres" not in markexpr:
            pytest.exit("CI runs the postgres tests but TEST_DATABASE_URL is not a PostgreSQL URL", returncode=1)
        return
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the database cannot be used
        pytest.exit(f"PostgreSQL at {make_url(url).render_as_string()} is unreachable: {error}", returncode=1)
    finally:
        engine.dispose()


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of its own: a new PostgreSQL database under `make test-postgres`, else a SQLite file."""
    url = postgres_test_url()
    if url is None:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    name = f"etappen_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
