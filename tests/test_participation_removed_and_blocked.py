"""What the review found: removed comments must not leak through the reply and flag pages, and a
blocked author must not get round the block by writing as a guest."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.citizens.services import keep_address_blocked
from app.extensions import db as _db
from app.models import Comment, CommentRating, CommentStatus, Flag, OutboxMail, UserBlock, utcnow
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from tests.builders import make_citizen, make_department, make_milestone
from tests.builders.comments import make_comment
from tests.helpers.pages import heading

SECRET = "Geheimer Text, den die Moderation entfernt hat"
NOT_SHOWN = [status.value for status in CommentStatus if status != CommentStatus.PUBLISHED]


@pytest.fixture
def scene(db):
    milestone = make_milestone(title="Digitales Bürgerkonto", department=make_department(name="Bürgeramt"))
    author = make_citizen(display_name="Verena Verfasserin")
    reader = make_citizen(display_name="Lena Leserin")
    db.session.commit()
    return milestone, author, reader


def without_token(html: str) -> str:
    """The page without its CSRF token (signed with the time, so two answers may differ in it)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


PAGES = {
    # page: (the forms posted, what must not be stored)
    "antworten": ([{}, {"body": ""}, {"body": "Antwort", "form_started": "kaputt"}], Comment),
    "melden": ([{}, {"reason": "other"}, {"reason": "spam", "text": "x" * 5000}], Flag),
}


@pytest.mark.parametrize("status", NOT_SHOWN)
@pytest.mark.parametrize("page", list(PAGES))
def test_reply_and_flag_pages_answer_a_comment_that_is_not_shown_like_a_missing_one(auth, client, scene, status, page):
    """Issue 14 (L5): was 400 naming the milestone, which told a hidden comment from a missing one."""
    forms, model = PAGES[page]
    milestone, author, reader = scene
    comment = make_comment(milestone, author, SECRET, status=status)
    _db.session.commit()
    stored = count(model)
    auth.sign_in(reader)
    missing_id = comment.id + 1000
    for method, form in (("GET", None), *(("POST", form) for form in forms)):
        answers = [
            client.open(f"/kommentare/{id_}/{page}", method=method, data=form)
            for id_ in (comment.id, missing_id)
        ]
        assert [response.status_code for response in answers] == [404, 404], method
        shown, missing = (without_token(response.get_data(as_text=True)) for response in answers)
        assert shown == missing.replace(f"/kommentare/{missing_id}/", f"/kommentare/{comment.id}/")
        assert SECRET not in shown and "Verena Verfasserin" not in shown and milestone.title not in shown
    assert count(model) == stored


@pytest.mark.parametrize("status", NOT_SHOWN)
def test_rating_a_comment_that_is_not_shown_answers_like_a_missing_one(auth, client, scene, status):
    milestone, author, reader = scene
    comment = make_comment(milestone, author, SECRET, status=status)
    _db.session.commit()
    auth.sign_in(reader)
    missing_id = comment.id + 1000
    answers = [client.post(f"/kommentare/{id_}/bewerten", data={"rating": "helpful"}) for id_ in (comment.id, missing_id)]
    assert [response.status_code for response in answers] == [404, 404]
    shown, missing = (without_token(response.get_data(as_text=True)) for response in answers)
    assert shown == missing.replace(f"/kommentare/{missing_id}/", f"/kommentare/{comment.id}/")
    assert milestone.title not in shown and count(CommentRating) == 0


def test_a_failed_post_still_quotes_a_published_comment(auth, client, scene):
    """The fix refuses removed comments only: a published one is quoted with the form's message."""
    milestone, author, reader = scene
    comment = make_comment(milestone, author, "Öffentlich sichtbar")
    _db.session.commit()
    auth.sign_in(reader)
    response = client.post(f"/kommentare/{comment.id}/antworten", data={"body": "", "form_started": new_form_stamp()})
    assert response.status_code == 422
    assert "Öffentlich sichtbar" in response.get_data(as_text=True)


def post_as_guest(client, milestone, email: str):
    return client.post(f"/etappenziele/{milestone.slug}/gastkommentar", data={
        "name": "Gast", "email": email, "body": "Als Gast trotz Sperre", "form_started": new_form_stamp(),
    })


@pytest.mark.parametrize("until", [None, timedelta(days=7)])
def test_blocked_account_cannot_write_as_a_guest(client, scene, until):
    milestone, author, _ = scene
    set_setting("guest_comments", True)
    _db.session.add(UserBlock(user_id=author.id, reason="Beleidigungen",
                              until=utcnow() + until if until else None))
    _db.session.commit()
    response = post_as_guest(client, milestone, author.email.upper())
    # The same answer as for any guest: whether an address is blocked is nobody else's business.
    assert response.status_code == 303 and response.headers["Location"].endswith("/gastkommentar/gesendet")
    assert count(Comment) == 0
    mail = _db.session.scalar(select(OutboxMail))
    assert mail.to_address == author.email
    assert "nicht angenommen" in mail.subject and "/kommentare/bestaetigen/" not in mail.body_text
    assert ("dauerhaft" in mail.body_text) is (until is None)


def test_address_of_an_account_deleted_while_blocked_cannot_write_as_a_guest(client, scene):
    milestone, _, _ = scene
    set_setting("guest_comments", True)
    keep_address_blocked("geloescht@example.org", utcnow() + timedelta(days=30))
    _db.session.commit()
    assert post_as_guest(client, milestone, "geloescht@example.org").status_code == 303
    assert count(Comment) == 0
    assert "nicht angenommen" in _db.session.scalar(select(OutboxMail.subject))


def test_lifted_or_ended_block_lets_the_guest_write(client, scene):
    milestone, author, reader = scene
    set_setting("guest_comments", True)
    _db.session.add_all([UserBlock(user_id=author.id, reason="alt", lifted_at=utcnow()),
                         UserBlock(user_id=reader.id, reason="alt", until=utcnow() - timedelta(days=1))])
    _db.session.commit()
    for person in (author, reader):
        assert post_as_guest(client, milestone, person.email).status_code == 303
    assert count(Comment) == 2


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "zwei", "²"])
def test_unanswered_list_takes_any_page_number(auth, client, scene, page):
    milestone, author, _ = scene
    make_comment(milestone, author, "Wartet auf Antwort")
    auth.as_role("editor", milestone.department)
    response = client.get(f"/verwaltung/unbeantwortet?page={page}")
    assert response.status_code == 200
    assert heading(response) == "Unbeantwortete Kommentare"
