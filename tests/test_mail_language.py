"""Mails are written in the recipient's language, the plain-text templates included."""
from __future__ import annotations

from app.comments.notifications import AuthorEvent, notify_comment_author
from app.extensions import db
from tests.builders import make_citizen, make_department, make_editor, make_milestone
from tests.builders.comments import make_comment


def _thread():
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto", department=department)
    author = make_citizen(email="author@example.org", display_name="Ann Author")
    editor = make_editor(department, email="redaktion@example.org")
    question = make_comment(milestone, author, "Wann ist es so weit?")
    answer = make_comment(milestone, editor, "Im Frühjahr.", parent=question, is_official=True,
                          department_id=department.id)
    db.session.commit()
    return author, question, answer


def test_an_english_author_gets_the_official_answer_mail_in_english(db):
    author, question, answer = _thread()
    author.locale = "en"
    db.session.commit()
    mail = notify_comment_author(question, AuthorEvent.OFFICIAL_ANSWER, reply=answer)
    assert mail.subject == "The administration has answered your comment"
    assert "Hello Ann Author," in mail.body_text
    assert "The administration (Bürgeramt) has answered your comment on the milestone" in mail.body_text
    assert "Go to the discussion:" in mail.body_text
    for german in ("Guten Tag", "Zum Gespräch", "Verwaltung", "automatisch erstellt"):
        assert german not in mail.body_text
    # The quoted texts stay as written.
    assert "> Im Frühjahr." in mail.body_text


def test_a_german_author_gets_it_in_german(db):
    _, question, answer = _thread()
    mail = notify_comment_author(question, AuthorEvent.OFFICIAL_ANSWER, reply=answer)
    assert "Guten Tag Ann Author," in mail.body_text
    assert "Zum Gespräch:" in mail.body_text
