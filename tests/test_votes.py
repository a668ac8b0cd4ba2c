"""Support votes and helpful ratings: one per account, counters always equal to the rows."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.auth.permissions import PermissionDenied
from app.extensions import db
from app.models import Comment, CommentRating, Milestone, SupportVote, UserBlock
from app.comments import counters
from app.comments import errors
from app.participation.services import votes as participation_votes
from tests.builders import make_citizen, make_milestone
from tests.builders.comments import make_comment

# Also run against PostgreSQL (`make test-postgres`): locks, counters and constraints differ.
pytestmark = pytest.mark.postgres


def assert_counters_match_rows() -> None:
    """Every stored counter equals the rows it counts."""
    db.session.expire_all()
    for milestone in db.session.scalars(select(Milestone)):
        votes = db.session.scalar(select(func.count(SupportVote.id)).where(SupportVote.milestone_id == milestone.id))
        assert milestone.support_count == votes, milestone.slug
    for comment in db.session.scalars(select(Comment)):
        helpful = db.session.scalar(select(func.count(CommentRating.id)).where(
            CommentRating.comment_id == comment.id, CommentRating.helpful.is_(True)))
        unhelpful = db.session.scalar(select(func.count(CommentRating.id)).where(
            CommentRating.comment_id == comment.id, CommentRating.helpful.is_(False)))
        assert (comment.helpful_count, comment.unhelpful_count, comment.score) == (
            helpful, unhelpful, helpful - unhelpful), comment.id


@pytest.fixture
def milestone(db):
    milestone = make_milestone()
    db.session.commit()
    return milestone


def support_count(milestone_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Milestone, milestone_id).support_count


def test_one_support_per_account(milestone):
    citizen = make_citizen()
    db.session.commit()
    assert participation_votes.support(citizen, milestone) is True
    assert participation_votes.support(citizen, db.session.get(Milestone, milestone.id)) is False
    assert support_count(milestone.id) == 1
    assert_counters_match_rows()


def test_support_counts_each_account(milestone):
    citizens = [make_citizen() for _ in range(3)]
    db.session.commit()
    for citizen in citizens:
        participation_votes.support(citizen, db.session.get(Milestone, milestone.id))
    assert support_count(milestone.id) == 3
    assert participation_votes.has_supported(citizens[0], milestone)
    assert_counters_match_rows()


def test_support_can_be_withdrawn_once(milestone):
    citizen = make_citizen()
    db.session.commit()
    participation_votes.support(citizen, milestone)
    assert participation_votes.withdraw_support(citizen, db.session.get(Milestone, milestone.id)) is True
    assert participation_votes.withdraw_support(citizen, db.session.get(Milestone, milestone.id)) is False
    assert support_count(milestone.id) == 0
    assert not participation_votes.has_supported(citizen, milestone)
    assert participation_votes.support(citizen, db.session.get(Milestone, milestone.id)) is True
    assert support_count(milestone.id) == 1
    assert_counters_match_rows()


def test_a_vote_that_exists_already_is_rolled_back_cleanly(milestone):
    """The unique constraint wins a race: the loser gets False, the counter stays right."""
    citizen = make_citizen()
    db.session.add(SupportVote(milestone_id=milestone.id, user_id=citizen.id))
    db.session.get(Milestone, milestone.id).support_count = 1
    db.session.commit()
    assert participation_votes.support(citizen, db.session.get(Milestone, milestone.id)) is False
    # The session is usable again after the rollback.
    other = make_citizen()
    db.session.commit()
    assert participation_votes.support(other, db.session.get(Milestone, milestone.id)) is True
    assert support_count(milestone.id) == 2
    assert_counters_match_rows()


def test_blocked_account_may_withdraw_its_support(milestone):
    citizen = make_citizen()
    db.session.commit()
    participation_votes.support(citizen, milestone)
    db.session.add(UserBlock(user_id=citizen.id))
    db.session.commit()
    assert participation_votes.withdraw_support(citizen, db.session.get(Milestone, milestone.id)) is True
    assert support_count(milestone.id) == 0


def test_unpublished_milestone_cannot_be_supported(db):
    draft = make_milestone(published=False)
    citizen = make_citizen()
    db.session.commit()
    with pytest.raises(errors.NotPossible):
        participation_votes.support(citizen, draft)
    assert db.session.scalar(select(func.count(SupportVote.id))) == 0


def test_withdrawing_needs_a_signed_in_account(milestone):
    with pytest.raises(PermissionDenied):
        participation_votes.withdraw_support(None, milestone)


# --- ratings ----------------------------------------------------------------------------------------


@pytest.fixture
def rated(milestone):
    author = make_citizen()
    comment = make_comment(milestone, author, "Hilfreich?")
    raters = [make_citizen() for _ in range(3)]
    db.session.commit()
    return comment, raters


def counts(comment_id: int) -> tuple[int, int]:
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    return comment.helpful_count, comment.unhelpful_count


def test_rating_is_one_per_account_and_changeable(rated):
    comment, (rater, *_) = rated
    participation_votes.rate_comment(rater, comment, True)
    participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), True)
    assert counts(comment.id) == (1, 0)
    participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), False)
    assert counts(comment.id) == (0, 1)
    assert db.session.scalar(select(func.count(CommentRating.id))) == 1
    participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), None)
    assert counts(comment.id) == (0, 0)
    participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), None)
    assert counts(comment.id) == (0, 0)
    assert_counters_match_rows()


def test_ratings_of_several_accounts_add_up(rated):
    comment, raters = rated
    for rater, helpful in zip(raters, (True, True, False)):
        participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), helpful)
    assert counts(comment.id) == (2, 1)
    assert_counters_match_rows()


def test_a_later_change_of_a_rated_comment_keeps_its_score(rated):
    """The score moves in SQL with the counts; an object loaded before the votes, changed and
    saved afterwards (an edit, a moderator's decision) must not write its stale difference."""
    comment, raters = rated
    loaded_before = db.session.get(Comment, comment.id)
    assert loaded_before.score == 0
    for rater, helpful in zip(raters, (True, True, False)):
        participation_votes.rate_comment(rater, db.session.get(Comment, comment.id), helpful)
    loaded_before.body = "Hilfreich? (bearbeitet)"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).score == 1
    assert_counters_match_rows()


