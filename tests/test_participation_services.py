"""Participation services: comments, replies, official answers, editing, deleting, closing, flags."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.permissions import PermissionDenied
from app.extensions import db
from app.models import AuditEntry, Comment, CommentStatus, Flag, HoldPattern, Milestone, ModerationDecision, OutboxMail
from app.models import UserBlock, utcnow
from app.comments.counters import recount_comments
from app.settings import set_setting
from app.comments import errors
from app.participation.services import comments as participation_comments
from app.participation.services import flags
from app.participation.services import votes
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders.comments import make_comment

# Also run against PostgreSQL (`make test-postgres`): locks, counters and constraints differ.
pytestmark = pytest.mark.postgres


def published_count(milestone_id: int) -> int:
    return db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.milestone_id == milestone_id, Comment.status == CommentStatus.PUBLISHED.value
        )
    )


def assert_comment_count(milestone_id: int, expected: int) -> None:
    """The stored counter equals the real number of published comments, and the expected one."""
    db.session.expire_all()
    stored = db.session.get(Milestone, milestone_id).comment_count
    assert stored == published_count(milestone_id) == expected


@pytest.fixture
def scene(db):
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(department=department)
    citizen = make_citizen(display_name="Clara Citoyenne")
    db.session.commit()
    return milestone, citizen, department


# --- posting --------------------------------------------------------------------------------------


def test_comment_is_published_in_post_moderation_and_counted(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Sehr gut!\nMehr unter https://example.org/info")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.answer_status == "open"
    assert comment.published_at is not None
    assert 'rel="nofollow ugc noopener"' in comment.body_html
    assert "<br>" in comment.body_html
    assert_comment_count(milestone.id, 1)


def test_comment_waits_under_pre_moderation(scene):
    milestone, citizen, _ = scene
    milestone.moderation_mode = "pre"
    db.session.commit()
    comment = participation_comments.post_comment(citizen, milestone, "Bitte freigeben")
    assert comment.status == CommentStatus.PENDING
    assert_comment_count(milestone.id, 0)


def test_hold_list_match_waits_and_is_logged(scene):
    milestone, citizen, _ = scene
    db.session.add(HoldPattern(pattern="Schimpfwort"))
    db.session.commit()
    comment = participation_comments.post_comment(citizen, milestone, "Das ist ein Schimpfwort hier")
    assert comment.status == CommentStatus.PENDING
    decision = db.session.scalar(select(ModerationDecision).where(ModerationDecision.comment_id == comment.id))
    assert decision.action == "hold" and decision.status_after == "pending"
    assert_comment_count(milestone.id, 0)


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\x00\x01"])
def test_empty_text_is_refused(scene, body):
    milestone, citizen, _ = scene
    with pytest.raises(errors.InvalidText):
        participation_comments.post_comment(citizen, milestone, body)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_too_long_text_is_refused_with_the_numbers(app, scene):
    milestone, citizen, _ = scene
    app.config["COMMENT_MAX_LENGTH"] = 50
    with pytest.raises(errors.InvalidText) as refused:
        participation_comments.post_comment(citizen, milestone, "x" * 51)
    assert "51" in str(refused.value) and "50" in str(refused.value)
    assert participation_comments.post_comment(citizen, milestone, "x" * 50).body == "x" * 50


def test_control_characters_are_removed_and_line_breaks_kept(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "  Zeile\x00 eins\r\nZeile\x07 zwei  \r\n")
    assert comment.body == "Zeile eins\nZeile zwei"


def test_replies_are_one_level_deep(scene):
    milestone, citizen, _ = scene
    other = make_citizen()
    top = participation_comments.post_comment(citizen, milestone, "Frage")
    reply = participation_comments.post_comment(other, milestone, "Antwort", parent=top)
    assert reply.parent_id == top.id and reply.answer_status is None
    with pytest.raises(errors.NotPossible):
        participation_comments.post_comment(citizen, milestone, "Antwort auf Antwort", parent=reply)
    assert_comment_count(milestone.id, 2)


def test_no_reply_to_a_comment_that_is_not_published(scene):
    milestone, citizen, _ = scene
    held = make_comment(milestone, make_citizen(), status="held")
    db.session.commit()
    with pytest.raises(errors.NotPossible):
        participation_comments.post_comment(citizen, milestone, "Antwort", parent=held)


def test_reply_must_belong_to_the_same_milestone(scene):
    milestone, citizen, _ = scene
    elsewhere = make_comment(make_milestone(), make_citizen())
    db.session.commit()
    with pytest.raises(errors.NotPossible):
        participation_comments.post_comment(citizen, milestone, "Antwort", parent=elsewhere)


# --- official answers -------------------------------------------------------------------------------


def test_editor_of_the_department_answers_officially(scene):
    milestone, citizen, department = scene
    editor = make_editor(department)
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Wann geht es los?")
    answer = participation_comments.post_comment(editor, milestone, "Im Mai.", parent=question)
    assert answer.is_official and answer.department_id == department.id
    assert answer.status == CommentStatus.PUBLISHED
    db.session.refresh(question)
    assert question.answer_status == "answered" and question.answered_at is not None


def test_admin_answers_officially_and_editor_of_another_department_does_not(scene):
    milestone, citizen, _ = scene
    admin = make_admin()
    stranger = make_editor(make_department())
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Frage")
    not_official = participation_comments.post_comment(stranger, milestone, "Ich bin nicht zuständig.", parent=question)
    assert not not_official.is_official
    db.session.refresh(question)
    assert question.answer_status == "open"
    official = participation_comments.post_comment(admin, milestone, "Antwort", parent=question)
    assert official.is_official
    db.session.refresh(question)
    assert question.answer_status == "answered"


def test_staff_comments_do_not_wait_for_an_answer(scene):
    milestone, _, department = scene
    editor = make_editor(department)
    moderator = make_moderator()
    db.session.commit()
    statement = participation_comments.post_comment(editor, milestone, "Stellungnahme")
    note = participation_comments.post_comment(moderator, milestone, "Hinweis der Moderation")
    assert statement.is_official and statement.answer_status is None
    assert not note.is_official and note.answer_status is None


def test_deleting_the_only_official_answer_reopens_the_question(scene):
    milestone, citizen, department = scene
    editor = make_editor(department)
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Frage")
    answer = participation_comments.post_comment(editor, milestone, "Antwort", parent=question)
    participation_comments.delete_comment(editor, answer)
    db.session.refresh(question)
    assert question.answer_status == "open"


def test_no_answer_needed_by_staff_of_the_department_only(scene):
    milestone, citizen, department = scene
    editor = make_editor(department)
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Danke!")
    with pytest.raises(PermissionDenied):
        participation_comments.mark_no_answer_needed(make_citizen(), question)
    with pytest.raises(PermissionDenied):
        participation_comments.mark_no_answer_needed(make_editor(make_department()), question)
    participation_comments.mark_no_answer_needed(editor, question)
    db.session.refresh(question)
    assert question.answer_status == "not_needed"
    logged = db.session.scalar(select(ModerationDecision).where(ModerationDecision.comment_id == question.id))
    assert logged.action == "no_answer_needed" and logged.moderator_id == editor.id
    with pytest.raises(errors.NotPossible):
        participation_comments.mark_no_answer_needed(editor, question)


# --- editing and deleting -----------------------------------------------------------------------------


def test_author_edits_within_the_window(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Erste Fassung")
    participation_comments.edit_comment(citizen, comment, "Zweite Fassung")
    db.session.refresh(comment)
    assert comment.body == "Zweite Fassung" and comment.edited_at is not None
    assert comment.status == CommentStatus.PUBLISHED
    assert_comment_count(milestone.id, 1)


def test_editing_after_the_window_is_refused(app, scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Alt")
    comment.created_at = utcnow() - timedelta(minutes=app.config["COMMENT_EDIT_MINUTES"], seconds=1)
    db.session.commit()
    with pytest.raises(errors.EditWindowOver):
        participation_comments.edit_comment(citizen, comment, "Neu")
    db.session.refresh(comment)
    assert comment.body == "Alt" and comment.edited_at is None


def test_only_the_author_edits(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Meins")
    with pytest.raises(PermissionDenied):
        participation_comments.edit_comment(make_citizen(), comment, "Fremd")


def test_edit_under_pre_moderation_goes_back_to_the_queue(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Veröffentlicht")
    assert_comment_count(milestone.id, 1)
    milestone.moderation_mode = "pre"
    db.session.commit()
    participation_comments.edit_comment(citizen, comment, "Geändert")
    db.session.refresh(comment)
    assert comment.status == CommentStatus.PENDING
    decision = db.session.scalar(select(ModerationDecision).where(ModerationDecision.comment_id == comment.id))
    assert (decision.action, decision.status_before, decision.status_after) == ("hold", "published", "pending")
    assert_comment_count(milestone.id, 0)


def test_unchanged_text_changes_nothing(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Gleich")
    participation_comments.edit_comment(citizen, comment, "  Gleich  ")
    db.session.refresh(comment)
    assert comment.edited_at is None


def test_delete_keeps_a_trace_and_removes_the_text(scene):
    milestone, citizen, _ = scene
    comment = participation_comments.post_comment(citizen, milestone, "Weg damit")
    reply = participation_comments.post_comment(make_citizen(), milestone, "Antwort", parent=comment)
    assert_comment_count(milestone.id, 2)
    participation_comments.delete_comment(citizen, comment)
    db.session.refresh(comment)
    assert comment.status == CommentStatus.DELETED and comment.body == "" and comment.body_html == ""
    assert comment.answer_status is None
    assert db.session.get(Comment, reply.id).status == CommentStatus.PUBLISHED
    assert_comment_count(milestone.id, 1)
    with pytest.raises(errors.NotPossible):
        participation_comments.delete_comment(citizen, comment)
    with pytest.raises(PermissionDenied):
        participation_comments.delete_comment(citizen, db.session.get(Comment, reply.id))


# --- closed comments, blocked and unconfirmed accounts -----------------------------------------------


def test_closed_milestone_refuses_comments_but_not_official_answers(scene):
    milestone, citizen, department = scene
    question = participation_comments.post_comment(citizen, milestone, "Frage")
    milestone.comments_closed = True
    db.session.commit()
    with pytest.raises(errors.CommentsClosed):
        participation_comments.post_comment(citizen, milestone, "Noch eine")
    with pytest.raises(errors.CommentsClosed):
        participation_comments.post_comment(make_citizen(), milestone, "Antwort", parent=question)
    answer = participation_comments.post_comment(make_editor(department), milestone, "Antwort", parent=question)
    assert answer.is_official
    assert_comment_count(milestone.id, 2)


def test_comments_closed_for_the_whole_site(scene):
    milestone, citizen, _ = scene
    set_setting("comments_open", False)
    db.session.commit()
    with pytest.raises(errors.CommentsPaused):
        participation_comments.post_comment(citizen, milestone, "Hallo")


def test_only_admins_close_comments_and_it_is_audited(scene):
    milestone, citizen, department = scene
    with pytest.raises(PermissionDenied):
        participation_comments.set_comments_closed(citizen, milestone, True)
    with pytest.raises(PermissionDenied):
        participation_comments.set_comments_closed(make_editor(department), milestone, True)
    admin = make_admin()
    participation_comments.set_comments_closed(admin, milestone, True)
    assert db.session.get(Milestone, milestone.id).comments_closed
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "milestone"))
    assert entry.before == {"comments_closed": False} and entry.after == {"comments_closed": True}


def block(user, **kw) -> UserBlock:
    entry = UserBlock(user_id=user.id, reason="Beleidigungen", **kw)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_blocked_author_cannot_post_vote_rate_or_flag(scene):
    milestone, citizen, _ = scene
    other = make_comment(milestone, make_citizen())
    db.session.commit()
    block(citizen)
    with pytest.raises(errors.AuthorBlocked):
        participation_comments.post_comment(citizen, milestone, "Hallo")
    with pytest.raises(errors.AuthorBlocked):
        votes.support(citizen, milestone)
    with pytest.raises(errors.AuthorBlocked):
        votes.rate_comment(citizen, other, True)
    with pytest.raises(errors.AuthorBlocked):
        flags.flag_comment(citizen, other, "spam")
    assert db.session.scalar(select(func.count(Flag.id))) == 0
    assert_comment_count(milestone.id, 1)


def test_temporary_block_names_its_end_and_ends(scene):
    milestone, citizen, _ = scene
    entry = block(citizen, until=utcnow() + timedelta(days=2))
    with pytest.raises(errors.AuthorBlocked) as refused:
        participation_comments.post_comment(citizen, milestone, "Hallo")
    assert "bis" in str(refused.value)
    entry.until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert participation_comments.post_comment(citizen, milestone, "Wieder da").status == CommentStatus.PUBLISHED


def test_lifted_block_allows_posting(scene):
    milestone, citizen, _ = scene
    entry = block(citizen)
    entry.lifted_at = utcnow()
    db.session.commit()
    assert participation_comments.post_comment(citizen, milestone, "Hallo").status == CommentStatus.PUBLISHED


def test_unconfirmed_account_cannot_take_part(scene):
    milestone, _, _ = scene
    unconfirmed = make_citizen(confirmed=False)
    db.session.commit()
    with pytest.raises(errors.NotConfirmed):
        participation_comments.post_comment(unconfirmed, milestone, "Hallo")
    with pytest.raises(errors.NotConfirmed):
        votes.support(unconfirmed, milestone)


def test_unpublished_milestone_takes_no_comments(scene):
    _, citizen, _ = scene
    draft = make_milestone(published=False)
    db.session.commit()
    with pytest.raises(errors.NotPossible):
        participation_comments.post_comment(citizen, draft, "Hallo")


# --- flags -----------------------------------------------------------------------------------------------


@pytest.fixture
def flagged_scene(scene, db):
    milestone, citizen, department = scene
    set_setting("auto_hide_flags", 3)
    comment = make_comment(milestone, citizen, "Umstrittener Kommentar")
    flaggers = [make_citizen() for _ in range(4)]
    db.session.commit()
    return milestone, comment, flaggers, department


def test_flag_is_stored_once_per_account(flagged_scene):
    milestone, comment, flaggers, _ = flagged_scene
    assert flags.flag_comment(flaggers[0], comment, "insult") is False
    with pytest.raises(errors.AlreadyFlagged):
        flags.flag_comment(flaggers[0], db.session.get(Comment, comment.id), "spam")
    assert db.session.scalar(select(func.count(Flag.id))) == 1
    assert db.session.get(Comment, comment.id).flag_count == 1


def test_flag_reason_other_needs_a_text_and_unknown_reasons_are_refused(flagged_scene):
    _, comment, flaggers, _ = flagged_scene
    with pytest.raises(errors.InvalidText):
        flags.flag_comment(flaggers[0], comment, "other", "  ")
    with pytest.raises(errors.InvalidText):
        flags.flag_comment(flaggers[0], comment, "gefällt mir nicht")
    flags.flag_comment(flaggers[0], comment, "other", "Falsche Behauptung über eine Person")
    stored = db.session.scalar(select(Flag))
    assert (stored.reason, stored.text) == ("other", "Falsche Behauptung über eine Person")


def test_own_comment_cannot_be_flagged(flagged_scene):
    _, comment, _, _ = flagged_scene
    with pytest.raises(errors.NotPossible):
        flags.flag_comment(comment.author, comment, "spam")


def test_flags_from_distinct_accounts_hide_at_the_threshold(flagged_scene):
    milestone, comment, flaggers, _ = flagged_scene
    assert_comment_count(milestone.id, 1)
    assert flags.flag_comment(flaggers[0], comment, "insult") is False
    with pytest.raises(errors.AlreadyFlagged):
        flags.flag_comment(flaggers[0], db.session.get(Comment, comment.id), "insult")
    assert flags.flag_comment(flaggers[1], db.session.get(Comment, comment.id), "spam") is False
    assert db.session.get(Comment, comment.id).status == CommentStatus.PUBLISHED
    assert flags.flag_comment(flaggers[2], db.session.get(Comment, comment.id), "insult") is True
    hidden = db.session.get(Comment, comment.id)
    assert hidden.status == CommentStatus.HELD and hidden.flag_count == 3
    decisions = db.session.scalars(select(ModerationDecision).where(ModerationDecision.comment_id == comment.id)).all()
    assert [(d.action, d.status_before, d.status_after) for d in decisions] == [("auto_hide", "published", "held")]
    assert_comment_count(milestone.id, 0)
    with pytest.raises(errors.NotPossible):
        flags.flag_comment(flaggers[3], hidden, "insult")


def test_resolved_flags_do_not_count_again(flagged_scene):
    _, comment, flaggers, _ = flagged_scene
    flags.flag_comment(flaggers[0], comment, "insult")
    flags.flag_comment(flaggers[1], db.session.get(Comment, comment.id), "insult")
    for flag in db.session.scalars(select(Flag)):
        flag.resolved_at = utcnow()
    db.session.commit()
    assert flags.flag_comment(flaggers[2], db.session.get(Comment, comment.id), "insult") is False
    assert db.session.get(Comment, comment.id).status == CommentStatus.PUBLISHED


@pytest.mark.parametrize("kind", ["official", "staff_author"])
def test_staff_content_is_never_hidden_automatically(flagged_scene, kind):
    milestone, _, flaggers, department = flagged_scene
    if kind == "official":
        content = make_comment(milestone, make_editor(department), "Antwort", is_official=True,
                               department_id=department.id)
    else:
        content = make_comment(milestone, make_moderator(), "Hinweis der Moderation")
    db.session.commit()
    for flagger in flaggers:
        assert flags.flag_comment(flagger, db.session.get(Comment, content.id), "insult") is False
    stored = db.session.get(Comment, content.id)
    assert stored.status == CommentStatus.PUBLISHED and stored.flag_count == 4
    assert db.session.scalar(select(func.count(ModerationDecision.id))) == 0
    assert_comment_count(milestone.id, 2)


# --- counters and mail --------------------------------------------------------------------------------


def test_recount_repairs_a_wrong_counter(scene):
    milestone, citizen, _ = scene
    make_comment(milestone, citizen)
    make_comment(milestone, citizen, status="pending")
    db.session.get(Milestone, milestone.id).comment_count = 17
    db.session.flush()
    recount_comments(milestone.id)
    db.session.commit()
    assert_comment_count(milestone.id, 1)


def test_editors_of_the_department_get_a_mail_about_new_comments(scene):
    milestone, citizen, department = scene
    editor = make_editor(department, email="redaktion@example.org")
    inactive = make_editor(department, email="alt@example.org", active=False)
    make_editor(make_department(), email="fremd@example.org")
    make_admin(email="admin@example.org")
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Neue Frage")
    mails = db.session.scalars(select(OutboxMail)).all()
    assert [mail.to_address for mail in mails] == ["redaktion@example.org"]
    assert milestone.title in mails[0].subject
    assert f"/kommentare/{question.id}\n" in mails[0].body_text
    assert "/verwaltung/unbeantwortet" in mails[0].body_text
    assert inactive.email not in {mail.to_address for mail in mails}
    participation_comments.post_comment(editor, milestone, "Antwort der Redaktion")
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 1


def test_pending_comments_do_not_mail_the_department(scene):
    milestone, citizen, department = scene
    make_editor(department)
    milestone.moderation_mode = "pre"
    db.session.commit()
    participation_comments.post_comment(citizen, milestone, "Wartet")
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_authors_hear_of_replies_and_official_answers(scene):
    milestone, citizen, department = scene
    citizen.email = "clara@example.org"
    replier = make_citizen()
    editor = make_editor(department, email="redaktion@example.org")
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Frage")
    db.session.query(OutboxMail).delete()
    db.session.commit()
    participation_comments.post_comment(replier, milestone, "Antwort einer Nachbarin", parent=db.session.get(Comment, question.id))
    participation_comments.post_comment(citizen, milestone, "Eigene Ergänzung", parent=db.session.get(Comment, question.id))
    participation_comments.post_comment(editor, milestone, "Antwort der Stadt", parent=db.session.get(Comment, question.id))
    to_clara = [mail for mail in db.session.scalars(select(OutboxMail)) if mail.to_address == "clara@example.org"]
    assert len(to_clara) == 2  # the own reply is no news
    assert any("Verwaltung" in mail.subject for mail in to_clara)


def test_authors_who_switched_reply_mails_off_hear_nothing(scene):
    milestone, citizen, _ = scene
    citizen.email = "clara@example.org"
    citizen.notify_replies = False
    db.session.commit()
    question = participation_comments.post_comment(citizen, milestone, "Frage")
    participation_comments.post_comment(make_citizen(), milestone, "Antwort", parent=db.session.get(Comment, question.id))
    assert not [m for m in db.session.scalars(select(OutboxMail)) if m.to_address == "clara@example.org"]
