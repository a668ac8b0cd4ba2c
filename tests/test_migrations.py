"""Migrations: `flask db upgrade` on an empty database gives exactly the schema of the models.

Runs on a SQLite file in the normal run and on a scratch PostgreSQL database under
`make test-postgres`, through the real `flask` command line as an operator runs it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from app.extensions import db

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
