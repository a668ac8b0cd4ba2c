"""Moderation services: decisions, locking, counters, redaction, blocks, appeals, admin lists."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.permissions import PermissionDenied
from app.moderation import administration, digest, queries
from app.comments import errors, permissions, policy
from app.models import AuditEntry, Comment, CommentStatus, Flag, HoldPattern, Milestone, ModerationDecision, OutboxMail
from app.models import ReasonTemplate, Role, UserBlock, utcnow
from app.settings import set_setting
from app.moderation import answers
from app.moderation import appeals as moderation_appeals
from app.moderation import blocks as moderation_blocks
from app.moderation import decisions as moderation_decisions
from app.moderation import errors as moderation_errors
from app.moderation import redaction as moderation_redaction
from app.participation.services import comments as participation_comments
from app.participation.services import votes
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders import make_user
from tests.builders.comments import ago, make_comment, make_flag, make_reason_template

S = CommentStatus


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def decisions(db, comment_id: int) -> list[ModerationDecision]:
    return list(db.session.scalars(
        select(ModerationDecision).where(ModerationDecision.comment_id == comment_id).order_by(ModerationDecision.id)))


def visible_count(db, milestone_id: int) -> int:
    return count(db, Comment, Comment.milestone_id == milestone_id, Comment.status == S.PUBLISHED.value)


def mails_to(db, address: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)))


@pytest.fixture
def moderator(db):
    user = make_moderator()
    db.session.commit()
    return user


def test_approve_publishes_logs_counts_and_tells_author(db, moderator):
    milestone = make_milestone()
    author = make_citizen()
    comment = make_comment(milestone, author, status=S.PENDING)
    db.session.commit()
    assert milestone.comment_count == 0

    decision = moderation_decisions.decide(moderator, comment.id, comment.version, "approve")

    db.session.expire_all()
    assert comment.status == S.PUBLISHED.value
    assert comment.published_at is not None and comment.decided_at is not None
    assert db.session.get(Milestone, milestone.id).comment_count == 1 == visible_count(db, milestone.id)
    assert (decision.action, decision.status_before, decision.status_after) == ("approve", "pending", "published")
    assert decision.moderator_id == moderator.id and decision.subject_user_id == author.id
    [mail] = mails_to(db, author.email)
    assert "jetzt für alle sichtbar" in mail.body_text


def test_reject_needs_reason_and_shows_template_title_with_own_words(db, moderator):
    author = make_citizen()
    comment = make_comment(author=author)
    template = make_reason_template("Beleidigung", "Bitte bleiben Sie sachlich und respektvoll.")
    db.session.commit()

    with pytest.raises(moderation_errors.InvalidInput) as refused:
        moderation_decisions.decide(moderator, comment.id, comment.version, "reject")
    assert "reason" in refused.value.errors
    assert decisions(db, comment.id) == []

    moderation_decisions.decide(moderator, comment.id, comment.version, "reject", template_id=template.id,
                    reason_text="Der zweite Satz greift eine Person an.")
    db.session.expire_all()
    assert comment.status == S.REJECTED.value
    assert comment.moderation_reason == "Beleidigung: Der zweite Satz greift eine Person an."
    assert comment.milestone.comment_count == 0
    [mail] = mails_to(db, author.email)
    assert "Grund: Beleidigung: Der zweite Satz greift eine Person an." in mail.body_text
    assert "Bitte bleiben Sie sachlich und respektvoll." in mail.body_text
    assert f"/kommentare/{comment.id}/einspruch" in mail.body_text


def test_decision_resolves_open_flags(db, moderator):
    comment = make_comment(status=S.HELD)
    for _ in range(3):
        make_flag(comment)
    db.session.commit()
    moderation_decisions.decide(moderator, comment.id, comment.version, "restore")
    assert count(db, Flag, Flag.comment_id == comment.id, Flag.resolved_at.is_(None)) == 0
    db.session.expire_all()
    assert queries.item_kind(comment, False) is None


@pytest.mark.parametrize("status,action", [
    (S.PUBLISHED, "restore"), (S.PENDING, "hide"), (S.PENDING, "restore"), (S.REJECTED, "approve"),
    (S.DELETED, "approve"), (S.SPAM, "spam"), (S.HIDDEN, "hide"),
])
def test_impossible_transitions_are_refused(db, moderator, status, action):
    comment = make_comment(status=status, moderation_reason="x")
    db.session.commit()
    with pytest.raises(moderation_errors.ActionNotPossible):
        moderation_decisions.decide(moderator, comment.id, comment.version, action, reason_text="Grund")
    db.session.expire_all()
    assert comment.status == status.value and decisions(db, comment.id) == []


def test_unknown_action_and_missing_comment(db, moderator):
    comment = make_comment()
    db.session.commit()
    with pytest.raises(moderation_errors.ActionNotPossible):
        moderation_decisions.decide(moderator, comment.id, comment.version, "delete_everything")
    with pytest.raises(moderation_errors.NotFound):
        moderation_decisions.decide(moderator, 999999, 1, "approve")


@pytest.mark.parametrize("roles", [(Role.CITIZEN,), (Role.EDITOR,)])
def test_only_moderators_and_admins_decide(db, roles):
    comment = make_comment(status=S.PENDING)
    user = make_user(roles=roles)
    admin = make_admin()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        moderation_decisions.decide(user, comment.id, comment.version, "approve")
    moderation_decisions.decide(admin, comment.id, comment.version, "approve")
    db.session.expire_all()
    assert comment.status == S.PUBLISHED.value


def test_stale_version_is_a_conflict_with_nothing_saved(db, moderator):
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    shown = comment.version
    moderation_decisions.decide(moderator, comment.id, shown, "approve")
    other = make_moderator()
    db.session.commit()
    with pytest.raises(moderation_errors.DecisionConflict):
        moderation_decisions.decide(other, comment.id, shown, "reject", reason_text="zu spät")
    db.session.expire_all()
    assert comment.status == S.PUBLISHED.value
    assert [d.action for d in decisions(db, comment.id)] == ["approve"]


def test_concurrent_update_loses_at_flush(db, moderator, monkeypatch):
    """Both moderators passed the version check; the second UPDATE matches no row."""
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    version = comment.version
    real_comment = moderation_decisions.comment_at_version

    def load_then_other_decides(comment_id, shown):
        loaded = real_comment(comment_id, shown)
        # Another moderator commits in between (a plain UPDATE, as another process would).
        with db.engine.begin() as conn:
            conn.execute(Comment.__table__.update().where(Comment.__table__.c.id == comment_id)
                         .values(status="rejected", version=version + 1))
        return loaded

    monkeypatch.setattr(moderation_decisions, "comment_at_version", load_then_other_decides)
    with pytest.raises(moderation_errors.DecisionConflict):
        moderation_decisions.decide(moderator, comment.id, version, "approve")
    assert decisions(db, comment.id) == []


@pytest.mark.parametrize("start,action", [
    (S.PENDING, "approve"), (S.PENDING, "reject"), (S.PENDING, "spam"), (S.PUBLISHED, "hide"),
    (S.PUBLISHED, "reject"), (S.PUBLISHED, "spam"), (S.PUBLISHED, "approve"), (S.HELD, "restore"),
    (S.HELD, "reject"), (S.HIDDEN, "restore"), (S.REJECTED, "restore"), (S.SPAM, "restore"),
])
def test_comment_count_equals_visible_comments_after_each_decision(db, moderator, start, action):
    milestone = make_milestone()
    make_comment(milestone)
    make_comment(milestone, status=S.PENDING)
    target = make_comment(milestone, status=start, moderation_reason="Grund")
    make_comment(milestone, parent=target)
    db.session.commit()
    moderation_decisions.decide(moderator, target.id, target.version, action, reason_text="Grund")
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).comment_count == visible_count(db, milestone.id)


def test_comment_count_after_redaction_block_and_appeal(db, moderator):
    milestone = make_milestone()
    author = make_citizen()
    published = make_comment(milestone, author, body="Meine Nummer ist 0171 2345678.")
    make_comment(milestone, author, status=S.PENDING)
    make_comment(milestone)
    db.session.commit()

    def check():
        db.session.expire_all()
        assert db.session.get(Milestone, milestone.id).comment_count == visible_count(db, milestone.id)

    moderation_redaction.redact(moderator, published.id, published.version, ["0171 2345678"])
    check()
    moderation_blocks.block_author(moderator, author.id, "7", "Wiederholte Beleidigungen")
    check()
    moderation_decisions.decide(moderator, published.id, db.session.get(Comment, published.id).version, "reject",
                    reason_text="Beleidigung")
    check()
    moderation_appeals.appeal(author, published.id, "Bitte noch einmal prüfen.")
    check()
    moderation_decisions.decide(moderator, published.id, db.session.get(Comment, published.id).version, "approve")
    check()
    assert db.session.get(Milestone, milestone.id).comment_count == 2


def test_redaction_replaces_passages_and_keeps_original_in_log(db, moderator):
    author = make_citizen()
    comment = make_comment(author=author, body="Ruf Frau Meier an: 0171 2345678.\nSie wohnt in der Hauptstr. 5.")
    db.session.commit()
    original = comment.body

    decision = moderation_redaction.redact(moderator, comment.id, comment.version, ["0171 2345678", "  Hauptstr. 5  ", ""])

    db.session.expire_all()
    assert comment.body == "Ruf Frau Meier an: [entfernt].\nSie wohnt in der [entfernt]."
    assert "0171" not in comment.body_html and "[entfernt]" in comment.body_html
    assert decision.action == "redact" and decision.original_body == original
    assert decision.reason == moderation_redaction.DEFAULT_REDACTION_REASON
    assert comment.status == S.PUBLISHED.value
    [mail] = mails_to(db, author.email)
    assert "[entfernt]" in mail.body_text and "0171" not in mail.body_text


def test_the_author_cannot_undo_a_redaction_by_editing(db, moderator):
    """Issue 14 (L6): within the edit window the author could put the removed passage back."""
    author = make_citizen()
    comment = make_comment(author=author, body="Meine Nummer: 0171 2345678")
    db.session.commit()
    assert permissions.may_edit(author, comment)
    moderation_redaction.redact(moderator, comment.id, comment.version, ["0171 2345678"])

    assert not permissions.may_edit(author, comment)
    with pytest.raises(errors.EditWindowOver):
        participation_comments.edit_comment(author, comment, "Meine Nummer: 0171 2345678")
    db.session.expire_all()
    assert comment.body == "Meine Nummer: [entfernt]" and comment.status == S.PUBLISHED.value


def test_redaction_refuses_passages_not_in_the_text(db, moderator):
    comment = make_comment(body="Nichts Persönliches.")
    db.session.commit()
    with pytest.raises(moderation_errors.InvalidInput) as refused:
        moderation_redaction.redact(moderator, comment.id, comment.version, ["Frau Meier"])
    assert "Frau Meier" in str(refused.value.errors["passages"])
    with pytest.raises(moderation_errors.InvalidInput):
        moderation_redaction.redact(moderator, comment.id, comment.version, ["   "])
    db.session.expire_all()
    assert comment.body == "Nichts Persönliches." and decisions(db, comment.id) == []


def test_block_rejects_pending_comments_and_stops_participation(db, moderator):
    author = make_citizen()
    milestone = make_milestone()
    pending = [make_comment(milestone, author, status=S.PENDING) for _ in range(2)]
    published = make_comment(milestone, author)
    db.session.commit()

    moderation_blocks.block_author(moderator, author.id, "30", "Beleidigungen", comment_id=published.id)

    db.session.expire_all()
    assert policy.is_blocked(author)
    block = db.session.scalar(select(UserBlock).where(UserBlock.user_id == author.id))
    assert block.until is not None and block.created_by_id == moderator.id
    for comment in pending:
        assert comment.status == S.REJECTED.value
        assert comment.moderation_reason == moderation_blocks.BLOCKED_REASON
    assert published.status == S.PUBLISHED.value
    actions = [d.action for d in db.session.scalars(
        select(ModerationDecision).where(ModerationDecision.subject_user_id == author.id))]
    assert sorted(actions) == ["block", "reject", "reject"]
    with pytest.raises(errors.AuthorBlocked):
        participation_comments.post_comment(author, milestone, "Noch ein Kommentar")
    with pytest.raises(errors.AuthorBlocked):
        votes.support(author, milestone)
    [mail] = mails_to(db, author.email)
    assert "gesperrt" in mail.body_text and "Beleidigungen" in mail.body_text


def test_block_for_good_and_lift(db, moderator):
    author = make_citizen()
    db.session.commit()
    block = moderation_blocks.block_author(moderator, author.id, "forever", "Spam-Konto")
    assert block.until is None and policy.is_blocked(author)
    moderation_blocks.lift_block(moderator, block.id)
    assert not policy.is_blocked(author)
    assert count(db, ModerationDecision, ModerationDecision.action == "unblock") == 1
    with pytest.raises(moderation_errors.NotFound):
        moderation_blocks.lift_block(moderator, block.id)


def test_staff_and_bad_input_cannot_be_blocked(db, moderator):
    editor = make_editor()
    citizen = make_citizen()
    db.session.commit()
    with pytest.raises(moderation_errors.ActionNotPossible):
        moderation_blocks.block_author(moderator, editor.id, "7", "Grund")
    with pytest.raises(moderation_errors.InvalidInput):
        moderation_blocks.block_author(moderator, citizen.id, "12", "Grund")
    with pytest.raises(moderation_errors.InvalidInput):
        moderation_blocks.block_author(moderator, citizen.id, "7", "  ")
    assert count(db, UserBlock) == 0


def test_appeal_once_puts_comment_back_in_queue(db, moderator):
    author = make_citizen()
    comment = make_comment(author=author)
    db.session.commit()
    moderation_decisions.decide(moderator, comment.id, comment.version, "hide", reason_text="Kein Bezug zum Thema")
    stranger = make_citizen()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        moderation_appeals.appeal(stranger, comment.id, "")

    moderation_appeals.appeal(author, comment.id, "Es ging um den Radweg, also das Thema.")

    db.session.expire_all()
    assert queries.item_kind(comment, False) == "appeal"
    assert queries.queue_counts()["appeal"] == 1
    appeal = decisions(db, comment.id)[-1]
    assert appeal.action == "appeal" and appeal.moderator_id is None and appeal.subject_user_id == author.id
    with pytest.raises(moderation_errors.ActionNotPossible):
        moderation_appeals.appeal(author, comment.id, "noch einmal")

    moderation_decisions.decide(moderator, comment.id, comment.version, "reject", reason_text="Kein Bezug zum Thema")
    db.session.expire_all()
    assert queries.item_kind(comment, False) is None and comment.status == S.REJECTED.value
    # The confirmed rejection no longer offers an appeal.
    assert "einspruch" not in mails_to(db, author.email)[-1].body_text


def test_appeal_only_for_removed_comments(db):
    author = make_citizen()
    comment = make_comment(author=author, status=S.PENDING)
    db.session.commit()
    assert not moderation_appeals.can_appeal(author, comment)
    with pytest.raises(moderation_errors.ActionNotPossible):
        moderation_appeals.appeal(author, comment.id, "")


def test_queue_order_held_first_then_flaggers_then_age(db):
    milestone = make_milestone()
    pending_old = make_comment(milestone, status=S.PENDING, created_at=ago(days=5))
    flagged_one = make_comment(milestone, created_at=ago(days=9))
    make_flag(flagged_one)
    flagged_two_new = make_comment(milestone, created_at=ago(days=1))
    flagged_two_old = make_comment(milestone, created_at=ago(days=2))
    for comment in (flagged_two_new, flagged_two_old):
        make_flag(comment)
        make_flag(comment)
    held = make_comment(milestone, status=S.HELD, created_at=ago(hours=1))
    make_comment(milestone)  # published without flags: not in the queue
    db.session.commit()

    ordered = list(db.session.scalars(queries.select_queue(queries.QueueFilter())))

    assert [c.id for c in ordered] == [held.id, flagged_two_old.id, flagged_two_new.id, flagged_one.id, pending_old.id]
    assert queries.queue_size() == 5
    assert queries.oldest_waiting_since() is not None


def test_queue_filters(db):
    one, two = make_milestone(), make_milestone()
    spam = make_comment(one)
    make_flag(spam, reason="spam")
    insult = make_comment(two)
    make_flag(insult, reason="insult")
    pending = make_comment(two, status=S.PENDING)
    db.session.commit()

    def ids(**filters):
        return {c.id for c in db.session.scalars(queries.select_queue(queries.QueueFilter(**filters)))}

    assert ids(reason="spam") == {spam.id}
    assert ids(milestone_id=two.id) == {insult.id, pending.id}
    assert ids(field_id=one.field_id) == {spam.id}
    assert ids(kind="pending") == {pending.id}
    assert ids(kind="flagged") == {spam.id, insult.id}


def test_author_history_limited_per_author(db, moderator):
    author = make_citizen()
    comments = [make_comment(author=author, status=S.PENDING) for _ in range(7)]
    db.session.commit()
    for comment in comments:
        moderation_decisions.decide(moderator, comment.id, comment.version, "approve")
    history, totals = queries.author_history([author.id])
    assert len(history[author.id]) == queries.HISTORY_LIMIT and totals[author.id] == 7


def test_hold_list_validation(db):
    admin = make_admin()
    db.session.commit()
    with pytest.raises(moderation_errors.InvalidInput) as refused:
        administration.add_hold_pattern(admin, "(unclosed", True)
    assert "ungültig" in str(refused.value.errors["pattern"])
    with pytest.raises(moderation_errors.InvalidInput):
        administration.add_hold_pattern(admin, "x*", True)  # matches every text
    administration.add_hold_pattern(admin, "Idiot", False)
    with pytest.raises(moderation_errors.InvalidInput):
        administration.add_hold_pattern(admin, "Idiot", False)
    administration.add_hold_pattern(admin, r"gewinn(spiel|chance)", True)
    assert policy.matches_hold_list("Du Idiot!") and policy.matches_hold_list("Tolles GEWINNSPIEL")
    assert not policy.matches_hold_list("Idioten sind das nicht")  # whole words only
    assert count(db, AuditEntry, AuditEntry.object_type == "hold_pattern") == 2
    with pytest.raises(PermissionDenied):
        administration.add_hold_pattern(make_moderator(), "Wort", False)
    entry = db.session.scalar(select(HoldPattern).where(HoldPattern.pattern == "Idiot"))
    administration.delete_hold_pattern(admin, entry.id)
    assert not policy.matches_hold_list("Du Idiot!")


def test_milestone_mode_overrides_site_setting(db):
    admin = make_admin()
    milestone = make_milestone()
    db.session.commit()
    set_setting("moderation_mode", "post")
    assert policy.moderation_mode(milestone) == "post"
    administration.set_milestone_mode(admin, milestone.id, "pre")
    assert policy.moderation_mode(milestone) == "pre"
    author = make_citizen()
    db.session.commit()
    comment = participation_comments.post_comment(author, milestone, "Gilt hier die Vorabmoderation?")
    assert comment.status == S.PENDING.value
    administration.set_milestone_mode(admin, milestone.id, None)
    assert policy.moderation_mode(milestone) == "post"
    with pytest.raises(moderation_errors.InvalidInput):
        administration.set_milestone_mode(admin, milestone.id, "sometimes")
    with pytest.raises(PermissionDenied):
        administration.set_milestone_mode(make_moderator(), milestone.id, "pre")


def test_reason_templates_kept_by_moderators_and_audited(db):
    # Issue 13 (moderation at speed): moderators edit the reason templates themselves.
    admin = make_admin()
    db.session.commit()
    template = administration.save_reason_template(admin, None, administration.ReasonData("Werbung", "Werbung ist nicht erlaubt."))
    administration.save_reason_template(admin, template, administration.ReasonData("Werbung", "Keine Werbung.", position=2))
    with pytest.raises(moderation_errors.InvalidInput):
        administration.save_reason_template(admin, None, administration.ReasonData("A: B", "x"))
    with pytest.raises(PermissionDenied):
        administration.save_reason_template(make_editor(), None, administration.ReasonData("X", "y"))
    by_moderator = administration.save_reason_template(make_moderator(), None, administration.ReasonData("X", "y"))
    administration.delete_reason_template(admin, template.id)
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "reason_template").order_by(AuditEntry.id))]
    assert actions == ["create", "update", "create", "delete"]
    assert db.session.get(ReasonTemplate, by_moderator.id).title == "X"


def test_answer_from_queue_goes_through_participation(db):
    department = make_department()
    milestone = make_milestone(department=department)
    question = make_comment(milestone)
    admin = make_admin()
    moderator = make_moderator()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        answers.answer(moderator, question.id, "Antwort")

    reply = answers.answer(admin, question.id, "Der Radweg kommt im Frühjahr.")

    db.session.expire_all()
    assert reply.is_official and reply.parent_id == question.id and reply.department_id == department.id
    assert question.answer_status == "answered"
    assert decisions(db, question.id)[-1].action == "answer"
    with pytest.raises(moderation_errors.ActionNotPossible):
        answers.answer(admin, reply.id, "Antwort auf eine Antwort")


def test_digest_mails_every_moderator(db):
    moderators = [make_moderator(), make_moderator()]
    make_admin()
    db.session.commit()
    assert digest.send_digest() == 0
    make_comment(status=S.PENDING, created_at=ago(days=3))
    held = make_comment(status=S.HELD)
    make_flag(held)
    db.session.commit()

    assert digest.send_digest() == 2

    for moderator in moderators:
        [mail] = mails_to(db, moderator.email)
        assert "2 Kommentare warten" in mail.subject
        assert "wartet auf Freigabe: 1" in mail.body_text and "nach Meldungen ausgeblendet: 1" in mail.body_text
        assert "seit 3 Tagen" in mail.body_text
        assert "/verwaltung/moderation" in mail.body_text


def test_digest_cli(runner, db):
    make_moderator()
    make_comment(status=S.PENDING)
    db.session.commit()
    result = runner.invoke(args=["moderation", "digest"])
    assert result.exit_code == 0 and "1 digest mail(s) sent." in result.output


def test_author_who_switched_moderation_mails_off_gets_none(db, moderator):
    author = make_citizen(notify_moderation=False)
    comment = make_comment(author=author)
    db.session.commit()
    moderation_decisions.decide(moderator, comment.id, comment.version, "reject", reason_text="Beleidigung")
    assert mails_to(db, author.email) == []


def test_confirmed_guest_hears_about_the_decision(db, moderator):
    guest = make_comment(status=S.PENDING, guest_name="Gisela Gast", guest_email="gisela@example.org",
                         guest_confirmed_at=utcnow())
    unconfirmed = make_comment(status=S.PENDING, guest_name="Udo", guest_email="udo@example.org")
    db.session.commit()
    moderation_decisions.decide(moderator, guest.id, guest.version, "reject", reason_text="Werbung")
    moderation_decisions.decide(moderator, unconfirmed.id, unconfirmed.version, "reject", reason_text="Werbung")
    [mail] = mails_to(db, "gisela@example.org")
    assert "Grund: Werbung" in mail.body_text and "einspruch" not in mail.body_text
    assert mails_to(db, "udo@example.org") == []


# Approving a waiting reply tells the parent's author, as post-moderation does at once ------------

def test_approving_a_waiting_reply_tells_the_parent_author_once(db, moderator):
    set_setting("moderation_mode", "pre")
    milestone = make_milestone()
    asker, replier = make_citizen(display_name="Anna"), make_citizen(display_name="Bert")
    question = make_comment(milestone, asker, body="Wann kommt der Radweg?")
    db.session.commit()
    reply = participation_comments.post_comment(replier, milestone, "Ich habe gehört: im Mai.", parent=question)
    assert reply.status == S.PENDING.value
    assert mails_to(db, asker.email) == []  # nothing public yet, nobody is told

    moderation_decisions.decide(moderator, reply.id, reply.version, "approve")

    [mail] = mails_to(db, asker.email)
    assert mail.subject == "Neue Antwort auf Ihren Kommentar"
    assert "Bert" in mail.body_text and "> Ich habe gehört: im Mai." in mail.body_text
    assert mail.sent_at is not None
    assert len(mails_to(db, replier.email)) == 1  # the replier's own "now published" mail

    # Hidden and restored later: the reply was public before, the asker is not told again.
    for action in ("hide", "restore"):
        db.session.expire_all()
        moderation_decisions.decide(moderator, reply.id, db.session.get(Comment, reply.id).version, action, reason_text="Prüfung")
    assert db.session.get(Comment, reply.id).status == S.PUBLISHED.value
    assert len(mails_to(db, asker.email)) == 1


def test_bulk_approval_of_replies_tells_each_parent_author(db, moderator):
    milestone = make_milestone()
    asker, muted = make_citizen(), make_citizen(notify_replies=False)
    first = make_comment(milestone, asker)
    second = make_comment(milestone, muted)
    replies = [make_comment(milestone, status=S.PENDING, parent=parent) for parent in (first, first, second)]
    db.session.commit()

    result = moderation_decisions.decide_many(moderator, {r.id: r.version for r in replies}, "approve")

    assert sorted(result.decided) == sorted(r.id for r in replies)
    told = mails_to(db, asker.email)
    assert [m.subject for m in told] == ["Neue Antwort auf Ihren Kommentar"] * 2
    assert all(m.sent_at is not None for m in told)
    assert mails_to(db, muted.email) == []  # switched off in the profile


def test_approving_a_waiting_official_answer_tells_the_author_as_an_official_answer(db, moderator):
    department = make_department()
    milestone = make_milestone(department=department)
    asker = make_citizen()
    question = make_comment(milestone, asker)
    official = make_comment(milestone, make_admin(), status=S.PENDING, parent=question,
                            is_official=True, department_id=department.id)
    db.session.commit()

    moderation_decisions.decide(moderator, official.id, official.version, "approve")

    [mail] = mails_to(db, asker.email)
    assert mail.subject == "Die Verwaltung hat auf Ihren Kommentar geantwortet"
