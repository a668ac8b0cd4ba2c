"""Backend services: editing rules, the public history, editor scope and the audit log."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from app.auth.permissions import PermissionDenied
from app.backend import services
from app.backend.services import MilestoneData, ProgressData
from app.forms_base import ValidationFailed
from app.extensions import db as _db
from app.models import AuditEntry, FundingSource, Milestone, MilestoneChange, MilestoneSlug, ProgressUpdate
from app.progress import today
from tests.builders import make_admin, make_department, make_editor, make_field, make_milestone, make_update

# Also run against PostgreSQL (make test-postgres): constraints, JSON and money behave alike.
pytestmark = pytest.mark.postgres


def data_of(milestone: Milestone, **changes) -> MilestoneData:
    """The milestone's current values as form data, with some changed."""
    values = dict(
        title=milestone.title, slug=milestone.slug, summary=milestone.summary,
        description=milestone.description, easy_summary=milestone.easy_summary,
        field_id=milestone.field_id, parent_id=milestone.parent_id, weight=milestone.weight,
        status=milestone.status, progress=milestone.progress, progress_method=milestone.progress_method,
        start_date=milestone.start_date, original_target_date=milestone.original_target_date,
        target_date=milestone.target_date, completed_on=milestone.completed_on,
        department_id=milestone.department_id,
        participating_department_ids=[d.id for d in milestone.participating_departments],
        contact_role=milestone.contact_role, champion_ids=[c.id for c in milestone.champions],
        planned=milestone.planned, committed=milestone.committed, spent=milestone.spent,
        budget_year=milestone.budget_year,
        fundings=[services.FundingRow(f.source_id, f.amount) for f in milestone.fundings],
        published=milestone.published,
    )
    values.update(changes)
    return MilestoneData(**values)


def history(milestone: Milestone) -> dict[str, MilestoneChange]:
    rows = select(MilestoneChange).where(MilestoneChange.milestone_id == milestone.id)
    return {row.kind: row for row in _db.session.scalars(rows)}


@pytest.fixture
def setup(db):
    department = make_department()
    milestone = make_milestone(department=department, contact_role="Leitung Bürgerservice")
    editor = make_editor(department)
    admin = make_admin()
    db.session.commit()
    return milestone, editor, admin


# --- re-planning and history -----------------------------------------------------------


def test_replanning_requires_a_reason(setup):
    milestone, editor, _ = setup
    new_target = milestone.target_date + timedelta(days=90)
    with pytest.raises(ValidationFailed) as refused:
        services.update_milestone(editor, milestone, data_of(milestone, target_date=new_target))
    assert "replanning_reason" in refused.value.errors


def test_replanning_with_reason_writes_history(db, setup):
    milestone, editor, _ = setup
    old_target = milestone.target_date
    new_target = old_target + timedelta(days=90)
    services.update_milestone(editor, milestone, data_of(
        milestone, target_date=new_target, replanning_reason="Lieferverzug beim Dienstleister",
    ))
    db.session.commit()
    entry = history(milestone)["target_date"]
    assert (entry.old_value, entry.new_value) == (old_target.isoformat(), new_target.isoformat())
    assert entry.reason == "Lieferverzug beim Dienstleister"
    assert entry.author_role == "Leitung Bürgerservice"
    assert entry.changed_on == today()
    # The baseline stays, so the page can show that it was re-planned.
    assert milestone.original_target_date == old_target
    assert milestone.is_replanned


def test_status_progress_and_money_changes_enter_history(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(
        milestone, status="on_hold", progress=40, planned=Decimal("1234.50"), spent=Decimal("99.99"),
    ))
    db.session.commit()
    rows = history(milestone)
    assert set(rows) == {"status", "progress", "planned", "spent"}
    assert (rows["status"].old_value, rows["status"].new_value) == ("in_progress", "on_hold")
    assert (rows["progress"].old_value, rows["progress"].new_value) == ("0", "40")
    assert (rows["planned"].old_value, rows["planned"].new_value) == ("0.00", "1234.50")
    assert rows["spent"].new_value == "99.99"


def test_saving_unchanged_values_writes_no_history_and_no_audit_entry(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(milestone))
    db.session.commit()
    assert history(milestone) == {}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update")) is None


def test_completed_forces_100_and_completion_date(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(milestone, status="completed", progress=70))
    db.session.commit()
    assert milestone.progress == 100
    assert milestone.completed_on == today()
    assert history(milestone)["progress"].new_value == "100"


def test_leaving_completed_clears_completion_date(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(milestone, status="completed"))
    services.update_milestone(editor, milestone, data_of(milestone, status="in_progress", progress=90))
    db.session.commit()
    assert milestone.completed_on is None and milestone.progress == 90


# --- progress updates ------------------------------------------------------------------


