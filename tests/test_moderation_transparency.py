"""The public transparency page: figures per month, removals by reason, answers per department."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from app.extensions import db
from app.moderation import transparency
from app.models import ModerationDecision, utcnow
from tests.builders import make_department, make_milestone, make_moderator
from tests.builders.comments import make_comment, make_reason_template

NOW = datetime(2025, 6, 15, 12, 0)


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2025, month, day, hour)


def decision(comment, action, before, after, when, reason="", moderator=None):
    db.session.add(ModerationDecision(
        comment_id=comment.id, subject_user_id=comment.author_id,
        moderator_id=moderator.id if moderator else None, moderator_label="Konto #1",
        action=action, reason=reason, status_before=before, status_after=after, created_at=when,
    ))


def build_history():
    """June and May 2025 with known figures."""
    moderator = make_moderator()
    make_reason_template("Beleidigung", "Bitte sachlich bleiben.")
    it, bauamt = make_department("IT-Abteilung"), make_department("Bauamt")
    milestone = make_milestone(department=it)
    june = [make_comment(milestone, created_at=at(6, 1, 8)) for _ in range(3)]
    may = make_comment(milestone, created_at=at(5, 10))
    old = make_comment(milestone, created_at=datetime(2024, 1, 5))  # outside the 12 months
    # Pre-moderated comments decided after 2 and 4 hours.
    waited = [make_comment(milestone, status="published", created_at=at(6, day, 10)) for day in (2, 3)]
    decision(waited[0], "approve", "pending", "published", at(6, 2, 12), moderator=moderator)
    decision(waited[1], "approve", "pending", "published", at(6, 3, 14), moderator=moderator)
    # Removals: two by the template "Beleidigung", one free text, one spam, one confirmation after an appeal.
    decision(june[0], "reject", "published", "rejected", at(6, 4), "Beleidigung: der dritte Satz", moderator)
    decision(june[1], "hide", "published", "hidden", at(6, 4), "Beleidigung", moderator)
    decision(june[2], "reject", "published", "rejected", at(6, 5), "Telefonnummer eines Nachbarn", moderator)
    decision(may, "spam", "pending", "spam", at(5, 11), "Spam", moderator)
    decision(june[0], "reject", "rejected", "rejected", at(6, 6), "Beleidigung", moderator)
    # Official answers: IT answers after 12 h (and a second time later), Bauamt after 24 h.
    question = make_comment(milestone, created_at=at(6, 1, 8))
    make_comment(milestone, parent=question, is_official=True, department_id=it.id, created_at=at(6, 1, 20))
    make_comment(milestone, parent=question, is_official=True, department_id=it.id, created_at=at(6, 3, 20))
    question2 = make_comment(milestone, created_at=at(5, 20, 8))
    make_comment(milestone, parent=question2, is_official=True, department_id=bauamt.id, created_at=at(5, 21, 8))
    db.session.commit()
    return old


def test_figures_per_month(app):
    build_history()
    figures = transparency.figures(NOW)

    assert len(figures.months) == 12 and figures.since == date(2024, 7, 1)
    june, may = figures.months[0], figures.months[1]
    assert june.month == date(2025, 6, 1) and may.month == date(2025, 5, 1)
    # Received: citizens' comments only (official answers are not "received").
    assert june.received == 3 + 2 + 1 and may.received == 1 + 1
    assert june.published == june.received  # the builder publishes at creation
    assert june.removed == 3 and may.removed == 1
    assert [(r.label, r.is_content, n) for r, n in june.removed_by_reason] == [
        ("Beleidigung", True, 2), ("Sonstige Gründe", False, 1)]
    assert [(r.label, n) for r, n in may.removed_by_reason] == [("Spam oder Werbung", 1)]
    assert june.decisions == 2 and june.median_decision == timedelta(hours=3)
    assert may.decisions == 1 and may.median_decision == timedelta(days=1)  # the spam was pending
    assert june.answers == 2 and may.answers == 1
    assert [(d.name, d.answers, d.median_answer) for d in figures.departments] == [
        ("Bauamt", 1, timedelta(hours=24)), ("IT-Abteilung", 2, timedelta(hours=12))]
    assert [(r.label, n) for r, n in figures.reasons][0] == ("Beleidigung", 2)


def test_free_text_reasons_are_never_public(app, client, monkeypatch):
    build_history()
    monkeypatch.setattr(transparency, "utcnow", lambda: NOW)
    html = client.get("/transparenz").get_data(as_text=True)
    assert "Juni 2025" in html and "Beleidigung" in html and "Sonstige Gründe" in html
    assert "Telefonnummer eines Nachbarn" not in html and "der dritte Satz" not in html


def test_page_is_cookie_free_in_both_languages_and_marks_german_content(app, client):
    milestone = make_milestone()
    question = make_comment(milestone, created_at=utcnow() - timedelta(hours=3))
    make_comment(milestone, parent=question, is_official=True, department_id=make_department("IT-Abteilung").id)
    db.session.commit()
    german = client.get("/transparenz")
    english = client.get("/en/transparenz")
    assert german.status_code == english.status_code == 200
    assert "Set-Cookie" not in german.headers and "Set-Cookie" not in english.headers
    html = english.get_data(as_text=True)
    assert '<th scope="row" lang="de">IT-Abteilung</th>' in html


def test_empty_site(app, client):
    response = client.get("/transparenz")
    assert response.status_code == 200
    assert "noch keine Kommentare eingegangen" in response.get_data(as_text=True)


def test_duration_words(app):
    with app.test_request_context("/"):
        assert transparency.duration(None) == "–"
        assert transparency.duration(timedelta(seconds=20)) == "unter einer Minute"
        assert transparency.duration(timedelta(hours=3)) == "3 Stunden"


def test_month_start():
    assert transparency.month_start(date(2025, 1, 31), 1) == date(2024, 12, 1)
    assert transparency.month_start(date(2025, 3, 3), 14) == date(2024, 1, 1)
