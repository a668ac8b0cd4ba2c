"""`flask backup` and `flask restore`: a restored backup holds every row of every table."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestingConfig

pytestmark = pytest.mark.ops


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of all rows, ordered by primary key, for every table in the database."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                rows = connection.execute(select(table).order_by(*order)).all()
                digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
                result[name] = (len(rows), digest)
        return result
    finally:
        engine.dispose()


def wipe(url: str) -> None:
    """Lose the database: delete the SQLite file, or drop everything in the PostgreSQL schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def check_backup_and_restore(url: str, tmp_path: Path) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    runner = app.test_cli_runner()
    with app.app_context():
        db.create_all()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    before = table_fingerprints(url)
    # The demo data fills the main tables; an empty database would prove nothing.
    assert before["milestone"][0] > 0 and before["user"][0] > 0
    assert sum(count for count, _ in before.values()) > 100

    target = tmp_path / "etappen.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    # Never overwrites an earlier backup.
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0

    wipe(url)
    assert inspect_tables(url) == set()

    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert inspect_tables(url) == set()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert table_fingerprints(url) == before

    # The restored database serves the portal.
    with app.app_context():
        db.engine.dispose()
    response = app.test_client().get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def inspect_tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_backup_and_restore_sqlite(tmp_path):
    check_backup_and_restore(f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_backup_and_restore_scratch_database(scratch_database_url, tmp_path):
    """PostgreSQL (pg_dump/pg_restore) under `make test-postgres`, else a SQLite file."""
    check_backup_and_restore(scratch_database_url, tmp_path)


def test_sqlite_backup_of_a_database_in_use(tmp_path):
    """The online backup copies a consistent state while another connection holds a write open."""
    url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        writer = db.engine.connect()
        transaction = writer.begin()
        writer.execute(text("INSERT INTO t VALUES (2)"))  # not committed while the backup runs
        try:
            result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite")])
        finally:
            transaction.rollback()
            writer.close()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert table_fingerprints(f"sqlite:///{tmp_path / 'copy.sqlite'}")["t"][0] == 1


def test_health_answers_503_without_database(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}
    assert "Set-Cookie" not in response.headers