def test_progress_update_applies_changes_linked_in_one_transaction(db, setup):
    milestone, editor, _ = setup
    reported = today() - timedelta(days=2)
    update = services.report_progress(editor, milestone, ProgressData(
        title="Pilot gestartet", body="Erste **Ämter** sind dabei.", reported_on=reported,
        author_role="Leitung Bürgerservice", new_status="completed",
        new_target_date=milestone.target_date + timedelta(days=10), reason="Abnahme verschoben",
    ))
    db.session.commit()
    assert update.body_html == "<p>Erste <strong>Ämter</strong> sind dabei.</p>\n"
    assert update.published_at is not None and update.author_id == editor.id
    assert milestone.status == "completed" and milestone.progress == 100
    assert milestone.completed_on == reported
    kinds = {c.kind: c for c in update.changes}
    assert set(kinds) == {"status", "progress", "target_date"}
    assert all(c.changed_on == reported and c.author_role == "Leitung Bürgerservice" for c in kinds.values())
    assert kinds["target_date"].reason == "Abnahme verschoben"


def test_progress_update_with_new_target_date_needs_reason(db, setup):
    milestone, editor, _ = setup
    with pytest.raises(ValidationFailed) as refused:
        services.report_progress(editor, milestone, ProgressData(
            title="Verzug", reported_on=today(), author_role="Leitung",
            new_target_date=milestone.target_date + timedelta(days=30),
        ))
    assert set(refused.value.errors) == {"reason"}
    db.session.rollback()
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_editing_published_update_sets_edited_at_but_draft_does_not(db, setup):
    milestone, editor, _ = setup
    published = make_update(milestone, published=True, published_at=today())
    draft = make_update(milestone, published=False)
    db.session.commit()
    for update in (published, draft):
        services.edit_progress_update(editor, update, ProgressData(
            title=update.title + " (korrigiert)", body=update.body, reported_on=update.reported_on,
            author_role=update.author_role, published=update.published,
        ))
    db.session.commit()
    assert published.edited_at is not None
    assert draft.edited_at is None


def test_progress_update_on_foreign_milestone_refused(db, setup):
    milestone, _, _ = setup
    stranger = make_editor(make_department())
    with pytest.raises(PermissionDenied):
        services.report_progress(stranger, milestone, ProgressData(
            title="x", reported_on=today(), author_role="x"))


# --- editor scope ----------------------------------------------------------------------


def test_editor_may_not_edit_milestone_of_another_department(setup):
    milestone, _, _ = setup
    stranger = make_editor(make_department())
    with pytest.raises(PermissionDenied):
        services.update_milestone(stranger, milestone, data_of(milestone, title="Übernommen"))


def test_editor_may_not_move_milestone_to_foreign_department(setup):
    milestone, editor, _ = setup
    foreign = make_department()
    with pytest.raises(PermissionDenied):
        services.update_milestone(editor, milestone, data_of(milestone, department_id=foreign.id))


def test_editor_may_move_between_own_departments_and_admin_anywhere(db, setup):
    milestone, editor, admin = setup
    second = make_department()
    editor.departments.append(second)
    services.update_milestone(editor, milestone, data_of(milestone, department_id=second.id))
    assert milestone.department_id == second.id
    services.update_milestone(admin, milestone, data_of(milestone, department_id=None))
    assert milestone.department_id is None


def test_editor_creates_only_in_own_department(db, setup):
    _, editor, _ = setup
    field = make_field()
    with pytest.raises(PermissionDenied):
        services.create_milestone(editor, MilestoneData(title="Neu", field_id=field.id, department_id=None))
    created = services.create_milestone(editor, MilestoneData(
        title="Neu", field_id=field.id, department_id=editor.departments[0].id))
    assert created.department_id == editor.departments[0].id


# --- slugs, parents, fundings ----------------------------------------------------------


def test_new_milestone_gets_unique_slug_from_title(db, setup):
    _, editor, _ = setup
    field = make_field()
    department_id = editor.departments[0].id
    first = services.create_milestone(editor, MilestoneData(title="Bürgerbüro öffnet", field_id=field.id,
                                                            department_id=department_id))
    second = services.create_milestone(editor, MilestoneData(title="Bürgerbüro öffnet!", field_id=field.id,
                                                             department_id=department_id))
    assert (first.slug, second.slug) == ("buergerbuero-oeffnet", "buergerbuero-oeffnet-2")
    assert first.original_target_date is None


def test_slug_rename_keeps_old_slug_for_redirect(db, setup):
    milestone, editor, _ = setup
    old = milestone.slug
    services.update_milestone(editor, milestone, data_of(milestone, slug="neuer-name"))
    db.session.commit()
    assert milestone.slug == "neuer-name"
    former = db.session.scalar(select(MilestoneSlug).where(MilestoneSlug.slug == old))
    assert former.milestone_id == milestone.id
    # Going back makes the old slug current again instead of a redirect to itself.
    services.update_milestone(editor, milestone, data_of(milestone, slug=old))
    db.session.commit()
    slugs = set(db.session.scalars(select(MilestoneSlug.slug).where(MilestoneSlug.milestone_id == milestone.id)))
    assert milestone.slug == old and slugs == {"neuer-name"}