def test_own_comment_cannot_be_rated(rated):
    comment, _ = rated
    with pytest.raises(errors.NotPossible):
        participation_votes.rate_comment(comment.author, comment, True)
    assert counts(comment.id) == (0, 0)


def test_only_published_comments_are_rated(milestone):
    pending = make_comment(milestone, make_citizen(), status="pending")
    rater = make_citizen()
    db.session.commit()
    with pytest.raises(errors.NotPossible):
        participation_votes.rate_comment(rater, pending, True)


def test_unconfirmed_account_cannot_rate(rated):
    comment, _ = rated
    unconfirmed = make_citizen(confirmed=False)
    db.session.commit()
    with pytest.raises(errors.NotConfirmed):
        participation_votes.rate_comment(unconfirmed, comment, True)
    assert counts(comment.id) == (0, 0)


def test_a_vote_that_lost_a_lock_race_is_run_again(milestone, monkeypatch):
    """SQLite's "database is locked" (busy timeout) rolls back and retries; other errors do not."""
    citizen = make_citizen()
    db.session.commit()
    calls = []
    original = counters.add_support

    def locked_once(milestone_id, delta):
        calls.append(delta)
        if len(calls) == 1:
            raise OperationalError("UPDATE milestone ...", {}, Exception("database is locked"))
        original(milestone_id, delta)

    monkeypatch.setattr(counters, "add_support", locked_once)
    assert participation_votes.support(citizen, milestone) is True
    assert calls == [1, 1]
    assert support_count(milestone.id) == 1
    assert_counters_match_rows()
    db.session.commit()  # the view commits the vote

    def broken(milestone_id, delta):
        raise OperationalError("UPDATE milestone ...", {}, Exception("disk I/O error"))

    monkeypatch.setattr(counters, "add_support", broken)
    with pytest.raises(OperationalError):
        participation_votes.withdraw_support(citizen, db.session.get(Milestone, milestone.id))
    assert support_count(milestone.id) == 1
