"""Migrations: `flask db upgrade` on an empty database gives exactly the schema of the models.

Runs on a SQLite file in the normal run and on a scratch PostgreSQL database under
`make test-postgres`, through the real `flask` command line as an operator runs it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import (
    Boolean, Date, DateTime, Integer, MetaData, String, Table, create_engine, inspect, text,
)
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import Field, Milestone
from config import TestingConfig

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.postgres


def flask(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "ETAPPEN_CONFIG": "development",
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )


NOISE = ("INFO  [alembic.runtime", "assuming SERIAL and omitting")


def run_ok(*args: str, database_url: str, tmp_path: Path) -> str:
    completed = flask(*args, database_url=database_url, tmp_path=tmp_path)
    output = completed.stdout + completed.stderr
    exit_code = completed.returncode
    if exit_code != 0:
        shown = "\n".join(line for line in output.splitlines() if not any(n in line for n in NOISE))
        pytest.fail(f"`flask {' '.join(args)}` failed (exit {exit_code}):\n{shown}", pytrace=False)
    return output


def test_upgrade_from_empty_database_matches_the_models(scratch_database_url, tmp_path):
    run_ok("db", "upgrade", database_url=scratch_database_url, tmp_path=tmp_path)

    engine = create_engine(scratch_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    missing = set(db.metadata.tables) - tables
    assert not missing, f"tables of the models that the migrations do not create: {sorted(missing)}"

    # `flask db check` compares the upgraded schema with the models (types included).
    run_ok("db", "check", database_url=scratch_database_url, tmp_path=tmp_path)


def test_migrations_downgrade_to_base_and_upgrade_again(scratch_database_url, tmp_path):
    run_ok("db", "upgrade", database_url=scratch_database_url, tmp_path=tmp_path)
    run_ok("db", "downgrade", "base", database_url=scratch_database_url, tmp_path=tmp_path)
    engine = create_engine(scratch_database_url)
    try:
        leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    assert not leftover, f"tables left after `flask db downgrade base`: {sorted(leftover)}"
    run_ok("db", "upgrade", database_url=scratch_database_url, tmp_path=tmp_path)


def _insert(connection, table_name: str, **values) -> int:
    """A row with `values`, and a plain value in every other required column of the table as it is."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    plain = {Boolean: False, DateTime: datetime(2026, 1, 1), Date: date(2026, 1, 1), Integer: 0, String: "x"}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        values[column.name] = next(value for kind, value in plain.items() if isinstance(column.type, kind))
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_upgrade_0016_caps_weights_at_100_and_keeps_the_rows_that_refer_to_milestones(
    scratch_database_url, tmp_path,
):
    run_ok("db", "upgrade", "0015", database_url=scratch_database_url, tmp_path=tmp_path)
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as connection:
            field = _insert(connection, "field", slug="feld")
            heavy = _insert(connection, "milestone", slug="schwer", field_id=field, weight=500, status="planned")
            # A sub-milestone (ON DELETE RESTRICT) and a former slug (ON DELETE CASCADE) refer to it.
            _insert(connection, "milestone", slug="teil", field_id=field, parent_id=heavy, weight=7, status="planned")
            _insert(connection, "milestone_slug", slug="schwer-alt", milestone_id=heavy)
        run_ok("db", "upgrade", database_url=scratch_database_url, tmp_path=tmp_path)
        with engine.connect() as connection:
            weights = dict(connection.execute(text("SELECT slug, weight FROM milestone")).all())
            assert weights == {"schwer": 100, "teil": 7}
            assert connection.execute(text("SELECT parent_id FROM milestone WHERE slug = 'teil'")).scalar() == heavy
            assert connection.execute(text("SELECT milestone_id FROM milestone_slug")).scalar() == heavy
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE milestone SET weight = 500 WHERE slug = 'teil'"))
    finally:
        engine.dispose()
    run_ok("db", "downgrade", "0015", database_url=scratch_database_url, tmp_path=tmp_path)


def test_the_database_refuses_a_weight_over_100(app, db):
    milestone = Milestone(title="Ziel", slug="ziel", field=Field(name="Feld", slug="feld"), weight=100)
    db.session.add(milestone)
    db.session.commit()
    for refused in (500, 101, 0):
        milestone.weight = refused
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    assert db.session.get(Milestone, milestone.id).weight == 100


def test_sqlite_enforces_foreign_keys_again_after_the_migrations(tmp_path):
    # One pooled connection: the one the migrations ran on is the one asked afterwards.
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fk.sqlite'}",
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
