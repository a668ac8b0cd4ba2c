"""Signed-in sessions for the write benchmarks, made with the app's own session interface.

Each line of the request file the wrk script replays is one POST of a different account:
the signed session cookie (Flask-Login's user id and session identifier, the CSRF secret),
the CSRF token made from it, and for comments the signed form start time.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.extensions import db
from app.models import Milestone, SupportVote, User
from app.participation.forms import new_form_stamp

USER_AGENT = "etappen-bench"
COMMENT_TEXT = "Wie ist der aktuelle Stand? Ich würde mich über einen kurzen Bericht freuen."


def _cookies(app: Flask, user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """user id -> (session cookie value, CSRF token), as if each account had signed in."""
    serializer = app.session_interface.get_signing_serializer(app)
    made = {}
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))).all()
    for user in users:
        with app.test_request_context(
            "/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}
        ):
            session.clear()
            # The app context (and its g) outlives this request context: no token from before.
            g.pop("csrf_token", None)
            login_user(user)
            token = generate_csrf()
            made[user.id] = (serializer.dumps(dict(session)), token)
    return made


def vote_requests(app: Flask, user_ids: list[int], slugs_by_id: dict[int, str], count: int) -> list[str]:
    """`count` support votes, each an account/milestone pair that has no vote yet."""
    with app.app_context():
        voted = set(db.session.execute(
            select(SupportVote.user_id, SupportVote.milestone_id).where(SupportVote.user_id.in_(user_ids))
        ).tuples().all())
        cookies = _cookies(app, user_ids)
        milestone_ids = sorted(slugs_by_id)
        lines = []
        round_ = 0
        while len(lines) < count and round_ < len(milestone_ids):
            for n, user_id in enumerate(user_ids):
                milestone_id = milestone_ids[(n + round_) % len(milestone_ids)]
                if (user_id, milestone_id) in voted:
                    continue
                cookie, token = cookies[user_id]
                lines.append("\t".join((
                    f"/etappenziele/{slugs_by_id[milestone_id]}/unterstuetzen",
                    urlencode({"csrf_token": token}),
                    f"session={cookie}",
                )))
                if len(lines) == count:
                    break
            round_ += 1
        return lines


def comment_requests(app: Flask, user_ids: list[int], slugs: list[str], count: int) -> list[str]:
    """`count` new comments, account and milestone changing with every request."""
    with app.app_context():
        cookies = _cookies(app, user_ids)
        with app.test_request_context("/"):
            stamp = new_form_stamp()
        lines = []
        for n in range(count):
            user_id = user_ids[n % len(user_ids)]
            cookie, token = cookies[user_id]
            body = urlencode({
                "csrf_token": token, "form_started": stamp, "website": "",
                "body": f"{COMMENT_TEXT} ({n})",
            })
            lines.append("\t".join((f"/etappenziele/{slugs[n % len(slugs)]}/kommentieren", body,
                                    f"session={cookie}")))
        return lines


def published_slugs(app: Flask) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(
            select(Milestone.id, Milestone.slug).where(Milestone.published.is_(True), Milestone.comments_closed.is_(False))
        ).tuples().all())
