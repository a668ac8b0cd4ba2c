"""The status transitions of a moderated contribution and the moderation log they write.

This module is the only code that writes `Comment.status` and the only one that builds
ModerationDecision rows. Every transition keeps Milestone.comment_count exact (recount in
the same transaction) and flushes; the caller's view commits. Optimistic locking: a
transition on an ORM-loaded comment bumps its `version`; when another transaction changed
the row meanwhile, the flush matches no row and `conflict` is raised with nothing saved.
Nothing here commits; work that must follow the commit hangs on app.deferred.after_commit.

Contributions are comments today. The log writer and `decide` only read `id`, `author_id`,
`status`, `published_at` and the milestone of the contribution, so a second kind (citizens'
ideas) adds its log column to LOG_COLUMN and reuses them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.comments import counters, policy
from app.extensions import db
from app.models import (
    AnswerStatus,
    Comment,
    CommentStatus,
    Flag,
    Milestone,
    ModerationAction,
    ModerationDecision,
    User,
    utcnow,
)

A = ModerationAction
S = CommentStatus

# The column of ModerationDecision that names the contribution, per kind of contribution.
LOG_COLUMN = {Comment: "comment_id"}
REMOVED = frozenset({S.REJECTED, S.HIDDEN, S.SPAM})
HOLD_LIST_REASON = "Treffer der Prüfliste"
EDITED_REASON = "Nach Bearbeitung erneut zu prüfen"
# Comments whose text the author can still take back when deleting the account.
REMOVABLE_STATUSES = (S.PUBLISHED, S.PENDING, S.HELD)


def _value(status: CommentStatus | str | None) -> str | None:
    return status.value if isinstance(status, CommentStatus) else status


def log_decision(contribution, action: ModerationAction, *, actor: User | None = None, reason: str = "",
                 before: CommentStatus | str | None = None, after: CommentStatus | str | None = None,
                 subject_id: int | None = None, original_body: str | None = None,
                 by_author: bool = False) -> ModerationDecision:
    """Append an entry to the moderation log (actor None: the system).

    by_author: the actor is the contribution's author (an appeal), recorded by pseudonym only,
    so that the log's moderator column holds moderators alone.
    """
    target = {LOG_COLUMN[type(contribution)]: contribution.id} if contribution is not None else {}
    if subject_id is None and contribution is not None:
        subject_id = contribution.author_id
    decision = ModerationDecision(
        **target,
        subject_user_id=subject_id,
        moderator_id=actor.id if actor is not None and not by_author else None,
        moderator_label=audit.actor_label(actor),
        action=action.value,
        reason=reason,
        status_before=_value(before),
        status_after=_value(after),
        original_body=original_body,
    )
    db.session.add(decision)
    return decision


def abandon() -> None:
    """Undo the changes before a refusal: the whole transaction, or inside a savepoint (one
    decision of several) nothing here, as the savepoint's block rolls back on the way out."""
    if not db.session().in_nested_transaction():
        db.session.rollback()


def flush(conflict: type[Exception]) -> None:
    """Write the ORM changes; if someone changed the comment meanwhile, undo and raise `conflict`."""
    try:
        db.session.flush()
    except StaleDataError:
        abandon()
        raise conflict() from None


# --- transitions ---------------------------------------------------------------------------------


def start(comment: Comment, milestone: Milestone, *, is_guest: bool = False, is_staff: bool = False,
          now: datetime | None = None) -> CommentStatus:
    """The status of a new comment on `milestone`: published at once, or into the queue (policy)."""
    status = policy.initial_status(milestone, comment.body, is_guest=is_guest, is_staff=is_staff)
    comment.status = status.value
    if status == S.PUBLISHED:
        comment.published_at = now or utcnow()
    return status


def log_hold_list_match(comment: Comment, milestone: Milestone) -> None:
    """A new comment went to review under post-moderation because of the hold list."""
    if comment.status == S.PENDING.value and policy.moderation_mode(milestone) != "pre":
        log_decision(comment, A.HOLD, reason=HOLD_LIST_REASON, after=S.PENDING)


