"""Median time of the benchmark's targets inside the app (no server, no wrk), for before/after.

    .venv/bin/python -m bench.inprocess sqlite:////tmp/perf/demo.sqlite 2>/dev/null

Production settings with the JSON request log on (sent to stderr, as under gunicorn). Each
request goes straight to the WSGI app with an environ built once, and its body is read, so the
time is the worker's share of a request. The vote POSTs run on a copy of a SQLite database
(each an account/milestone pair without a vote, signed sessions made like bench/sessions.py).
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text
from werkzeug.test import EnvironBuilder

from app import create_app
from app.extensions import db
from app.models import Field, Milestone, User, UserRole
from bench import sessions

SECRET_KEY = "bench-only-not-secret-0123456789abcdef"
HIGH_LIMIT = "1000000 per minute"


def make_app(url: str):
    return create_app(
        "production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY, LOG_REQUESTS=True,
        MAIL_OUTBOX_DIR=None,
        **{f"{kind}_LIMIT_PER_{who}": HIGH_LIMIT for kind in ("COMMENT", "VOTE") for who in ("ACCOUNT", "IP")},
    )


def _call(app, environ: dict, body: bytes = b"") -> str:
    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    status = []

    def start_response(code, headers, exc_info=None):
        status.append(code)

    answer = app(environ, start_response)
    try:
        b"".join(answer)
    finally:
        if hasattr(answer, "close"):
            answer.close()
    return status[0]


def _environ(path: str, **kwargs) -> dict:
    kwargs.setdefault("headers", {})
    kwargs["headers"].setdefault("User-Agent", sessions.USER_AGENT)
    return EnvironBuilder(path=path, environ_base={"REMOTE_ADDR": "127.0.0.1"}, **kwargs).get_environ()


def targets(app) -> list[tuple[str, str]]:
    with app.app_context():
        busiest = db.session.scalar(
            Milestone.select_published().with_only_columns(Milestone.slug)
            .order_by(Milestone.comment_count.desc(), Milestone.id).limit(1)
        )
        field = db.session.scalar(select(Field.slug).order_by(Field.id).limit(1))
    return [
        ("home page", "/"),
        ("milestone list", "/etappenziele"),
        ("milestone page, most comments", f"/etappenziele/{busiest}"),
        ("Atom feed (full answer)", "/feeds/fortschritt.atom"),
        ("widget: milestone list", "/einbetten/etappenziele"),
        ("widget: field", f"/einbetten/handlungsfeld/{field}"),
        ("API milestone list", "/api/v1/milestones"),
        ("home page (en)", "/en/"),
    ]


def time_gets(app, repeat: int) -> list[tuple[str, str, float, float, float]]:
    return time_paths(app, targets(app), repeat)


def time_paths(app, named_paths: list[tuple[str, str]], repeat: int) -> list[tuple[str, str, float, float, float]]:
    """(name, "path status", median ms, median CPU ms, min ms) of GETs of each path, after 5 warm-ups."""
    rows = []
    for name, path in named_paths:
        environ = _environ(path)
        status = _call(app, environ)
        for _ in range(5):
            _call(app, environ)
        times, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.thread_time()
            _call(app, environ)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
        rows.append((name, f"{path} {status.split()[0]}", statistics.median(times), statistics.median(cpu),
                     min(times)))
    return rows


def _ensure_citizens(app, count: int) -> list[int]:
    """Ids of `count` active citizen accounts, adding plain ones if the database has fewer."""
    with app.app_context():
        ids = list(db.session.scalars(
            select(User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "citizen", User.active.is_(True)).order_by(User.id).limit(count)
        ))
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        for n in range(count - len(ids)):
            user = User(email=f"inprocess{n}@bench.example.org", display_name=f"Bench {n}",
                        password_hash="x", active=True, email_confirmed_at=now, locale="de")
            db.session.add(user)
            db.session.flush()
            db.session.add(UserRole(user_id=user.id, role="citizen"))
            ids.append(user.id)
        db.session.commit()
        db.engine.dispose()
    return ids


def time_votes(url: str, count: int) -> tuple[float, float, float, int]:
    """Median wall-clock and CPU time of `count` support-vote POSTs on a copy of the SQLite database at `url`."""
    source = Path(url.removeprefix("sqlite:///"))
    workdir = Path(tempfile.mkdtemp(prefix="etappen-votes-"))
    copy = workdir / source.name
    shutil.copy(source, copy)
    copy_url = f"sqlite:///{copy}"
    app = make_app(copy_url)
    slugs = sessions.published_slugs(app)
    user_ids = _ensure_citizens(app, max(40, count // max(1, len(slugs)) + 2))
    lines = sessions.vote_requests(app, user_ids, slugs, count + 5)
    times, cpu, statuses = [], [], set()
    for n, line in enumerate(lines):
        path, body, cookie = line.split("\t")
        data = body.encode()
        environ = _environ(path, method="POST", data=data, headers={"Cookie": cookie},
                           content_type="application/x-www-form-urlencoded")
        started, started_cpu = time.perf_counter(), time.thread_time()
        status = _call(app, environ, data)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.thread_time() - started_cpu) * 1000
        statuses.add(status.split()[0])
        if n >= 5:
            times.append(elapsed)
            cpu.append(elapsed_cpu)
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(workdir)
    if statuses != {"303"}:
        raise SystemExit(f"vote answers were {statuses}, expected only 303")
    return statistics.median(times), statistics.median(cpu), min(times), len(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--votes", type=int, default=300, help="0: no vote POSTs")
    args = parser.parse_args()
    app = make_app(args.url)
    # The minimum is the run least disturbed by other processes on a shared machine.
    print("| target | path | median ms | median CPU ms | min ms |\n|---|---|---:|---:|---:|")
    for name, path, ms, cpu, least in time_gets(app, args.repeat):
        print(f"| {name} | `{path}` | {ms:.2f} | {cpu:.2f} | {least:.2f} |", flush=True)
    if args.votes and args.url.startswith("sqlite:///"):
        with app.app_context():
            db.engine.dispose()
        ms, cpu, least, n = time_votes(args.url, args.votes)
        print(f"| vote POST ({n}) | `/etappenziele/<slug>/unterstuetzen 303` | {ms:.2f} | {cpu:.2f} | {least:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
