"""Votes under real concurrency: the app on a threaded HTTP server, many clients at once.

100 confirmed accounts each support the same 10 milestones in parallel: every
support_count ends at exactly 100 and equals the rows. 50 identical requests of one
account at the same moment give one vote. Ratings the same. No request fails with a 500.

Runs against a SQLite file (WAL) and, marked `postgres`, against the scratch database of
tests/plugins/databases.py (PostgreSQL under `make test-postgres`, else SQLite).
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from app import create_app
from app.extensions import db, login_manager
from app.models import Comment, CommentRating, Milestone, SupportVote, User
from config import TestingConfig
from tests.builders import make_citizen, make_field, make_milestone
from tests.builders.comments import make_comment
from tests.plugins.smtp import free_port

ACCOUNTS = 100
MILESTONES = 10
SAME_REQUESTS = 50
WORKERS = 16
USER_AGENT = "etappen-concurrency-test"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Client:
    """An account's session cookie and CSRF token, made with the app's secret key."""

    user_id: int
    cookie: str
    csrf: str


def session_for(app, user: User) -> Client:
    """A signed session cookie as after a login, with a CSRF token in it."""
    # A fresh app context: generate_csrf() keeps its token in `g`, which must not be shared.
    with app.app_context(), app.test_request_context(
        headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = login_manager._session_identifier_generator()
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return Client(user.id, cookie, token)


def post(server: Server, client: Client, path: str, **data) -> int:
    response = requests.post(
        server.absolute(path),
        data={"csrf_token": client.csrf, **data},
        cookies={"session": client.cookie},
        headers={"User-Agent": USER_AGENT},
        allow_redirects=False,
        timeout=120,
    )
    return response.status_code


def run_parallel(jobs) -> list[int]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda job: job(), jobs))


@dataclass
class Server:
    """The app served by gunicorn in its own processes (so that the test's client threads do
    not compete with the server for one interpreter lock)."""

    app: object  # an app on the same database, for building data and reading results
    url: str
    log: Path

    def absolute(self, path: str) -> str:
        return self.url + path

    def errors(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return text if "Traceback" in text else ""


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn stopped:\n" + log.read_text(errors="replace"))
        try:
            requests.get(url + "/robots.txt", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


@pytest.fixture
def concurrent_server(request, tmp_path):
    """The app under gunicorn (2 processes x 8 threads) on the database named by the parameter."""
    url = request.getfixturevalue("scratch_database_url") if request.param == "scratch" else \
        f"sqlite:///{tmp_path / 'votes.sqlite'}"
    settings = dict(
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": 8, "max_overflow": 8, "pool_timeout": 60},
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=False,
    )
    app = create_app(TestingConfig, **settings)
    with app.app_context():
        db.create_all()
    port = free_port()
    factory = "app:create_app('testing', " + ", ".join(f"{k}={v!r}" for k, v in settings.items()) + ")"
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--worker-class", "gthread", "--graceful-timeout", "2",
         "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "--capture-output", factory],
        cwd=ROOT, env={**os.environ, "ETAPPEN_CONFIG": "testing"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    server = Server(app, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server.url, process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        with app.app_context():
            db.engine.dispose()
    assert not server.errors(), "the server raised:\n" + server.errors()


@dataclass
class Scene:
    milestones: list[str]
    clients: list[Client]
    loner: Client
    comment_id: int


def build_scene(app) -> Scene:
    with app.app_context():
        field = make_field()
        milestones = [make_milestone(field=field) for _ in range(MILESTONES)]
        users = [make_citizen() for _ in range(ACCOUNTS)]
        loner = make_citizen()
        comment = make_comment(milestones[0], make_citizen(), "Bitte bewerten")
        db.session.commit()
        return Scene(
            milestones=[m.slug for m in milestones],
            clients=[session_for(app, user) for user in users],
            loner=session_for(app, loner),
            comment_id=comment.id,
        )


def stored_counts(app):
    with app.app_context():
        supports = {
            m.slug: (m.support_count, db.session.scalar(
                select(func.count(SupportVote.id)).where(SupportVote.milestone_id == m.id)))
            for m in db.session.scalars(select(Milestone))
        }
        comments = {
            c.id: (c.helpful_count, c.unhelpful_count,
                   db.session.scalar(select(func.count(CommentRating.id)).where(
                       CommentRating.comment_id == c.id, CommentRating.helpful.is_(True))),
                   db.session.scalar(select(func.count(CommentRating.id)).where(
                       CommentRating.comment_id == c.id, CommentRating.helpful.is_(False))))
            for c in db.session.scalars(select(Comment))
        }
        return supports, comments


def check_votes_under_load(server: Server) -> None:
    scene = build_scene(server.app)
    jobs = [
        (lambda c=client, s=slug: post(server, c, f"/etappenziele/{s}/unterstuetzen"))
        for client in scene.clients for slug in scene.milestones
    ]
    random.Random(4).shuffle(jobs)
    statuses = run_parallel(jobs)
    assert set(statuses) == {303}, f"{sorted(set(statuses))}\n{server.errors()}"
    supports, _ = stored_counts(server.app)
    assert supports == {slug: (ACCOUNTS, ACCOUNTS) for slug in scene.milestones}

    # One account, the same request 50 times at once: one vote, no error.
    first = scene.milestones[0]
    statuses = run_parallel([lambda: post(server, scene.loner, f"/etappenziele/{first}/unterstuetzen")] * SAME_REQUESTS)
    assert set(statuses) == {303}, f"{sorted(set(statuses))}\n{server.errors()}"
    supports, _ = stored_counts(server.app)
    assert supports[first] == (ACCOUNTS + 1, ACCOUNTS + 1)

    # Ratings: everyone rates the same comment (a third unhelpful), one account 50 times at once.
    rate = f"/kommentare/{scene.comment_id}/bewerten"
    jobs = [
        (lambda c=client, n=number: post(server, c, rate, rating="unhelpful" if n % 3 == 0 else "helpful"))
        for number, client in enumerate(scene.clients)
    ] + [lambda: post(server, scene.loner, rate, rating="helpful")] * SAME_REQUESTS
    random.Random(5).shuffle(jobs)
    statuses = run_parallel(jobs)
    assert set(statuses) == {303}, f"{sorted(set(statuses))}\n{server.errors()}"
    _, comments = stored_counts(server.app)
    unhelpful = len(range(0, ACCOUNTS, 3))
    helpful = ACCOUNTS - unhelpful + 1
    assert comments[scene.comment_id] == (helpful, unhelpful, helpful, unhelpful)


@pytest.mark.parametrize("concurrent_server", ["sqlite"], indirect=True)
def test_parallel_votes_on_sqlite(concurrent_server):
    check_votes_under_load(concurrent_server)


@pytest.mark.postgres
@pytest.mark.parametrize("concurrent_server", ["scratch"], indirect=True)
def test_parallel_votes_on_the_scratch_database(concurrent_server):
    check_votes_under_load(concurrent_server)
