"""Sending the same comment form twice, or ten times at once, stores one comment; a repeat gets
the same answer as the first sending (a redirect to the comment), never a 500."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db as _db
from app.models import Comment, OutboxMail
from app.participation.forms import new_form_id, new_form_stamp
from app.settings import set_setting
from app.participation.services import comments
from config import TestingConfig
from tests.builders import make_citizen, make_milestone
from tests.builders.comments import make_comment
from tests.conftest import FreshContextClient


@pytest.fixture
def scene(db):
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto")
    citizen = make_citizen(display_name="Clara")
    parent = make_comment(milestone, make_citizen(display_name="Paul"), "Eine Frage.")
    set_setting("guest_comments", True)
    db.session.commit()
    return milestone, citizen, parent


def count(model=Comment) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def form_fields(client, path: str) -> dict:
    """The hidden fields of the form page, as a browser would send them back."""
    page = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="(form_id|form_started)" type="hidden" value="([^"]*)"', page))
    fields.update(re.findall(r'<input id="(form_id|form_started)" name="\1" type="hidden" value="([^"]*)"', page))
    assert "form_id" in fields, page
    return {**fields, "website": ""}


@pytest.mark.parametrize("page", ["comment", "reply"])
def test_the_same_form_sent_twice_stores_one_comment(auth, client, scene, page):
    milestone, citizen, parent = scene
    auth.sign_in(citizen)
    path = "/etappenziele/buergerkonto/kommentieren" if page == "comment" else f"/kommentare/{parent.id}/antworten"
    data = {**form_fields(client, path), "body": "Wann geht es los?"}
    before = count()
    first, second = client.post(path, data=data), client.post(path, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count() == before + 1
    comment = _db.session.scalar(select(Comment).order_by(Comment.id.desc()))
    assert f"#kommentar-{comment.id}" in first.headers["Location"]
    # A new form page has a new id: the next comment is stored.
    assert client.post(path, data={**form_fields(client, path), "body": "Noch etwas."}).status_code == 303
    assert count() == before + 2


def test_the_same_guest_form_sent_twice_stores_one_comment_and_one_mail(client, scene):
    path = "/etappenziele/buergerkonto/gastkommentar"
    data = {**form_fields(client, path), "name": "Gerda", "email": "gerda@example.org", "body": "Hallo"}
    before = count()
    first, second = client.post(path, data=data), client.post(path, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count() == before + 1
    assert count(OutboxMail) == 1


def test_a_forged_form_id_counts_as_none(auth, client, scene):
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    path = "/etappenziele/buergerkonto/kommentieren"
    data = {"form_id": "f" * 32, "form_started": new_form_stamp(), "website": "", "body": "Text"}
    assert client.post(path, data=data).status_code == 303
    assert _db.session.scalar(select(Comment).order_by(Comment.id.desc())).form_id is None


def test_a_parallel_sending_that_lost_the_race_returns_the_first_comment(app, scene, monkeypatch):
    """The unique key decides when both sendings passed the look-up before either was stored."""
    milestone, citizen, _ = scene
    form_id = "a" * 32
    first = comments.post_comment(citizen, milestone, "Erster", form_id=form_id)
    _db.session.commit()  # the first sending's view commits
    monkeypatch.setattr(comments, "earlier_submission", _only_after_first_call(comments.earlier_submission))
    again = comments.post_comment(citizen, milestone, "Erster", form_id=form_id)
    assert again.id == first.id
    assert count() == 2  # the scene's comment and this one


def _only_after_first_call(look_up):
    calls = []

    def patched(*args):
        calls.append(args)
        return None if len(calls) == 1 else look_up(*args)

    return patched


@pytest.fixture
def file_app(tmp_path):
    """An app on a SQLite file, so that parallel requests have connections of their own."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'parallel.sqlite'}")
    app.test_client_class = FreshContextClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.parametrize("guest", [False, True])
def test_ten_parallel_sendings_store_one_comment(file_app, guest):
    with file_app.app_context():
        make_milestone(title="Online-Bürgerkonto", slug="buergerkonto")
        citizen = make_citizen(display_name="Clara")
        set_setting("guest_comments", True)
        _db.session.commit()
        session_id = citizen.get_id()
        data = {"form_id": new_form_id(), "form_started": new_form_stamp(), "website": "", "body": "Zehnmal"}
    if guest:
        path, data = "/etappenziele/buergerkonto/gastkommentar", {**data, "name": "Gerda", "email": "g@example.org"}
    else:
        path = "/etappenziele/buergerkonto/kommentieren"
    barrier = threading.Barrier(10)
    answers: list = []

    def send():
        client = file_app.test_client()
        if not guest:
            with client.session_transaction() as session:
                session["_user_id"] = session_id
        barrier.wait()
        response = client.post(path, data=data)
        answers.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 10 and len(set(answers)) == 1 and answers[0][0] == 303, answers
    with file_app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Comment)) == 1
