"""Public comment counts equal the visible comments after every kind of action.

One milestone goes through approve, reject, spam, hide, restore, redact, block with pending
comments, auto-hide by flags, appeal, deletion by the author and an official answer from the
queue. After each step the anonymous milestone page is read: its count line, the comments it
shows with their text, Milestone.comment_count (the API and lists use it) and the published
rows in the database must all agree. Runs on PostgreSQL too under `make test-postgres`.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.moderation import administration
from app.models import Comment, CommentStatus, Milestone
from app.settings import set_setting
from app.moderation import answers
from app.moderation import appeals
from app.moderation import blocks
from app.moderation import decisions
from app.moderation import redaction
from app.participation.services import comments as participation_comments
from app.participation.services import flags as participation_flags
from tests.builders import make_admin, make_citizen, make_department, make_milestone, make_moderator

COUNT_LINE = re.compile(r'<p class="hint">(\d+) veröffentlichte[r]? Kommentare?</p>')
ARTICLE = re.compile(r'<article id="kommentar-\d+" class="([^"]*)"')


def visible_on_page(client, slug: str) -> tuple[int, int]:
    """(the number the count line states, the comments shown with their text) for an anonymous visitor."""
    html = client.get(f"/etappenziele/{slug}").get_data(as_text=True)
    counted = COUNT_LINE.search(html)
    assert counted, "no count line on the milestone page"
    shown = [classes for classes in ARTICLE.findall(html) if "comment-trace" not in classes.split()]
    return int(counted.group(1)), len(shown)


@pytest.mark.postgres
def test_counts_agree_after_every_kind_of_action(app, db):
    department = make_department()
    milestone = make_milestone("Radweg Nord", slug="radweg-nord", department=department)
    moderator, admin = make_moderator(), make_admin(departments=[department])
    anna, bert, carla, dora, emil = (make_citizen(display_name=name)
                                     for name in ("Anna", "Bert", "Carla", "Dora", "Emil"))
    flaggers = [make_citizen() for _ in range(3)]
    set_setting("moderation_mode", "post")
    db.session.commit()
    anonymous = app.test_client()
    steps: list[tuple[str, int]] = []

    def check(step: str) -> None:
        db.session.commit()  # the services flush; their views commit
        db.session.expire_all()
        published = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.milestone_id == milestone.id, Comment.status == CommentStatus.PUBLISHED.value))
        stored = db.session.get(Milestone, milestone.id).comment_count
        counted, shown = visible_on_page(anonymous, "radweg-nord")
        assert counted == shown == stored == published, (
            f"after {step}: count line {counted}, shown {shown}, stored {stored}, published {published}")
        steps.append((step, shown))

    def post(user, text, parent=None) -> Comment:
        return participation_comments.post_comment(user, db.session.get(Milestone, milestone.id), text, parent=parent)

    def decide(comment, action, **reason):
        db.session.expire_all()
        current = db.session.get(Comment, comment.id)
        decisions.decide(moderator, current.id, current.version, action, **reason)

    question = post(anna, "Wann wird der Radweg Nord beleuchtet?")
    check("a published comment")

    administration.set_milestone_mode(admin, milestone.id, "pre")
    waiting = post(bert, "Abends ist es dort sehr dunkel, Herr Müller aus Nr. 3 sagt das auch.")
    check("a comment waiting for approval")
    decide(waiting, "approve")
    check("approve")

    rejected = post(carla, "Alles Schlafmützen im Rathaus.")
    decide(rejected, "reject", reason_text="Beleidigung")
    check("reject")

    spam = post(dora, "Billige Uhren unter example.com")
    decide(spam, "spam")
    check("spam")

    reply = post(dora, "Ich sehe das genauso.", parent=question)
    decide(reply, "approve")
    check("approve a reply")
    decide(question, "hide", reason_text="Wird geprüft")
    check("hide (with a published reply)")
    decide(question, "restore")
    check("restore")

    db.session.expire_all()
    redaction.redact(moderator, waiting.id, db.session.get(Comment, waiting.id).version, ["Herr Müller aus Nr. 3"])
    check("redact")

    administration.set_milestone_mode(admin, milestone.id, None)  # post-moderation again
    post(emil, "Erster Kommentar von Emil.")
    administration.set_milestone_mode(admin, milestone.id, "pre")
    post(emil, "Wartender Kommentar von Emil.")
    post(emil, "Noch ein wartender Kommentar von Emil.")
    check("two more waiting")
    blocks.block_author(moderator, emil.id, "7", "Wiederholt beleidigend")
    check("block with pending comments")

    for flagger in flaggers:
        participation_flags.flag_comment(flagger, db.session.get(Comment, waiting.id), "insult")
    assert db.session.get(Comment, waiting.id).status == CommentStatus.HELD.value
    check("auto-hide after three flags")

    appeals.appeal(carla, rejected.id, "Das war Kritik, keine Beleidigung.")
    check("appeal filed")
    decide(rejected, "approve")
    check("appeal granted")

    participation_comments.delete_comment(dora, db.session.get(Comment, reply.id))
    check("delete by author")

    answers.answer(admin, question.id, "Die Beleuchtung kommt im Herbst.")
    check("official answer from the queue")

    # The walk really changed what is visible (a removal is not mistaken for "nothing changed").
    assert [shown for _, shown in steps] == [1, 1, 2, 2, 2, 3, 2, 3, 3, 4, 4, 3, 3, 4, 3, 4]
