"""Crash safety: SIGKILL during a write load loses no answered write and leaves an intact database."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import requests

from app import create_app
from app.extensions import db
from app.models import utcnow
from config import TestingConfig
from tests.builders import make_milestone
from tests.builders.auth import PASSWORD, make_account
from tests.builders.ops import gunicorn_servers
from tests.plugins.auth import form_fields, sign_in_http

pytestmark = pytest.mark.ops

CITIZENS = 6
MILESTONES = 40
LOAD_SECONDS = 4
MIN_ANSWERED_WRITES = 10


def prepare(url: str) -> tuple[list[str], list[str]]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        slugs = [make_milestone(slug=f"lastziel-{n}").slug for n in range(MILESTONES)]
        emails = [make_account(f"buerger{n}@example.org", email_confirmed_at=utcnow()).email
                  for n in range(CITIZENS)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return emails, slugs


def write_load(base_url: str, email: str, slugs: list[str], number: int, stop: threading.Event,
               comments: list[str], votes: list[tuple[str, str]], errors: list[str]) -> None:
    """Comment and vote until the server dies; record what it answered with success."""
    http = requests.Session()
    try:
        if sign_in_http(http, base_url, email, PASSWORD).status_code != 303:
            errors.append(f"{email} could not sign in")
            return
        for round_ in range(len(slugs)):
            if stop.is_set():
                return
            slug = slugs[(number * 7 + round_) % len(slugs)]
            body = f"Lastkommentar {email} Nummer {round_}"
            form = http.get(f"{base_url}/etappenziele/{slug}/kommentieren", timeout=10)
            data = form_fields(form.text, f"/etappenziele/{slug}/kommentieren")
            data["body"] = body
            answer = http.post(f"{base_url}/etappenziele/{slug}/kommentieren", data=data,
                               allow_redirects=False, timeout=10)
            if answer.status_code in (302, 303):
                comments.append(body)
            page = http.get(f"{base_url}/etappenziele/{slug}", timeout=10)
            data = form_fields(page.text, f"/etappenziele/{slug}/unterstuetzen")
            answer = http.post(f"{base_url}/etappenziele/{slug}/unterstuetzen", data=data,
                               allow_redirects=False, timeout=10)
            if answer.status_code in (302, 303):
                votes.append((email, slug))
    except requests.RequestException:
        # The server was killed: this request has no answer and promises nothing.
        return
    except AssertionError as error:  # a form missing from a page the server did answer
        if not stop.is_set():
            errors.append(str(error))


def test_sigkill_during_write_load_keeps_every_answered_write(tmp_path):
    path = tmp_path / "crash.sqlite"
    emails, slugs = prepare(f"sqlite:///{path}")
    comments: list[str] = []
    votes: list[tuple[str, str]] = []
    errors: list[str] = []
    stop = threading.Event()
    env = {"DATABASE_URL": f"sqlite:///{path}", "RATELIMIT_ENABLED": "0", "GUNICORN_THREADS": "4"}
    with gunicorn_servers(tmp_path, env, count=1, workers=2) as (server,):
        threads = [
            threading.Thread(target=write_load, args=(server.url, email, slugs, number, stop, comments, votes, errors))
            for number, email in enumerate(emails)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        # Kill mid-load: after a few seconds of writes, once enough answers came back.
        time.sleep(LOAD_SECONDS)
        while len(comments) + len(votes) < MIN_ANSWERED_WRITES and time.monotonic() < deadline:
            time.sleep(0.2)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        server_log = server.log()

    assert not errors, errors
    assert len(comments) + len(votes) >= MIN_ANSWERED_WRITES, server_log
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored_comments = {row[0] for row in connection.execute("SELECT body FROM comment")}
        stored_votes = set(connection.execute(
            'SELECT u.email, m.slug FROM support_vote v JOIN "user" u ON u.id = v.user_id '
            "JOIN milestone m ON m.id = v.milestone_id"
        ).fetchall())
        # Each vote adds one to the milestone's counter in the same transaction.
        counters = dict(connection.execute("SELECT slug, support_count FROM milestone").fetchall())
    finally:
        connection.close()
    print(f"answered before the kill: {len(comments)} comments, {len(votes)} votes; "
          f"stored: {len(stored_comments)} comments, {len(stored_votes)} votes")
    assert set(comments) <= stored_comments, set(comments) - stored_comments
    assert set(votes) <= stored_votes, set(votes) - stored_votes
    for slug in slugs:
        assert counters[slug] == sum(1 for _, voted in stored_votes if voted == slug)