def revise(comment: Comment, text_status: CommentStatus, conflict: type[Exception]) -> None:
    """After the author's edit: a published comment whose new text needs review waits again."""
    if comment.status == S.PUBLISHED.value and text_status == S.PENDING:
        comment.status = S.PENDING.value
        log_decision(comment, A.HOLD, reason=EDITED_REASON, before=S.PUBLISHED, after=S.PENDING)
    flush(conflict)
    counters.recount_comments(comment.milestone_id)


def withdraw(comment: Comment, conflict: type[Exception]) -> None:
    """The author deletes the comment: the text goes, a line stays so that replies read on."""
    comment.status = S.DELETED.value
    comment.body = ""
    comment.body_html = ""
    if comment.answer_status == AnswerStatus.OPEN.value:
        comment.answer_status = None
    flush(conflict)
    counters.recount_comments(comment.milestone_id)


def decide(moderator: User, comment: Comment, action: ModerationAction, target: CommentStatus, reason: str,
           conflict: type[Exception]) -> ModerationDecision:
    """A moderator's decision: the new status, every open flag answered, the log entry."""
    now = utcnow()
    before = comment.status
    comment.status = target.value
    comment.decided_at = now
    if target == S.PUBLISHED:
        comment.moderation_reason = ""
        comment.published_at = comment.published_at or now
    elif target in REMOVED:
        comment.moderation_reason = reason
    flush(conflict)
    db.session.execute(
        update(Flag).where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None)).values(resolved_at=now)
    )
    decision = log_decision(comment, action, actor=moderator, reason=reason, before=before, after=target)
    counters.recount_comments(comment.milestone_id)
    db.session.flush()
    return decision


def auto_hide(comment: Comment) -> bool:
    """Hide a published comment once its open flags reach the threshold; True when it was hidden."""
    threshold = policy.auto_hide_threshold()
    open_flags = db.session.scalar(
        select(func.count(Flag.id)).where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
    )
    if threshold < 1 or open_flags < threshold:
        return False
    # Conditional: of two flags reaching the threshold at once, one hides the comment.
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == S.PUBLISHED.value)
        .values(status=S.HELD.value, decided_at=utcnow(), version=Comment.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    counters.expire_loaded(Comment, comment.id, "status", "decided_at", "version")
    log_decision(comment, A.AUTO_HIDE, reason=f"{open_flags} Meldungen (Schwelle {threshold})",
                 before=S.PUBLISHED, after=S.HELD)
    counters.recount_comments(comment.milestone_id)
    return True


def remove_texts_of_author(user_id: int) -> None:
    """The author takes the texts back: the thread shows "Kommentar gelöscht" in their place.

    Comments a moderator removed keep their status (and public reason) but lose the text too.
    The version moves on, so a moderator deciding on one of them at the same time gets a conflict.

    The author's words also leave the moderation log, the one change that append-only log
    allows (a Core UPDATE, past its ORM guard): the text a redaction cut out and the
    author's appeals. The decisions themselves stay, with who decided, when and why.
    """
    own_comments = select(Comment.id).where(Comment.author_id == user_id, Comment.is_official.is_(False))
    db.session.execute(
        update(ModerationDecision)
        .where(ModerationDecision.comment_id.in_(own_comments), ModerationDecision.original_body.is_not(None))
        .values(original_body=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ModerationDecision)
        .where(ModerationDecision.comment_id.in_(own_comments), ModerationDecision.action == A.APPEAL.value)
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    removable = [status.value for status in REMOVABLE_STATUSES]
    db.session.execute(
        update(Comment)
        .where(Comment.author_id == user_id, Comment.is_official.is_(False))
        .values(
            body="",
            body_html="",
            status=case((Comment.status.in_(removable), S.DELETED.value), else_=Comment.status),
            answer_status=case(
                (Comment.answer_status == AnswerStatus.OPEN.value, None), else_=Comment.answer_status
            ),
            version=Comment.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def purge_unconfirmed_guest_comments(now: datetime | None = None) -> int:
    """Delete guest comments whose confirmation link expired unused (name, address and text go
    with them; nobody but their writer ever saw them); commits. The number deleted."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["GUEST_COMMENT_CONFIRM_HOURS"])
    count = db.session.execute(
        delete(Comment)
        .where(Comment.guest_email.is_not(None), Comment.guest_confirmed_at.is_(None),
               Comment.status == S.PENDING.value, Comment.created_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    db.session.commit()
    return count
