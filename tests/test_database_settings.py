"""Settings every database connection gets: SQLite's pragmas, PostgreSQL's POSTGRES_OPTIONS."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

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


@pytest.mark.postgres
def test_a_failed_statement_does_not_carry_its_values_into_the_log(db):
    """The message of a database error is logged with the traceback: no comment text in it."""
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(text("SELECT no_such_column FROM comment WHERE body = :body"),
                           {"body": "Vertraulicher Kommentartext"})
    db.session.rollback()
    assert "no_such_column" in str(failure.value)
    assert "Vertraulicher Kommentartext" not in str(failure.value)
