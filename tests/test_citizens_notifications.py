"""notify_comment_author: replies, official answers and moderation decisions, per profile switch."""
from __future__ import annotations

import pytest

from app.comments.notifications import AuthorEvent, notify_comment_author
from app.extensions import db
from app.models import CommentStatus, utcnow
from tests.builders import make_citizen, make_department, make_editor, make_milestone
from tests.builders.citizens import all_mails
from tests.builders.comments import make_comment


@pytest.fixture
def thread(db):
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto", department=department)
    author = make_citizen(email="autorin@example.org", display_name="Anna Autorin")
    other = make_citizen(email="other@example.org", display_name="Otto Anders")
    editor = make_editor(department, email="redaktion@example.org")
    question = make_comment(milestone, author, "Wann ist es so weit?")
    reply = make_comment(milestone, other, "Das frage ich mich auch.", parent=question)
    answer = make_comment(milestone, editor, "Im Frühjahr.", parent=question, is_official=True,
                          department_id=department.id)
    db.session.commit()
    return dict(milestone=milestone, author=author, other=other, question=question, reply=reply, answer=answer)


def test_a_reply_is_mailed_to_the_author_with_a_link_to_it(thread):
    mail = notify_comment_author(thread["question"], AuthorEvent.REPLY, reply=thread["reply"])
    assert mail.to_address == "autorin@example.org"
    assert mail.subject == "Neue Antwort auf Ihren Kommentar"
    assert "Otto Anders" in mail.body_text
    assert "> Das frage ich mich auch." in mail.body_text
    # The permalink: it leads to the page of the thread that shows the reply (test_participation_routes).
    assert f"http://localhost/kommentare/{thread['reply'].id}\n" in mail.body_text
    assert "http://localhost/konto/profil" in mail.body_text


def test_an_official_answer_names_the_department(thread):
    mail = notify_comment_author(thread["question"], "official_answer", reply=thread["answer"])
    assert mail.subject == "Die Verwaltung hat auf Ihren Kommentar geantwortet"
    assert "Verwaltung (Bürgeramt)" in mail.body_text
    assert "> Im Frühjahr." in mail.body_text


def test_english_authors_get_english_links(thread):
    thread["author"].locale = "en"
    db.session.commit()
    mail = notify_comment_author(thread["question"], AuthorEvent.REPLY, reply=thread["reply"])
    assert f"http://localhost/en/kommentare/{thread['reply'].id}\n" in mail.body_text
    assert "http://localhost/en/konto/profil" in mail.body_text


@pytest.mark.parametrize(("event", "switch"), [
    (AuthorEvent.REPLY, "notify_replies"),
    (AuthorEvent.OFFICIAL_ANSWER, "notify_answers"),
])
def test_each_kind_can_be_switched_off(thread, event, switch):
    setattr(thread["author"], switch, False)
    db.session.commit()
    reply = thread["reply"] if event == AuthorEvent.REPLY else thread["answer"]
    assert notify_comment_author(thread["question"], event, reply=reply) is None
    assert all_mails() == []
    # The other kind still arrives.
    other = AuthorEvent.OFFICIAL_ANSWER if event == AuthorEvent.REPLY else AuthorEvent.REPLY
    other_reply = thread["answer"] if other == AuthorEvent.OFFICIAL_ANSWER else thread["reply"]
    assert notify_comment_author(thread["question"], other, reply=other_reply) is not None


def test_nobody_is_told_about_their_own_or_an_unpublished_reply(thread):
    own = make_comment(thread["milestone"], thread["author"], "Nachtrag", parent=thread["question"])
    waiting = make_comment(thread["milestone"], thread["other"], "Wartet", parent=thread["question"],
                           status=CommentStatus.PENDING.value)
    db.session.commit()
    assert notify_comment_author(thread["question"], AuthorEvent.REPLY, reply=own) is None
    assert notify_comment_author(thread["question"], AuthorEvent.REPLY, reply=waiting) is None
    assert all_mails() == []


def test_a_reply_must_belong_to_the_comment(thread):
    with pytest.raises(TypeError):
        notify_comment_author(thread["reply"], AuthorEvent.REPLY, reply=thread["answer"])


def test_moderation_mails_use_the_callers_template_and_respect_the_switch(thread):
    mail = notify_comment_author(thread["question"], AuthorEvent.MODERATION, template="citizens_account_deleted",
                                 subject="Entscheidung der Moderation")
    assert mail.to_address == "autorin@example.org"
    assert mail.subject == "Entscheidung der Moderation"
    thread["author"].notify_moderation = False
    db.session.commit()
    assert notify_comment_author(thread["question"], AuthorEvent.MODERATION, template="citizens_account_deleted",
                                 subject="Entscheidung der Moderation") is None


def test_guests_hear_about_moderation_but_not_about_replies(thread):
    guest_comment = make_comment(thread["milestone"], None, "Gastbeitrag", guest_name="Gina",
                                 guest_email="gast@example.org", guest_confirmed_at=utcnow())
    reply = make_comment(thread["milestone"], thread["other"], "Antwort", parent=guest_comment)
    db.session.commit()
    assert notify_comment_author(guest_comment, AuthorEvent.REPLY, reply=reply) is None
    mail = notify_comment_author(guest_comment, AuthorEvent.MODERATION, template="citizens_account_deleted",
                                 subject="Entscheidung")
    assert mail.to_address == "gast@example.org"


def test_deactivated_accounts_get_no_mail(thread):
    thread["author"].active = False
    db.session.commit()
    assert notify_comment_author(thread["question"], AuthorEvent.REPLY, reply=thread["reply"]) is None
