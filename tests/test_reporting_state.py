"""The state at a date: recording of the structure, the rebuilt values, the dated view."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db as _db
from app.models import MilestoneChange
from app.progress import today
from app.public import queries as public_queries
from app.reporting import snapshot, state
from tests.builders import make_admin, make_department, make_field, make_milestone
from tests.builders.reporting import edit, on_day, set_recorded_since, values_of

# Also run against PostgreSQL (make test-postgres): the window query over the history.
pytestmark = pytest.mark.postgres

PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
START = 200  # days ago: the first day of the edit sequences


@pytest.fixture
def world(app, db, monkeypatch):
    set_recorded_since(today() - timedelta(days=START + 10))
    department = make_department()
    admin = make_admin()
    fields = [make_field("Bürgerservice"), make_field("Schule")]
    db.session.commit()
    return admin, department, fields


def new_milestone(department, field, **kw):
    milestone = make_milestone(department=department, field=field, target_date=today() + timedelta(days=90),
                               planned=Decimal("1000.00"), **kw)
    milestone.created_at = milestone.created_at - timedelta(days=START + 5)
    _db.session.flush()
    return milestone


def snapshot_values(values: dict) -> dict:
    """The values of values_of() as a report snapshot stores them."""
    return {
        "status": values["status"], "progress": float(values["progress"]), "title": values["title"],
        "weight": values["weight"], "field_id": values["field_id"],
        "target_date": values["target_date"].isoformat() if values["target_date"] else None,
        **{kind: f"{values[kind]:.2f}" for kind in ("planned", "committed", "spent")},
    }


def kinds_and_values(fields_count: int):
    return st.one_of(
        st.tuples(st.just("status"), st.sampled_from(["planned", "in_progress", "on_hold", "completed", "cancelled"])),
        st.tuples(st.just("progress"), st.integers(0, 100)),
        st.tuples(st.just("target_date"), st.integers(-300, 300).map(lambda n: today() + timedelta(days=n))),
        st.tuples(st.sampled_from(["planned", "committed", "spent"]), st.integers(0, 10**6).map(lambda c: f"{c / 100:.2f}")),
        st.tuples(st.just("title"), st.sampled_from(["Bürgerkonto", "E-Akte", "Onlinezugang", "Ümlaut-Portal"])),
        st.tuples(st.just("published"), st.booleans()),
        st.tuples(st.just("weight"), st.integers(1, 5)),
        st.tuples(st.just("field_id"), st.integers(0, fields_count - 1)),
    )


# Each day: a gap of 1-20 days after the one before, and 1-3 edits on it.
edit_days = st.lists(
    st.tuples(st.integers(1, 20), st.lists(kinds_and_values(2), min_size=1, max_size=3)),
    min_size=1, max_size=6,
)


@PROPERTY_SETTINGS
@given(days=edit_days)
def test_state_at_each_day_equals_a_plain_replay(world, client, monkeypatch, days):
    admin, department, fields = world
    milestone = new_milestone(department, fields[0])
    day = today() - timedelta(days=START)
    expected = {day - timedelta(days=1): values_of(milestone)}
    for gap, edits in days:
        day += timedelta(days=gap)
        for kind, value in edits:
            if kind == "field_id":
                value = fields[value].id
            edit(admin, milestone, day, kind, value, monkeypatch)
        expected[day] = values_of(milestone)
    _db.session.commit()
    for on, values in expected.items():
        found = state.state_at(on).by_id.get(milestone.id)
        # Hidden on a day it was unpublished, and on every day while it is unpublished now.
        if not (values["published"] and milestone.published):
            assert found is None, on
            continue
        assert found is not None, on
        assert values_of(found) == values, on
        # A report for that day freezes the same values.
        frozen = snapshot.build(on, None, stale_after_days=30)["milestones"][str(milestone.id)]
        assert frozen == {**frozen, **snapshot_values(values)}, on
    # The dated view shows the milestone with its title of the day, or not at all.
    last_day, last = max(expected.items())
    field_slug = next(f.slug for f in fields if f.id == last["field_id"])
    page = client.get(f"/stand/{last_day.isoformat()}/{field_slug}").get_data(as_text=True)
    link = f'href="/etappenziele/{milestone.slug}">{last["title"]}</a>'
    assert (link in page) == (last["published"] and milestone.published)


def test_recording_writes_structure_changes_and_keeps_them_out_of_the_public_history(world, monkeypatch):
    admin, department, fields = world
    milestone = new_milestone(department, fields[0])
    parent = new_milestone(department, fields[0])
    day = today() - timedelta(days=3)
    with on_day(monkeypatch, day):
        milestone.title = "Neuer Titel"
        milestone.published = False
        milestone.weight = 3
        milestone.parent_id = parent.id
        milestone.field_id = fields[1].id
        _db.session.flush()
    rows = _db.session.scalars(select(MilestoneChange).where(MilestoneChange.milestone_id == milestone.id)).all()
    assert {(r.kind, r.new_value, r.changed_on) for r in rows} == {
        ("title", "Neuer Titel", day), ("publication", "false", day), ("weight", "3", day),
        ("parent", str(parent.id), day), ("field", str(fields[1].id), day),
    }
    assert public_queries.milestone_history(milestone) == []


def test_days_before_recording_use_todays_structure_and_say_so(app, db, client, monkeypatch):
    set_recorded_since(today() - timedelta(days=10))
    field = make_field("Bürgerservice")
    shown = make_milestone("Heute veröffentlicht", field=field)
    hidden = make_milestone("Heute nicht veröffentlicht", field=field, published=False)
    db.session.commit()
    result = state.state_at(today() - timedelta(days=30))
    assert result.approximate
    assert set(result.by_id) == {shown.id}
    early = (today() - timedelta(days=30)).isoformat()
    page = client.get(f"/stand/{early}/{field.slug}").get_data(as_text=True)
    assert "erst seit dem" in page and "Heute veröffentlicht" in page and hidden.title not in page
    assert f'href="/stand/{early}/{field.slug}"' in client.get(f"/stand/{early}").get_data(as_text=True)
    assert "erst seit dem" not in client.get(f"/stand/{today().isoformat()}").get_data(as_text=True)
    assert client.get(f"/stand/{early}/gibt-es-nicht").status_code == 404


def test_created_after_the_day_is_not_shown(app, db):
    set_recorded_since(today() - timedelta(days=30))
    make_milestone("Neu")
    db.session.commit()
    assert state.state_at(today() - timedelta(days=1)).by_id == {}
    assert len(state.state_at(today()).by_id) == 1


@pytest.mark.parametrize("path, status, message", [
    ("/stand/2025-02-30", 404, "kein gültiges Datum"),
    ("/stand/gestern", 404, "kein gültiges Datum"),
    ("/stand/9999-01-01", 400, "in der Zukunft"),
    ("/en/stand/9999-01-01", 400, "in the future"),
    ("/stand?day=kaputt", 404, "kein gültiges Datum"),
    # date.fromisoformat alone would take these: one address per day only.
    ("/stand/2024-W01-1", 404, "kein gültiges Datum"),
    ("/stand/20240101", 404, "kein gültiges Datum"),
    ("/stand/٢٠٢٤-٠١-٠١", 404, "kein gültiges Datum"),
])
def test_bad_days_get_a_message(app, db, client, path, status, message):
    answer = client.get(path)
    assert answer.status_code == status
    assert message in answer.get_data(as_text=True)


def test_day_form_redirects_to_the_dated_view(app, db, client):
    assert client.get("/stand").status_code == 200
    answer = client.get("/en/stand?day=2025-06-30")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/en/stand/2025-06-30")


def test_state_at_runs_a_fixed_number_of_statements(app, db, count_queries):
    set_recorded_since(today() - timedelta(days=30))
    for n in range(5):
        milestone = make_milestone(f"Ziel {n}")
        milestone.created_at -= timedelta(days=40)
        milestone.progress = 50
    db.session.commit()
    with count_queries() as counter:
        state.state_at(today() - timedelta(days=20))
    assert counter.count <= 4
