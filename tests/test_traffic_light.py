"""The traffic light (Ampel): who may set it, the rules of a light and its note, its history,
the backend pages that show it and internal_sections() for the internal status report."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import PermissionDenied
from app.forms_base import ValidationFailed
from app.internal import services
from app.internal.services import LightData
from app.models import TrafficLight, TrafficLightChange, utcnow
from tests.builders import make_department, make_field, make_milestone
from tests.helpers.authz import LOGIN, table_gaps, users_by_role, walk

pytestmark = pytest.mark.postgres

ROLES = ("anonymous", "citizen", "editor_own", "editor_other", "moderator", "admin")
PREFIX = "internal."
#                                                   anon   citizen own  other  mod  admin
TABLE = {
    ("GET", "internal.overview"):                   (LOGIN, 403, 200, 200, 403, 200),
    ("GET", "internal.traffic_light"):              (LOGIN, 403, 200, 403, 403, 200),
    ("POST", "internal.traffic_light"):             (LOGIN, 403, 422, 403, 403, 422),
}


@pytest.fixture
def town(db):
    own, other = make_department("Bürgeramt"), make_department("IT-Abteilung")
    field = make_field()
    a = make_milestone("Bürgerportal", department=own, field=field)
    b = make_milestone("Schul-WLAN", department=other, field=field)
    users = users_by_role(own, other)
    db.session.commit()
    return {"own": own, "other": other, "a": a, "b": b, **users}


def history_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(TrafficLightChange))


# --- the service -------------------------------------------------------------------------------


def test_setting_a_light_keeps_the_current_state_and_every_change(db, town):
    a, editor = town["a"], town["editor_own"]
    services.set_light(editor, a, LightData("on_track"))
    services.set_light(editor, a, LightData("at_risk", "  Lieferant insolvent.\r\nEntscheidung nötig.  "))
    db.session.commit()
    current = services.current_light(a)
    assert current.light == "at_risk"
    assert current.note == "Lieferant insolvent.\nEntscheidung nötig."
    assert "<br>" in current.note_html
    assert current.set_by_id == editor.id and current.set_by_label == f"Konto #{editor.id}"
    assert [c.light for c in services.history(a)] == ["at_risk", "on_track"]
    assert services.set_by_name(current) == editor.display_name


@pytest.mark.parametrize(("data", "field"), [
    (LightData("purple", "x"), "light"),
    (LightData("", ""), "light"),
    (LightData("at_risk", ""), "note"),
    (LightData("critical", "   "), "note"),
    (LightData("on_track", "x" * 4001), "note"),
])
def test_bad_input_is_refused_with_a_message_for_its_field(db, town, data, field):
    with pytest.raises(ValidationFailed) as refused:
        services.set_light(town["admin"], town["a"], data)
    assert set(refused.value.errors) == {field}
    assert history_count(db) == 0


def test_an_unchanged_light_adds_no_history(db, town):
    services.set_light(town["admin"], town["a"], LightData("critical", "Budget fehlt."))
    with pytest.raises(ValidationFailed):
        services.set_light(town["admin"], town["a"], LightData("critical", "Budget fehlt. "))
    assert history_count(db) == 1


@pytest.mark.parametrize("role", ["editor_other", "moderator", "citizen"])
def test_only_admins_and_editors_of_the_milestone_set_it(db, town, role):
    with pytest.raises(PermissionDenied):
        services.set_light(town[role], town["a"], LightData("on_track"))
    assert history_count(db) == 0


def test_the_database_refuses_an_unknown_light(db, town):
    db.session.add(TrafficLight(milestone_id=town["a"].id, light="green", set_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_history_is_append_only(db, town):
    services.set_light(town["admin"], town["a"], LightData("on_track"))
    db.session.commit()
    entry = db.session.scalar(select(TrafficLightChange))
    entry.note = "umgeschrieben"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_deleting_a_milestone_deletes_its_light(db, town):
    b = make_milestone(department=town["own"], field=town["a"].field)
    services.set_light(town["admin"], b, LightData("critical", "weg damit"))
    db.session.commit()
    db.session.delete(b)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TrafficLight)) == 0
    assert history_count(db) == 0


def test_lights_by_department_groups_worst_first_and_scopes_editors(db, town):
    a, b, admin = town["a"], town["b"], town["admin"]
    c = make_milestone("Antragsportal", department=town["own"], field=a.field)
    services.set_light(admin, a, LightData("at_risk", "Risiko A"))
    services.set_light(admin, b, LightData("critical", "Risiko B"))
    services.set_light(admin, c, LightData("critical", "Risiko C"))
    db.session.commit()
    groups = services.lights_by_department(admin, services.WARNING_LIGHTS)
    assert [(g.department.name, [t.milestone.title for t in g.lights]) for g in groups] == [
        ("Bürgeramt", ["Antragsportal", "Bürgerportal"]),
        ("IT-Abteilung", ["Schul-WLAN"]),
    ]
    mine = services.lights_by_department(town["editor_own"], services.WARNING_LIGHTS)
    assert [g.department.name for g in mine] == ["Bürgeramt"]
    assert services.lights_by_department(town["moderator"]) == []
    services.set_light(admin, c, LightData("on_track"))
    assert [t.milestone.title for g in services.lights_by_department(admin, services.WARNING_LIGHTS)
            for t in g.lights] == ["Bürgerportal", "Schul-WLAN"]


def test_internal_sections_now_and_as_of_a_date(db, town):
    a, b, admin = town["a"], town["b"], town["admin"]
    services.set_light(admin, a, LightData("at_risk", "damals"))
    db.session.commit()
    # Backdate the first change (the history is append-only, so through SQL).
    db.session.execute(
        TrafficLightChange.__table__.update().values(set_at=utcnow() - timedelta(days=30))
    )
    services.set_light(admin, a, LightData("critical", "heute"))
    db.session.commit()

    now = services.internal_sections([a.id, b.id])
    assert set(now) == {a.id}
    assert (now[a.id].light, now[a.id].note) == ("critical", "heute")
    assert now[a.id].as_dict()["set_by"] == f"Konto #{admin.id}"

    then = services.internal_sections([a.id, b.id], as_of=utcnow() - timedelta(days=10))
    assert (then[a.id].light, then[a.id].note) == ("at_risk", "damals")
    assert services.internal_sections([a.id], as_of=utcnow() - timedelta(days=60)) == {}
    assert services.internal_sections([]) == {}


# --- the routes --------------------------------------------------------------------------------


def test_every_internal_route_is_in_the_table(app):
    missing, gone = table_gaps(app, TABLE, PREFIX)
    assert missing == set() and gone == set()


@pytest.mark.parametrize("role", ROLES)
def test_internal_route_permissions(auth, app, db, town, role):
    client = app.test_client()
    if town[role] is not None:
        auth.sign_in(town[role], client=client)
    values = {"milestone_id": town["a"].id}
    assert walk(app, client, TABLE, ROLES.index(role), PREFIX, values, {"light": "purple"}) == []
    assert history_count(db) == 0


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_an_editor_sets_the_light_through_the_form(auth, app, db, town, prefix):
    client = app.test_client()
    auth.sign_in(town["editor_own"], client=client)
    url = f"{prefix}/verwaltung/etappenziele/{town['a'].id}/ampel"
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    response = client.post(url, data={"light": "critical", "note": "Stadtrat muss entscheiden."})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Stadtrat muss entscheiden." in page
    label = {"": "kritisch", "/en": "critical"}[prefix]
    assert f'<span class="tag tag-alert">{label}</span>' in page
    edit = client.get(f"{prefix}/verwaltung/etappenziele/{town['a'].id}").get_data(as_text=True)
    assert 'id="traffic-light-title"' in edit and "/ampel" in edit
    dashboard = client.get(f"{prefix}/verwaltung").get_data(as_text=True)
    assert 'id="lights-title"' in dashboard and "Bürgerportal" in dashboard


@pytest.mark.parametrize(("prefix", "form", "message"), [
    ("", {"light": "purple"}, "Bitte wählen Sie „im Plan“, „gefährdet“ oder „kritisch“."),
    ("", {"light": "at_risk", "note": ""}, "das Risiko und die nötigen Entscheidungen"),
    ("/en", {"light": "at_risk", "note": ""}, "describe the risk and the decisions needed"),
    ("/en", {}, "Please choose"),
])
def test_bad_input_answers_422_with_a_translated_message(auth, app, db, town, prefix, form, message):
    client = app.test_client()
    auth.sign_in(town["admin"], client=client)
    response = client.post(f"{prefix}/verwaltung/etappenziele/{town['a'].id}/ampel", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert history_count(db) == 0


def test_a_moderator_sees_no_lights_on_the_dashboard(auth, app, db, town):
    services.set_light(town["admin"], town["a"], LightData("critical", "Geheim"))
    db.session.commit()
    client = app.test_client()
    auth.sign_in(town["moderator"], client=client)
    page = client.get("/verwaltung").get_data(as_text=True)
    assert "Geheim" not in page and 'id="lights-title"' not in page


def test_an_editor_sees_only_the_lights_of_own_departments(auth, app, db, town):
    services.set_light(town["admin"], town["a"], LightData("critical", "Notiz A"))
    services.set_light(town["admin"], town["b"], LightData("critical", "Notiz B"))
    db.session.commit()
    client = app.test_client()
    auth.sign_in(town["editor_other"], client=client)
    for path in ("/verwaltung", "/verwaltung/ampel"):
        page = client.get(path).get_data(as_text=True)
        assert "Notiz B" in page and "Notiz A" not in page


@pytest.mark.app_config(REQUIRE_ADMIN_2FA=True)
def test_the_pages_wait_for_an_admins_second_factor(auth, app, db, town):
    client = app.test_client()
    auth.sign_in(town["admin"], client=client)
    for path in ("/verwaltung/ampel", f"/verwaltung/etappenziele/{town['a'].id}/ampel"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/konto/zwei-faktor"), path
