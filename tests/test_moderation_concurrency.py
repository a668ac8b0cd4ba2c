"""Two moderators decide the same comment at the same moment, over real HTTP.

Both sign in through the login form, open the comment's moderation page (same version,
each with a CSRF token) and send their decisions released together by a barrier. Exactly
one decision is saved and logged; the other moderator gets the conflict message (409).
Runs on SQLite, and on PostgreSQL under `make test-postgres` (marker `postgres`).
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Comment, Milestone, ModerationDecision, Role
from tests.builders import make_milestone
from tests.builders.auth import make_account
from tests.builders.comments import make_comment
from tests.helpers.live import running_live_server
from tests.plugins.auth import sign_in_http

ROUNDS = 5
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def server(tmp_path, scratch_database_url):
    with running_live_server(tmp_path, SQLALCHEMY_DATABASE_URI=scratch_database_url) as live:
        yield live
        exceptions = list(live.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


def moderator_session(server, email: str) -> requests.Session:
    """A requests session signed in through the form, that may open the moderation queue."""
    session = requests.Session()
    response = sign_in_http(session, server.url, email)
    assert response.ok
    assert session.get(server.url_for("moderation.queue"), allow_redirects=False, timeout=30).status_code == 200
    return session


def form_values(session: requests.Session, url: str) -> dict:
    page = session.get(url, timeout=30)
    assert page.status_code == 200
    return {"csrf_token": CSRF.search(page.text).group(1), "version": VERSION.search(page.text).group(1)}


@pytest.mark.postgres
def test_two_moderators_decide_at_once(server):
    with server.app.app_context():
        make_account(email="mona@example.org", roles=(Role.MODERATOR,))
        make_account(email="otto@example.org", roles=(Role.MODERATOR,))
        milestone = make_milestone()
        ids = [make_comment(milestone, status="pending").id for _ in range(ROUNDS)]
        db.session.commit()
        milestone_id = milestone.id
    mona, otto = moderator_session(server, "mona@example.org"), moderator_session(server, "otto@example.org")

    for comment_id in ids:
        page = server.url_for("moderation.item", comment_id=comment_id)
        action = server.url_for("moderation.decide", comment_id=comment_id)
        forms = {"mona": form_values(mona, page), "otto": form_values(otto, page)}
        assert forms["mona"]["version"] == forms["otto"]["version"]
        barrier = threading.Barrier(2)

        def send(session, data):
            barrier.wait(timeout=30)
            return session.post(action, data=data, allow_redirects=False, timeout=60)

        with ThreadPoolExecutor(max_workers=2) as pool:
            approve = pool.submit(send, mona, {**forms["mona"], "action": "approve"})
            reject = pool.submit(send, otto, {**forms["otto"], "action": "reject", "reason": "Beleidigung"})
            responses = [approve.result(), reject.result()]

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [302, 409], statuses
        loser = next(r for r in responses if r.status_code == 409)
        assert "Entscheidung nicht gespeichert" in loser.text and "inzwischen bearbeitet" in loser.text
        with server.app.app_context():
            logged = db.session.scalars(
                select(ModerationDecision).where(ModerationDecision.comment_id == comment_id)).all()
            assert len(logged) == 1
            comment = db.session.get(Comment, comment_id)
            winner = "approve" if responses[0].status_code == 302 else "reject"
            assert logged[0].action == winner
            assert comment.status == ("published" if winner == "approve" else "rejected")
            assert comment.version == int(forms["mona"]["version"]) + 1

    with server.app.app_context():
        published = db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.status == "published"))
        assert db.session.get(Milestone, milestone_id).comment_count == published
