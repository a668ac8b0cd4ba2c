"""The backend list of comments waiting for an answer goes on over pages, counts stay whole."""
from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db
from app.models import utcnow
from app.participation.routes import UNANSWERED_PER_PAGE
from tests.builders import make_department, make_milestone
from tests.builders_participation import make_admin, make_citizen, make_comment, sign_in


def rows(html: str) -> list[str]:
    return re.findall(r"Frage (\w+ \d+)", html)


def test_long_list_is_paginated_oldest_first_with_whole_counts(client, db, count_queries):
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
    admin = make_admin()
    db.session.commit()
    sign_in(client, admin)

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
