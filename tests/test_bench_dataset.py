"""The benchmark's dataset generator (bench/dataset.py) at a tiny scale, into SQLite.

The schema comes from the migrations (as in `make bench`), the demo data from the loader,
the rest from the bulk generator: every counter kept in a row must equal the rows it counts,
and the pages the benchmark measures must be served from that data.
"""
from __future__ import annotations

import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.demo import loader as demo
from app.extensions import db
from app.models import Comment, CommentRating, Milestone, SupportVote, User
from bench import dataset, sessions
from config import TestingConfig

SCALE = 0.002


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "large.sqlite"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade(directory="migrations")
        demo.load()
        demo.create_accounts("admin@bench.example.org")
        db.session.commit()
    report = dataset.generate(app, scale=SCALE, log=lambda message: None)
    yield app, report
    with app.app_context():
        db.engine.dispose()


def test_counters_equal_the_rows(bench_app):
    app, report = bench_app
    assert dataset.check_counters(app) == []
    with app.app_context():
        busiest = db.session.scalar(select(Milestone).where(Milestone.slug == report.busiest_milestone_slug))
        published = db.session.scalar(select(func.count(Comment.id)).where(
            Comment.milestone_id == busiest.id, Comment.status == "published"))
        votes = db.session.scalar(select(func.count(SupportVote.id)).where(SupportVote.milestone_id == busiest.id))
        assert busiest.comment_count == published > 0
        assert busiest.support_count == votes > 0


def test_the_counter_check_finds_a_wrong_counter(bench_app):
    app, report = bench_app
    with app.app_context():
        milestone = db.session.scalar(select(Milestone).where(Milestone.slug == report.busiest_milestone_slug))
        milestone.support_count += 1
        db.session.commit()
        try:
            assert dataset.check_counters(app) == ["Milestone.support_count: 1 rows differ"]
        finally:
            milestone.support_count -= 1
            db.session.commit()


def test_the_mix_is_realistic_and_votes_are_unique(bench_app):
    app, report = bench_app
    with app.app_context():
        statuses = dict(db.session.execute(
            select(Comment.status, func.count(Comment.id)).group_by(Comment.status)).all())
        assert statuses["published"] > 0.8 * sum(statuses.values())
        assert {"pending", "hidden", "deleted"} <= set(statuses)
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.parent_id.is_not(None))) > 0
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.is_official.is_(True))) > 0
        assert db.session.scalar(select(func.count(CommentRating.id))) > 0
        # Ratings never come from the comment's own author.
        assert db.session.scalar(
            select(func.count(CommentRating.id)).join(Comment, Comment.id == CommentRating.comment_id)
            .where(Comment.author_id == CommentRating.user_id)) == 0
        assert db.session.scalar(select(func.count(User.id))) >= round(dataset.FULL["accounts"] * SCALE)


def test_the_app_serves_the_measured_pages(bench_app):
    app, report = bench_app
    client = app.test_client()
    for path in ("/", "/etappenziele", f"/etappenziele/{report.busiest_milestone_slug}",
                 "/feeds/fortschritt.atom", "/api/v1/milestones"):
        assert client.get(path).status_code == 200, path
    feed = client.get("/feeds/fortschritt.atom")
    again = client.get("/feeds/fortschritt.atom", headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 304


def test_prebuilt_sessions_vote_as_different_accounts(bench_app):
    app, report = bench_app
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        slugs = sessions.published_slugs(app)
        lines = sessions.vote_requests(app, report.citizen_ids[:3], slugs, 3)
        client = app.test_client()
        with app.app_context():
            before = db.session.scalar(select(func.count(SupportVote.id)))
        for line in lines:
            path, body, cookie = line.split("\t")
            # The test client sends only the cookies of its own jar.
            client.set_cookie(*cookie.split("=", 1))
            answer = client.post(path, data=body, headers={
                "User-Agent": sessions.USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"})
            assert answer.status_code == 303, re.sub(r"<[^>]+>|\s+", " ", answer.get_data(as_text=True))[-1500:]
        with app.app_context():
            assert db.session.scalar(select(func.count(SupportVote.id))) == before + 3
        assert dataset.check_counters(app) == []
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
