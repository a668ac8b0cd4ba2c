"""Settings every database connection gets: SQLite's pragmas, PostgreSQL's POSTGRES_OPTIONS."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app import create_app

PG_URL = "postgresql+psycopg://etappen@127.0.0.1/nowhere"


def test_postgres_connections_get_the_configured_options():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=PG_URL)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"options": "-c jit=off"}
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_empty_postgres_options_leave_the_server_settings():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=PG_URL, POSTGRES_OPTIONS="")
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_sqlite_gets_no_postgres_options():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.postgres
def test_the_test_database_connection_has_its_settings(db):
    """Against the database of this run (`make test`: SQLite, `make test-postgres`: PostgreSQL)."""
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
    else:
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000
