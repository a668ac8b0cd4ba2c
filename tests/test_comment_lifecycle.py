"""The comment lifecycle (app/comments): the may_* predicates, the status transitions and the
moderation log, tested directly; the buttons of the thread and the refusals of the services
ask the same predicates, so they agree for every kind of account."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.auth.permissions import PermissionDenied
from app.comments import lifecycle, permissions, publication
from app.comments.errors import AlreadyFlagged, AuthorBlocked, CommentsClosed, EditConflict, NotConfirmed, NotPossible
from app.models import AnswerStatus, CommentStatus, Flag, HoldPattern, Milestone, ModerationAction, ModerationDecision, UserBlock, utcnow
from app.participation import queries
from app.participation.services import comments, flags, votes
from app.settings import set_setting
from tests.builders import make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders.comments import make_comment

S = CommentStatus
APP = Path(__file__).resolve().parent.parent / "app"


def log_of(db, comment) -> list[ModerationDecision]:
    return list(db.session.scalars(
        select(ModerationDecision).where(ModerationDecision.comment_id == comment.id).order_by(ModerationDecision.id)))


@pytest.fixture
def scene(db):
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto")
    author = make_citizen(display_name="Anna")
    comment = make_comment(milestone, author, "Wann kommt das Konto?")
    db.session.commit()
    return {"milestone": milestone, "author": author, "comment": comment}


def account(db, kind: str, scene):
    """A viewer of the given kind; the author of the scene's comment for "author"."""
    if kind == "anonymous":
        return None
    if kind == "author":
        return scene["author"]
    user = make_citizen(confirmed=kind != "unconfirmed")
    if kind == "inactive":
        user.active = False
    if kind == "blocked":
        db.session.add(UserBlock(user_id=user.id, until=utcnow() + timedelta(days=7), reason="Beleidigungen"))
    db.session.commit()
    return user


