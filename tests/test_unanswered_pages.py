"""The backend list of comments waiting for an answer goes on over pages, counts stay whole."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AnswerStatus, Comment, CommentStatus, OutboxMail, utcnow
from app.participation.routes import UNANSWERED_PER_PAGE
from app.moderation import decisions
from app.participation.services import comments
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders.comments import make_comment


def rows(html: str) -> list[str]:
    return re.findall(r"Frage (\w+ \d+)", html)


def test_long_list_is_paginated_oldest_first_with_whole_counts(auth, client, db, count_queries):
    amt_a = make_department(name="Amt A")
    amt_b = make_department(name="Amt B")
    first = make_milestone(title="Erstes Ziel", department=amt_a)
    second = make_milestone(title="Zweites Ziel", department=amt_b)
    citizen = make_citizen()
    now = utcnow()
    extra = 7
    for n in range(UNANSWERED_PER_PAGE + extra):
        make_comment(first, citizen, f"Frage A {n:03d}", created_at=now - timedelta(hours=1000 - n))
    make_comment(second, citizen, "Frage B 001")
    auth.as_role("admin")

    page_one = client.get("/verwaltung/unbeantwortet").get_data(as_text=True)
    assert f"{UNANSWERED_PER_PAGE + extra + 1} Kommentare warten auf eine Antwort." in page_one
    assert rows(page_one) == [f"A {n:03d}" for n in range(UNANSWERED_PER_PAGE)]  # oldest first
    assert f"{UNANSWERED_PER_PAGE + extra} unbeantwortete Kommentare" in page_one
    assert 'rel="next"' in page_one

    page_two = client.get("/verwaltung/unbeantwortet?page=2").get_data(as_text=True)
    assert rows(page_two) == [f"A {n:03d}" for n in range(UNANSWERED_PER_PAGE, UNANSWERED_PER_PAGE + extra)] + ["B 001"]
    assert "Amt A" in page_two and "Amt B" in page_two

    # Past the end: a notice and a way back, never a 500.
    beyond = client.get("/verwaltung/unbeantwortet?page=99")
    assert beyond.status_code == 200 and "Zur ersten Seite" in beyond.get_data(as_text=True)
    assert client.get("/verwaltung/unbeantwortet?page=abc").status_code == 200

    # The query count of a page does not grow with the list.
    with count_queries() as counter:
        client.get("/verwaltung/unbeantwortet")
    few = counter.count
    for n in range(30):
        make_comment(second, citizen, f"Frage B {n + 2:03d}")
    db.session.commit()
    with count_queries() as counter:
        client.get("/verwaltung/unbeantwortet")
    assert counter.count == few


# --- the answer loop: a follow-up after the official answer waits again (issue 13, item 3) -------


def _answered_thread():
    amt = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Bürgerkonto", department=amt)
    citizen = make_citizen()
    editor = make_editor(amt)
    admin = make_admin()
    db.session.commit()
    question = comments.post_comment(citizen, milestone, "Frage Q 001: Wann kommt das Konto?")
    comments.post_comment(editor, milestone, "Im Frühjahr.", parent=question)
    return milestone, question, citizen, editor, admin


def test_follow_up_to_an_official_answer_puts_the_question_back_on_the_list(auth, client, db):
    milestone, question, citizen, editor, admin = _answered_thread()
    db.session.expire_all()
    assert db.session.get(Comment, question.id).answer_status == AnswerStatus.ANSWERED
    auth.sign_in(admin)
    assert rows(client.get("/verwaltung/unbeantwortet").get_data(as_text=True)) == []

    mails_before = db.session.scalar(select(func.count(OutboxMail.id)))
    comments.post_comment(citizen, milestone, "Und wann genau im Frühjahr?", parent=db.session.get(Comment, question.id))
    assert db.session.scalar(select(func.count(OutboxMail.id))) > mails_before  # the department hears of it

    db.session.expire_all()
    reopened = db.session.get(Comment, question.id)
    assert reopened.answer_status == AnswerStatus.OPEN and reopened.answered_at is None
    assert rows(client.get("/verwaltung/unbeantwortet").get_data(as_text=True)) == ["Q 001"]

    # The next official answer takes it off the list again.
    comments.post_comment(editor, milestone, "Im April.", parent=reopened)
    db.session.expire_all()
    assert db.session.get(Comment, question.id).answer_status == AnswerStatus.ANSWERED
    assert rows(client.get("/verwaltung/unbeantwortet").get_data(as_text=True)) == []


def test_staff_replies_and_not_needed_threads_stay_off_the_list(db):
    milestone, question, citizen, editor, admin = _answered_thread()
    comments.post_comment(admin, milestone, "Ergänzung der Administration.", parent=db.session.get(Comment, question.id))
    db.session.expire_all()
    assert db.session.get(Comment, question.id).answer_status == AnswerStatus.ANSWERED

    thanks = comments.post_comment(citizen, milestone, "Frage Q 002: Nur ein Dank.")
    comments.mark_no_answer_needed(editor, thanks)
    db.session.commit()
    comments.post_comment(citizen, milestone, "Noch ein Dank.", parent=db.session.get(Comment, thanks.id))
    db.session.expire_all()
    assert db.session.get(Comment, thanks.id).answer_status == AnswerStatus.NOT_NEEDED


def test_follow_up_waiting_for_pre_moderation_reopens_when_published(db):
    milestone, question, citizen, editor, admin = _answered_thread()
    moderator = make_moderator()
    milestone.moderation_mode = "pre"
    db.session.commit()
    follow_up = comments.post_comment(citizen, milestone, "Rückfrage", parent=db.session.get(Comment, question.id))
    db.session.expire_all()
    assert db.session.get(Comment, follow_up.id).status == CommentStatus.PENDING
    assert db.session.get(Comment, question.id).answer_status == AnswerStatus.ANSWERED  # not yet public

    decisions.decide(moderator, follow_up.id, None, "approve")
    db.session.expire_all()
    assert db.session.get(Comment, question.id).answer_status == AnswerStatus.OPEN