def test_slug_of_another_milestone_past_or_present_is_refused(db, setup):
    milestone, editor, _ = setup
    other = make_milestone(department=milestone.department)
    db.session.add(MilestoneSlug(milestone=other, slug="frueher-anders"))
    db.session.flush()
    for taken in (other.slug, "frueher-anders"):
        with pytest.raises(ValidationFailed) as refused:
            services.update_milestone(editor, milestone, data_of(milestone, slug=taken))
        assert "slug" in refused.value.errors
    with pytest.raises(ValidationFailed):
        services.update_milestone(editor, milestone, data_of(milestone, slug="Groß Buchstaben"))


def test_parent_must_be_top_level_and_not_itself(db, setup):
    milestone, editor, _ = setup
    parent = make_milestone(department=milestone.department)
    child = make_milestone(department=milestone.department, parent=parent, field=parent.field)
    for parent_id in (milestone.id, child.id):
        with pytest.raises(ValidationFailed) as refused:
            services.update_milestone(editor, milestone, data_of(milestone, parent_id=parent_id))
        assert "parent_id" in refused.value.errors
    # A milestone with sub-milestones cannot become a sub-milestone itself.
    with pytest.raises(ValidationFailed):
        services.update_milestone(editor, parent, data_of(parent, parent_id=milestone.id))
    services.update_milestone(editor, milestone, data_of(milestone, parent_id=parent.id))
    assert milestone.parent_id == parent.id
    db.session.rollback()


def test_fundings_replace_rows_and_refuse_duplicates(db, setup):
    milestone, editor, _ = setup
    own, grant = FundingSource(name="Eigenmittel"), FundingSource(name="Förderprogramm", is_grant=True)
    db.session.add_all([own, grant])
    db.session.flush()
    rows = [services.FundingRow(own.id, Decimal("1000.00")), services.FundingRow(grant.id, Decimal("5000.50"))]
    services.update_milestone(editor, milestone, data_of(milestone, fundings=rows))
    db.session.commit()
    assert {f.source_id: f.amount for f in milestone.fundings} == {own.id: Decimal("1000.00"), grant.id: Decimal("5000.50")}
    services.update_milestone(editor, milestone, data_of(milestone, fundings=[services.FundingRow(grant.id, Decimal("1"))]))
    db.session.commit()
    assert [(f.source_id, f.amount) for f in milestone.fundings] == [(grant.id, Decimal("1.00"))]
    with pytest.raises(ValidationFailed) as refused:
        services.update_milestone(editor, milestone, data_of(milestone, fundings=[
            services.FundingRow(own.id, Decimal("1")), services.FundingRow(own.id, Decimal("2"))]))
    assert "fundings" in refused.value.errors


# --- audit log -------------------------------------------------------------------------


def test_audit_entry_records_actor_and_only_changed_values(db, setup):
    milestone, editor, _ = setup
    old_title = milestone.title
    services.update_milestone(editor, milestone, data_of(milestone, title="Neuer Titel", progress=25))
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "milestone"))
    assert (entry.actor_id, entry.actor_label, entry.action) == (editor.id, f"Konto #{editor.id}", "update")
    assert entry.object_id == str(milestone.id) and entry.object_label == "Neuer Titel"
    assert entry.before == {"title": old_title, "progress": 0}
    assert entry.after == {"title": "Neuer Titel", "progress": 25}


def test_creating_writes_audit_entry_with_all_values(db, setup):
    _, _, admin = setup
    field = make_field()
    created = services.create_milestone(admin, MilestoneData(title="Neu", field_id=field.id, planned=Decimal("12.5")))
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "create" and entry.before is None
    assert entry.after["title"] == "Neu" and entry.after["planned"] == "12.50"
    assert entry.after["slug"] == created.slug


def test_audit_log_is_append_only(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(milestone, title="Anders"))
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry))
    entry.action = "delete"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(db.session.scalar(select(AuditEntry)))
        db.session.flush()
    db.session.rollback()
    for statement in (update(AuditEntry).values(action="x"), delete(AuditEntry)):
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(select(AuditEntry)).action == "update"


def test_audit_entry_survives_deleting_the_account(db, setup):
    milestone, editor, _ = setup
    services.update_milestone(editor, milestone, data_of(milestone, title="Anders"))
    db.session.commit()
    editor_id = editor.id
    db.session.delete(editor)
    db.session.commit()
    db.session.expire_all()
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor_id is None and entry.actor_label == f"Konto #{editor_id}"