KINDS = ["confirmed", "unconfirmed", "blocked", "inactive", "anonymous", "author"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_thread_buttons_and_the_service_refusals_agree(app, db, scene, kind):
    user = account(db, kind, scene)
    milestone, comment = scene["milestone"], scene["comment"]
    with app.test_request_context("/"):
        thread = queries.milestone_thread(milestone, user, MultiDict())
    standing = permissions.standing_on(user, milestone)
    assert thread.can_reply(comment) == permissions.may_reply(standing, comment)
    assert thread.can_rate(comment) == permissions.may_rate(standing, comment)
    assert thread.can_flag(comment) == permissions.may_flag(standing, comment)

    actions = {
        "reply": (thread.can_reply(comment), lambda: comments.post_comment(user, milestone, "Bald.", parent=comment)),
        "rate": (thread.can_rate(comment), lambda: votes.rate_comment(user, comment, True)),
        "flag": (thread.can_flag(comment), lambda: flags.flag_comment(user, comment, "insult")),
    }
    for name, (shown, run) in actions.items():
        try:
            run()
        except (PermissionDenied, NotConfirmed, AuthorBlocked, NotPossible) as refusal:
            assert not shown, f"{kind}: the {name} button is shown, but the service refused: {refusal!r}"
        else:
            assert shown, f"{kind}: the {name} button is hidden, but the service accepted"
        db.session.rollback()


@pytest.mark.parametrize("kind,expected", [
    ("confirmed", True), ("unconfirmed", False), ("blocked", False), ("inactive", False), ("anonymous", False),
])
def test_only_confirmed_active_unblocked_accounts_may_take_part(db, scene, kind, expected):
    user = account(db, kind, scene)
    standing = permissions.standing_on(user, scene["milestone"])
    assert permissions.signed_in_and_active(user) == (kind in ("confirmed", "unconfirmed", "blocked"))
    assert permissions.may_vote(standing) is expected
    assert permissions.may_comment(standing) is expected
    refusal = permissions.vote_refusal(standing)
    expected_refusal = {"unconfirmed": NotConfirmed, "blocked": AuthorBlocked,
                        "inactive": PermissionDenied, "anonymous": PermissionDenied}.get(kind)
    assert (refusal is None) if expected_refusal is None else isinstance(refusal, expected_refusal)


def test_a_blocked_account_is_told_until_when(db, scene):
    user = account(db, "blocked", scene)
    refusal = permissions.vote_refusal(permissions.standing_on(user, scene["milestone"]))
    assert isinstance(refusal, AuthorBlocked) and str(refusal).startswith("Ihr Konto ist bis ")
    with pytest.raises(AuthorBlocked):
        votes.support(user, scene["milestone"])


def test_own_and_unpublished_comments_cannot_be_rated_or_flagged(db, scene):
    other = account(db, "confirmed", scene)
    author_standing = permissions.voter_standing(scene["author"])
    assert "Eigene Kommentare" in str(permissions.rate_refusal(author_standing, scene["comment"]))
    waiting = make_comment(scene["milestone"], scene["author"], "Noch nicht frei.", status=S.PENDING.value)
    standing = permissions.voter_standing(other)
    assert not permissions.may_rate(standing, waiting) and not permissions.may_flag(standing, waiting)
    assert not permissions.may_reply(permissions.standing_on(other, scene["milestone"]), waiting)
    assert isinstance(permissions.flag_refusal(standing, scene["comment"], flagged=True), AlreadyFlagged)
    with pytest.raises(AlreadyFlagged):
        flags.flag_comment(other, scene["comment"], "insult")
        flags.flag_comment(other, scene["comment"], "insult")


def test_closed_comments_still_take_official_answers(db, scene):
    milestone = scene["milestone"]
    milestone.department = make_department("Bürgerservice")
    editor = make_editor(milestone.department)
    citizen = account(db, "confirmed", scene)
    milestone.comments_closed = True
    db.session.commit()
    assert isinstance(permissions.reply_refusal(permissions.standing_on(citizen, milestone), scene["comment"]),
                      CommentsClosed)
    assert permissions.may_reply(permissions.standing_on(editor, milestone), scene["comment"])
    answer = comments.post_comment(editor, milestone, "Das Konto kommt im Frühjahr.", parent=scene["comment"])
    assert answer.is_official


# --- transitions and the moderation log ---------------------------------------------------------


def test_a_decision_sets_the_status_answers_flags_logs_and_counts(db, scene):
    moderator = make_moderator()
    comment = make_comment(scene["milestone"], scene["author"], "Warte.", status=S.PENDING.value)
    db.session.add(Flag(comment_id=comment.id, user_id=moderator.id, reason="insult", text=""))
    db.session.commit()
    before = db.session.get(Milestone, scene["milestone"].id).comment_count

    decision = lifecycle.decide(moderator, comment, ModerationAction.APPROVE, S.PUBLISHED, "", EditConflict)

    assert comment.status == S.PUBLISHED.value and comment.published_at is not None
    assert (decision.status_before, decision.status_after, decision.moderator_id) == ("pending", "published", moderator.id)
    assert decision.subject_user_id == scene["author"].id
    assert db.session.scalar(select(Flag.resolved_at).where(Flag.comment_id == comment.id)) is not None
    db.session.expire_all()
    assert db.session.get(Milestone, scene["milestone"].id).comment_count == before + 1


def test_the_log_writes_the_system_and_authors_by_pseudonym(db, scene):
    comment = scene["comment"]
    system = lifecycle.log_decision(comment, ModerationAction.HOLD, reason="Treffer der Prüfliste", after=S.PENDING)
    appeal = lifecycle.log_decision(comment, ModerationAction.APPEAL, actor=scene["author"], by_author=True)
    db.session.flush()
    assert (system.moderator_id, system.moderator_label, system.subject_user_id) == (None, "System", scene["author"].id)
    assert (appeal.moderator_id, appeal.moderator_label) == (None, f"Konto #{scene['author'].id}")


def test_enough_flags_hide_a_comment_once_with_a_system_entry(db, scene):
    set_setting("auto_hide_flags", 2)
    comment = scene["comment"]
    for _ in range(2):
        db.session.add(Flag(comment_id=comment.id, user_id=make_citizen().id, reason="insult", text=""))
    db.session.flush()
    assert lifecycle.auto_hide(comment) is True
    assert lifecycle.auto_hide(comment) is False  # already held: the conditional UPDATE matches nothing
    db.session.expire_all()
    assert comment.status == S.HELD.value
    [entry] = log_of(db, comment)
    assert (entry.action, entry.moderator_label, entry.status_before, entry.status_after) == (
        "auto_hide", "System", "published", "held")


def test_an_edit_that_hits_the_hold_list_waits_again(db, scene):
    db.session.add(HoldPattern(pattern="Bürgermeister", is_regex=False))
    db.session.commit()
    comment = scene["comment"]
    comments.edit_comment(scene["author"], comment, "Der Bürgermeister soll antworten.")
    assert comment.status == S.PENDING.value
    [entry] = log_of(db, comment)
    assert (entry.action, entry.status_before, entry.status_after) == ("hold", "published", "pending")


def test_deleting_keeps_a_line_and_counts_it_out(db, scene):
    comment = scene["comment"]
    lifecycle.withdraw(comment, EditConflict)
    db.session.expire_all()
    assert (comment.status, comment.body, comment.answer_status) == (S.DELETED.value, "", None)
    assert db.session.get(Milestone, scene["milestone"].id).comment_count == 0


def test_the_answer_loop(db, scene):
    question = scene["comment"]
    answer = make_comment(scene["milestone"], make_moderator(), "Im Frühjahr.", parent=question, is_official=True)
    publication.answer_loop(answer)
    db.session.expire_all()
    assert question.answer_status == AnswerStatus.ANSWERED.value
    follow_up = make_comment(scene["milestone"], scene["author"], "Wann genau?", parent=question)
    publication.answer_loop(follow_up)
    db.session.expire_all()
    assert question.answer_status == AnswerStatus.OPEN.value
    publication.answer_loop(answer)
    lifecycle.withdraw(answer, EditConflict)
    publication.answer_withdrawn(answer)
    db.session.expire_all()
    assert question.answer_status == AnswerStatus.OPEN.value


def test_only_the_lifecycle_writes_a_status_or_a_log_row():
    """Participation, moderation and citizens hand every status change to app.comments.lifecycle."""
    writes = re.compile(r"\.status\s*=(?!=)|\bstatus=(?:S|CommentStatus)\.|ModerationDecision\(")
    offenders = [
        f"{path.relative_to(APP)}:{number}"
        for package in ("participation", "moderation", "citizens", "subscriptions", "contact")
        for path in sorted((APP / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []
