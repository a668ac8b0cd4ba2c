"""Whole-database backup and restore: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL, make_url

from app.extensions import db


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def backup(target: Path) -> None:
    """Write a consistent copy of the running database to `target` (never overwrites a file)."""
    if target.exists():
        raise BackupError(f"{target} exists already; backups are never overwritten.")
    url = database_url()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), target)
    elif url.get_backend_name() == "postgresql":
        _run([current_app.config["PG_DUMP"], "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(target), "--dbname", _libpq_url(url)], url)
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(source: Path) -> None:
    """Replace every table of the database with the contents of the backup `source`."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    url = database_url()
    # Pooled connections would keep reading the old pages (SQLite) or hold locks (PostgreSQL).
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_path(url), check_source=True)
    elif url.get_backend_name() == "postgresql":
        # --clean --if-exists drops what the dump contains first; one transaction: all or nothing.
        _run([current_app.config["PG_RESTORE"], "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--dbname", _libpq_url(url), str(source)], url)
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, check_source: bool = False) -> None:
    """Copy page by page with the online backup API: writers may go on meanwhile (WAL)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        if check_source and src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source} is damaged (PRAGMA integrity_check).")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()


def _libpq_url(url: URL) -> str:
    """The URL as pg_dump understands it, without driver and password (that goes in PGPASSWORD)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    env = dict(os.environ)
    # Not on the command line, where every user of the machine could read it in `ps`.
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (set PG_DUMP / PG_RESTORE).") from error
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
