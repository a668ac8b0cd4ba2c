"""XSS: the participation corpus (tests/data/xss) shown in the moderation queue, on a comment's
moderation page, in the moderation log and in its CSV export stays inert.

Pages are parsed with lxml and with Python's html.parser and checked element by element:
no script-like element, no event-handler attribute, no javascript:/vbscript:/data: URL.
Each check also counts that every payload was rendered, so it cannot pass on an empty page.
CSV cells never start with a character a spreadsheet runs as a formula.
"""
from __future__ import annotations

import csv
import io
import re

import lxml.html
import pytest

from app.extensions import db
from app.models import Comment, Flag, ModerationDecision, User
from app.sanitize import plain_text_to_html
from app.csvformat import restore
from app.moderation import redaction as moderation_redaction
from tests.builders import make_admin, make_milestone
from tests.data.xss import load_payloads
from tests.helpers.xss import assert_inert

FORMULA_START = re.compile(r"[=+\-@ \t\r\n＝＋－＠\u3000\xa0]")


@pytest.fixture
def scene(app):
    """Every payload as a waiting comment body, a flag text, a display name, a reason and an appeal."""
    app.config["PER_PAGE"] = 5000
    payloads = load_payloads()
    admin = make_admin(display_name="Ada Admin")
    milestone = make_milestone()
    authors = [User(email=f"xss{index}@example.org", display_name=payload[:100] or "leer")
               for index, payload in enumerate(payloads)]
    db.session.add_all(authors)
    db.session.flush()
    comments = [
        Comment(milestone_id=milestone.id, author_id=author.id, body=payload or "leer",
                body_html=plain_text_to_html(payload or "leer"), status="pending" if index % 2 else "held")
        for index, (author, payload) in enumerate(zip(authors, payloads))
    ]
    db.session.add_all(comments)
    db.session.flush()
    for index, (comment, payload) in enumerate(zip(comments, payloads)):
        if comment.status == "held":
            db.session.add(Flag(comment_id=comment.id, user_id=admin.id, reason="other", text=payload[:1000]))
        db.session.add(ModerationDecision(
            comment_id=comment.id, subject_user_id=comment.author_id, moderator_id=admin.id,
            moderator_label=f"Konto #{admin.id}", action="appeal" if index % 3 == 0 else "reject",
            reason=payload, status_before="published", status_after="rejected"))
    db.session.commit()
    return admin, payloads, comments


def test_corpus_is_the_participation_corpus():
    payloads = load_payloads()
    assert len(payloads) >= 300
    assert any("<script" in p.lower() for p in payloads) and any("javascript:" in p.lower() for p in payloads)


def test_queue_renders_every_payload_inert(auth, app, scene):
    admin, payloads, _ = scene
    client = app.test_client()
    auth.sign_in(admin, client=client)
    html = client.get("/verwaltung/moderation").get_data(as_text=True)
    document = lxml.html.document_fromstring(html)
    assert len(document.xpath('//ol[@class="queue"]/li')) == len(payloads)
    assert len(document.xpath('//ol[@class="queue"]//div[@class="comment-text"]')) == len(payloads)
    assert_inert(html)


def test_item_pages_render_payloads_inert(auth, app, scene):
    admin, payloads, comments = scene
    client = app.test_client()
    auth.sign_in(admin, client=client)
    # A sample across all files of the corpus, with history, flags and decisions of the author.
    for comment in comments[:: max(1, len(comments) // 40)]:
        html = client.get(f"/verwaltung/moderation/kommentare/{comment.id}").get_data(as_text=True)
        assert lxml.html.document_fromstring(html).xpath('//pre[@class="original"]')
        assert_inert(html)


def test_log_and_csv_export_inert(auth, app, scene):
    admin, payloads, comments = scene
    # A redaction keeps a payload as the original text in the log.
    victim = comments[1]
    db.session.refresh(victim)
    moderation_redaction.redact(admin, victim.id, victim.version, [victim.body])
    client = app.test_client()
    auth.sign_in(admin, client=client)

    html = client.get("/verwaltung/moderation/protokoll").get_data(as_text=True)
    rows = lxml.html.document_fromstring(html).xpath('//table[@class="moderation-log"]/tbody/tr')
    assert len(rows) == len(payloads) + 1
    assert_inert(html)

    response = client.get("/verwaltung/moderation/protokoll.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert len(table) == len(payloads) + 2  # header, redaction, one row per payload
    reasons = [row[-1] for row in table[1:]]
    # Every reason is in the file, exactly as stored once the export's apostrophe is removed.
    assert sorted(restore(reason) for reason in reasons[1:]) == sorted(payloads)
    for row in table:
        for cell in row:
            assert not FORMULA_START.match(cell), f"formula-like CSV cell: {cell!r}"
