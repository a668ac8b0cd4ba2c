"""`flask seed-demo`: the Musterstadt demo loads, is consistent, and is loaded only on purpose."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.demo import loader, participation
from app.models import (
    Champion,
    Comment,
    ContentPage,
    Department,
    Field,
    Milestone,
    MilestoneChange,
    ModerationDecision,
    ProgressUpdate,
    Role,
    Strategy,
    Subscription,
    User,
)
from app.pages.services import save_content_page
from app.progress import MilestoneStatus, is_stale, today

DEMO_COMMENTS = sum(1 + len(thread.replies) for thread in participation.THREADS)
PASSWORD_LINE = re.compile(r"^(Demo-[\w-]+): (\S+) / Passwort: (\S+)$", re.MULTILINE)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def milestones(db) -> list[Milestone]:
    return list(db.session.scalars(select(Milestone).order_by(Milestone.id)))


@pytest.fixture
def seeded(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def loaded(db):
    """The demo content without the accounts (hashing passwords is slow)."""
    loader.load()
    db.session.commit()


@pytest.mark.postgres
def test_seed_demo_loads_a_realistic_town(seeded, db):
    strategy = db.session.scalar(Strategy.select_current())
    assert strategy.period_from == today().year - 2 and strategy.period_to == today().year + 4
    assert strategy.council_decision_on < today() and strategy.council_decision_reference
    assert "Stabsstelle Digitalisierung" in strategy.lead_role
    assert "<strong>" in strategy.intro_html
    assert len(strategy.budget_years) == 7
    assert count(db, Field) == 6
    assert count(db, Department) == 8
    champions = list(db.session.scalars(select(Champion)))
    assert len(champions) == 6
    assert all(c.quote and c.department and not c.has_photo for c in champions)

    rows = milestones(db)
    assert 28 <= len(rows) <= 35
    assert {m.status for m in rows} == {s.value for s in MilestoneStatus}
    published = [m for m in rows if m.published]
    assert [m for m in published if m.is_overdue]
    assert [m for m in published if m.is_over_budget]
    assert [m for m in published if m.published_children]
    assert all(child.parent.parent is None for m in rows for child in m.children)
    assert [m for m in published if is_stale(m, 90)]
    assert 1 <= len([m for m in rows if not m.published]) <= 4
    assert len([m for m in rows if m.easy_summary]) >= 5
    assert all(m.description_html and m.progress_method and m.contact_role for m in rows)
    assert len([m for m in rows if m.champions]) >= 6
    assert any(m.participating_departments for m in rows)

    replanned = [m for m in rows if m.is_replanned]
    assert replanned
    for milestone in replanned:
        reasons = db.session.scalars(select(MilestoneChange.reason).where(
            MilestoneChange.milestone_id == milestone.id, MilestoneChange.kind == "target_date"
        )).all()
        assert reasons and all(reasons), milestone.slug

    assert 75 <= count(db, ProgressUpdate) <= 95
    updates = list(db.session.scalars(select(ProgressUpdate)))
    assert all(today() - timedelta(days=730) <= u.reported_on < today() for u in updates)
    assert 1 <= len([u for u in updates if u.edited_at is not None]) <= 3
    assert all(u.body_html and u.author_role for u in updates)
    assert "Demodaten geladen" in seeded.output


@pytest.mark.postgres
def test_history_ends_at_the_current_values(loaded, db):
    current = {
        "status": lambda m: m.status,
        "progress": lambda m: str(m.progress),
        "target_date": lambda m: m.target_date.isoformat(),
        "committed": lambda m: f"{m.committed:.2f}",
        "spent": lambda m: f"{m.spent:.2f}",
    }
    for milestone in milestones(db):
        changes = db.session.scalars(
            select(MilestoneChange)
            .where(MilestoneChange.milestone_id == milestone.id)
            .order_by(MilestoneChange.changed_on, MilestoneChange.id)
        ).all()
        by_kind = defaultdict(list)
        for change in changes:
            by_kind[change.kind].append(change)
        for kind, rows in by_kind.items():
            assert rows[-1].new_value == current[kind](milestone), (milestone.slug, kind)
            # each change starts where the previous one ended
            for before, after in zip(rows, rows[1:]):
                assert after.old_value == before.new_value, (milestone.slug, kind)
        if by_kind["target_date"]:
            assert by_kind["target_date"][0].old_value == milestone.original_target_date.isoformat()
        else:
            assert milestone.target_date == milestone.original_target_date
        if milestone.status != "planned":
            assert by_kind["status"][0].old_value == "planned", milestone.slug
        if milestone.status == "completed":
            assert milestone.progress == 100 and milestone.completed_on <= today()
        for change in changes:
            if change.progress_update is not None:
                assert change.changed_on == change.progress_update.reported_on


@pytest.mark.postgres
def test_money_is_consistent_and_the_strategy_budget_plausible(loaded, db):
    rows = milestones(db)
    for milestone in rows:
        assert milestone.planned == sum((f.amount for f in milestone.fundings), Decimal("0"))
        assert milestone.committed <= milestone.planned or milestone.is_over_budget, milestone.slug
        assert isinstance(milestone.spent, Decimal)
    strategy = db.session.scalar(Strategy.select_current())
    planned_by_year = defaultdict(Decimal)
    for milestone in rows:
        if milestone.budget_year is not None:
            planned_by_year[milestone.budget_year] += milestone.planned
    plan = {b.year: b.amount for b in strategy.budget_years}
    assert set(planned_by_year) <= set(plan)
    for year, planned in planned_by_year.items():
        assert planned <= plan[year], year
    for year in range(strategy.period_from, today().year + 1):
        # years already under way are almost fully allocated to milestones
        assert planned_by_year[year] >= plan[year] * Decimal("0.7"), year


def test_the_demo_is_dated_relative_to_the_day_it_is_loaded(db):
    later = date(2031, 3, 15)
    loader.load(on=later)
    strategy = db.session.scalar(Strategy.select_current())
    assert (strategy.period_from, strategy.period_to) == (2029, 2035)
    assert strategy.council_decision_on == date(2028, 11, 23)
    reported = db.session.scalars(select(ProgressUpdate.reported_on)).all()
    assert min(reported) >= later - timedelta(days=730) and max(reported) < later
    assert min(m.start_date for m in milestones(db)) > strategy.council_decision_on


def test_demo_accounts_are_created_with_printed_passwords(seeded, db):
    printed = {label: (email, pw) for label, email, pw in PASSWORD_LINE.findall(seeded.output)}
    assert set(printed) == {"Demo-Admin", "Demo-Redaktion", "Demo-Moderation", "Demo-Bürgerin"}
    expected_roles = {"Demo-Admin": Role.ADMIN, "Demo-Redaktion": Role.EDITOR,
                      "Demo-Moderation": Role.MODERATOR, "Demo-Bürgerin": Role.CITIZEN}
    for label, (email, password) in printed.items():
        user = db.session.scalar(User.select_by_email(email))
        assert user.roles == {expected_roles[label]}
        assert user.email_confirmed_at is not None
        assert password not in user.password_hash and verify_password(user.password_hash, password)
    assert printed["Demo-Admin"][0] == "admin@musterstadt.example"
    editor = db.session.scalar(User.select_by_email(printed["Demo-Redaktion"][0]))
    assert [d.slug for d in editor.departments] == ["buergerservice"]


def test_admin_email_option(runner, db):
    result = runner.invoke(args=["seed-demo", "--admin-email", " Chefin@Example.ORG "])
    assert result.exit_code == 0, result.output
    assert "Demo-Admin: chefin@example.org / Passwort: " in result.output
    assert db.session.scalar(User.select_by_email("chefin@example.org")).has_role(Role.ADMIN)
    assert db.session.scalar(User.select_by_email("admin@musterstadt.example")) is None


def test_invalid_admin_email_saves_nothing(runner, db):
    result = runner.invoke(args=["seed-demo", "--admin-email", "keine-adresse"])
    assert result.exit_code == 1
    assert "keine gültige E-Mail-Adresse" in result.output
    assert count(db, Strategy) == 0 and count(db, Milestone) == 0 and count(db, User) == 0


@pytest.mark.postgres
def test_second_run_refuses(seeded, runner, db):
    before = (count(db, Milestone), count(db, ProgressUpdate), count(db, User))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert (count(db, Milestone), count(db, ProgressUpdate), count(db, User)) == before


def test_refuses_when_only_departments_exist(runner, db):
    db.session.add(Department(name="Hauptamt", slug="hauptamt"))
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 1
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert count(db, Strategy) == 0


def test_if_empty_loads_once_and_then_does_nothing(runner, db):
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0 and "Passwort:" in first.output
    before = (count(db, Milestone), count(db, ProgressUpdate), count(db, User))
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert second.exit_code == 0
    assert "nichts geladen" in second.output and "Passwort" not in second.output
    assert (count(db, Milestone), count(db, ProgressUpdate), count(db, User)) == before


@pytest.mark.postgres
def test_force_reloads_and_keeps_accounts(seeded, runner, db):
    field = db.session.scalar(select(Field).where(Field.slug == "digitale-schule"))
    field.name = "Geändert"
    db.session.add(Department(name="Hauptamt", slug="hauptamt"))
    milestone = db.session.scalar(select(Milestone).where(Milestone.slug == "e-akte"))
    comment = Comment(milestone=milestone, body="Wann ist es fertig?", body_html="<p>Wann?</p>",
                      status="published")
    db.session.add_all([comment, Subscription(email="abo@example.org", field=field)])
    db.session.flush()
    db.session.add(ModerationDecision(comment_id=comment.id, action="approve"))
    db.session.commit()
    milestones_before = count(db, Milestone)

    result = runner.invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(db, Strategy) == 1 and count(db, Milestone) == milestones_before
    assert db.session.scalar(select(Field.name).where(Field.slug == "digitale-schule")) == "Digitale Schule"
    assert db.session.scalar(select(Department).where(Department.slug == "hauptamt")) is None
    # citizens' contributions went with the old milestones (the demo's own are loaded again);
    # the moderation log keeps its entry
    assert db.session.scalar(select(Comment).where(Comment.body == "Wann ist es fertig?")) is None
    assert count(db, Comment) == DEMO_COMMENTS and count(db, Subscription) == 0
    assert db.session.scalar(select(ModerationDecision.comment_id)) is None
    assert count(db, User) == 4 + len(participation.CITIZENS)
    assert "Passwort:" not in result.output and "unverändert" in result.output
    editor = db.session.scalar(User.select_by_email("redaktion@musterstadt.example"))
    assert [d.slug for d in editor.departments] == ["buergerservice"]


def test_force_and_if_empty_exclude_each_other(runner, db):
    result = runner.invoke(args=["seed-demo", "--force", "--if-empty"])
    assert result.exit_code == 1
    assert count(db, Strategy) == 0


def test_text_pages_are_added_but_never_overwritten(runner, db):
    save_content_page("impressum", "Impressum", "Text der Stadtverwaltung")
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    pages = {p.slug: p for p in db.session.scalars(select(ContentPage))}
    assert set(pages) == {"impressum", "datenschutz", "barrierefreiheit", "leichte-sprache",
                          "gebaerdensprache"}
    assert pages["impressum"].body_de == "Text der Stadtverwaltung"
    assert "Musterstadt" in pages["datenschutz"].body_de_html
    assert pages["gebaerdensprache"].video_url.startswith("https://")


@pytest.mark.postgres
def test_demo_participation_is_consistent_and_shows_every_state(seeded, db):
    from app.models import AnswerStatus, CommentRating, Flag, SupportVote
    assert "Beteiligung: " in seeded.output
    comments = list(db.session.scalars(select(Comment)))
    assert len(comments) == DEMO_COMMENTS
    # Counters kept in the rows equal the rows, as the app keeps them.
    for milestone in milestones(db):
        published = sum(1 for c in comments if c.milestone_id == milestone.id and c.status == "published")
        assert milestone.comment_count == published, milestone.slug
        votes = db.session.scalar(select(func.count()).where(SupportVote.milestone_id == milestone.id))
        assert milestone.support_count == votes, milestone.slug
    for comment in comments:
        ratings = list(db.session.scalars(select(CommentRating).where(CommentRating.comment_id == comment.id)))
        assert comment.helpful_count == sum(r.helpful for r in ratings)
        assert comment.unhelpful_count == sum(not r.helpful for r in ratings)
        flags = db.session.scalar(select(func.count()).where(Flag.comment_id == comment.id))
        assert comment.flag_count == flags
    # Every state a visitor, an editor and a moderator should see once.
    official = [c for c in comments if c.is_official]
    assert official and all(c.department_id == c.milestone.department_id for c in official)
    answer_states = {c.answer_status for c in comments if c.parent_id is None}
    assert answer_states == {AnswerStatus.OPEN.value, AnswerStatus.ANSWERED.value, AnswerStatus.NOT_NEEDED.value}
    assert any(c.status == "pending" for c in comments)
    assert any(c.flag_count > 0 and c.status == "published" for c in comments)
    # Only the printed demo citizen can sign in; the others have no password.
    citizens = [u for u in db.session.scalars(select(User)) if u.roles == {Role.CITIZEN}]
    assert sum(u.password_hash is not None for u in citizens) == 1
