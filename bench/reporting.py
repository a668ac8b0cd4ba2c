"""Reporting on the large dataset: the dated view's miss path against the home page's, and how
long issuing a status report takes (snapshot and four PDFs).

    .venv/bin/python -m bench.reporting                      # builds the large SQLite dataset first
    .venv/bin/python -m bench.reporting --url sqlite:////path/etappen_bench_large.sqlite

In-process like bench/inprocess.py (production settings, page cache off, each request straight
to the WSGI app): median wall-clock and CPU time of the request thread. Issuing is timed
inside one app context and rolled back each time, so the database stays as it was.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Field, Milestone, ReportVariant, Role, User, UserRole
from app.progress import today
from app.reporting import rendering, reports, snapshot
from app.settings import get_setting
from bench import run
from bench.inprocess import SECRET_KEY, time_paths

TARGET_FACTOR = 2.0  # the dated view's miss path may cost at most twice the home page's


def make_app(url: str):
    return create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY, LOG_REQUESTS=True,
                      MAIL_OUTBOX_DIR=None, PAGE_CACHE_ENABLED=False)


def dated_paths(app) -> list[tuple[str, str]]:
    """The home page and dated views; the field page of the field with the most milestones."""
    with app.app_context():
        field = db.session.scalar(
            select(Field.slug).join(Milestone, Milestone.field_id == Field.id)
            .group_by(Field.id, Field.slug).order_by(func.count(Milestone.id).desc()).limit(1)
        )
    day = today()
    return [
        ("home page", "/"),
        ("state yesterday", f"/stand/{(day - timedelta(days=1)).isoformat()}"),
        ("state 180 days ago, largest field", f"/stand/{(day - timedelta(days=180)).isoformat()}/{field}"),
        ("state 180 days ago", f"/stand/{(day - timedelta(days=180)).isoformat()}"),
        ("state 2 years ago", f"/stand/{(day - timedelta(days=730)).isoformat()}"),
        ("home page (en)", "/en/"),
        ("state 180 days ago (en)", f"/en/stand/{(day - timedelta(days=180)).isoformat()}"),
    ]


def timed(function, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `function()`, each call rolled back afterwards."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        db.session.rollback()
    return statistics.median(wall), statistics.median(cpu)


def time_issuing(app, repeat: int) -> list[tuple[str, float, float]]:
    with app.app_context(), app.test_request_context():
        admin = db.session.scalar(
            select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.ADMIN.value).limit(1)
        )
        stale = int(get_setting("stale_after_days"))
        day = today()
        rows = [("snapshot only", *timed(lambda: snapshot.build(day, None, stale), repeat))]
        built = reports.issue_report(admin, day, None)
        rows.append(("one PDF (de, public)",
                     *timed(lambda: rendering.render_pdf(built, "de", ReportVariant.PUBLIC), repeat)))
        db.session.rollback()
        rows.append(("issue a report (snapshot + 4 PDFs)", *timed(lambda: reports.issue_report(admin, day, None), repeat)))
        db.session.rollback()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a database with the large dataset (default: build it in SQLite)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--issue-repeat", type=int, default=3, help="0: do not time issuing")
    args = parser.parse_args()
    url = args.url
    if url is None:
        url, info = run.build("sqlite", "large", args.scale)
        print(f"built {url}: {info}", flush=True)
    app = make_app(url)
    print("| target | path | median ms | median CPU ms | min ms |\n|---|---|---:|---:|---:|")
    rows = time_paths(app, dated_paths(app), args.repeat)
    for name, path, ms, cpu, least in rows:
        print(f"| {name} | `{path}` | {ms:.1f} | {cpu:.1f} | {least:.1f} |", flush=True)
    home_cpu = rows[0][3]
    print()
    for name, _path, _ms, cpu, _least in rows[1:]:
        if name.startswith("state") and "(en)" not in name:
            verdict = "met" if cpu <= TARGET_FACTOR * home_cpu else "NOT met"
            print(f"{name} / home page, CPU: {cpu / home_cpu:.2f} (target at most {TARGET_FACTOR}: {verdict})")
    print()
    if args.issue_repeat:
        print("| step | median s | median CPU s |\n|---|---:|---:|")
        for name, wall, cpu in time_issuing(app, args.issue_repeat):
            print(f"| {name} | {wall:.2f} | {cpu:.2f} |", flush=True)


if __name__ == "__main__":
    main()
