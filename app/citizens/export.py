"""Download my data: everything the portal stores about an account, as one JSON document."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.audit import json_value
from app.extensions import db
from app.models import (
    Comment,
    CommentRating,
    Flag,
    Milestone,
    ModerationDecision,
    OutboxMail,
    Subscription,
    SupportVote,
    User,
    UserBlock,
    utcnow,
)

FORMAT = "etappen-konto-export"
VERSION = 1


def _milestone(milestone: Milestone | None) -> dict | None:
    if milestone is None:
        return None
    return {"id": milestone.id, "slug": milestone.slug, "title": milestone.title}


def account_data(user: User) -> dict:
    """The account's profile, contributions and subscriptions, JSON-safe.

    Secrets (password hash, second-factor secret, recovery codes, link tokens) are left out:
    they are not information about the person and would only help an attacker who gets the file.
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": json_value(utcnow()),
        "account": _profile(user),
        "comments": _comments(user),
        "support_votes": _votes(user),
        "ratings": _ratings(user),
        "flags": _flags(user),
        "subscriptions": _subscriptions(user.email),
        "blocks": _blocks(user),
        "moderation_decisions": _decisions(user),
        "mails": _mails(user.email),
    }


def _profile(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(role.value for role in user.roles),
        "departments": [department.name for department in user.departments],
        "locale": user.locale,
        "active": user.active,
        "created_at": json_value(user.created_at),
        "email_confirmed_at": json_value(user.email_confirmed_at),
        "last_login_at": json_value(user.last_login_at),
        "password_changed_at": json_value(user.password_changed_at),
        "second_factor": user.has_second_factor,
        "notifications": {
            "replies": user.notify_replies,
            "official_answers": user.notify_answers,
            "moderation_decisions": user.notify_moderation,
        },
    }


def _comments(user: User) -> list[dict]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id)
        .options(joinedload(Comment.milestone)).order_by(Comment.created_at, Comment.id)
    )
    return [
        {
            "id": comment.id,
            "milestone": _milestone(comment.milestone),
            "reply_to": comment.parent_id,
            "text": comment.body,
            "status": comment.status,
            "official_answer": comment.is_official,
            "created_at": json_value(comment.created_at),
            "edited_at": json_value(comment.edited_at),
            "published_at": json_value(comment.published_at),
            "moderation_reason": comment.moderation_reason,
            "helpful": comment.helpful_count,
            "not_helpful": comment.unhelpful_count,
        }
        for comment in comments
    ]


def _votes(user: User) -> list[dict]:
    rows = db.session.execute(
        select(SupportVote, Milestone).join(Milestone, Milestone.id == SupportVote.milestone_id)
        .where(SupportVote.user_id == user.id).order_by(SupportVote.created_at)
    )
    return [{"milestone": _milestone(milestone), "created_at": json_value(vote.created_at)}
            for vote, milestone in rows]


def _ratings(user: User) -> list[dict]:
    ratings = db.session.scalars(
        select(CommentRating).where(CommentRating.user_id == user.id).order_by(CommentRating.created_at)
    )
    return [{"comment_id": rating.comment_id, "helpful": rating.helpful, "created_at": json_value(rating.created_at)}
            for rating in ratings]


def _flags(user: User) -> list[dict]:
    flags = db.session.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.created_at))
    return [
        {"comment_id": flag.comment_id, "reason": flag.reason, "text": flag.text,
         "created_at": json_value(flag.created_at), "resolved_at": json_value(flag.resolved_at)}
        for flag in flags
    ]


def _subscriptions(address: str) -> list[dict]:
    subscriptions = db.session.scalars(
        select(Subscription).where(Subscription.email == address)
        .options(joinedload(Subscription.milestone), joinedload(Subscription.field))
        .order_by(Subscription.created_at)
    )
    return [
        {
            "milestone": _milestone(subscription.milestone),
            "field": ({"id": subscription.field.id, "slug": subscription.field.slug, "name": subscription.field.name}
                      if subscription.field is not None else None),
            "locale": subscription.locale,
            "created_at": json_value(subscription.created_at),
            "confirmed_at": json_value(subscription.confirmed_at),
            "notified_until": json_value(subscription.notified_until),
        }
        for subscription in subscriptions
    ]


def _blocks(user: User) -> list[dict]:
    blocks = db.session.scalars(select(UserBlock).where(UserBlock.user_id == user.id).order_by(UserBlock.created_at))
    return [
        {"reason": block.reason, "created_at": json_value(block.created_at), "until": json_value(block.until),
         "lifted_at": json_value(block.lifted_at)}
        for block in blocks
    ]


def _decisions(user: User) -> list[dict]:
    """Moderation decisions about the account or its comments (without who decided)."""
    own_comments = select(Comment.id).where(Comment.author_id == user.id)
    decisions = db.session.scalars(
        select(ModerationDecision)
        .where(or_(ModerationDecision.subject_user_id == user.id, ModerationDecision.comment_id.in_(own_comments)))
        .order_by(ModerationDecision.created_at, ModerationDecision.id)
    )
    return [
        {"comment_id": decision.comment_id, "action": decision.action, "reason": decision.reason,
         "status_before": decision.status_before, "status_after": decision.status_after,
         "created_at": json_value(decision.created_at)}
        for decision in decisions
    ]


def _mails(address: str) -> list[dict]:
    """Mails to the address still in the outbox (subject and dates; bodies may hold live links)."""
    mails = db.session.scalars(
        select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.created_at)
    )
    return [{"subject": mail.subject, "created_at": json_value(mail.created_at), "sent_at": json_value(mail.sent_at)}
            for mail in mails]
