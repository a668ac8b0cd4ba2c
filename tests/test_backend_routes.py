"""Backend pages through the test client: dashboard, forms, preview, expired forms, lists, log."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from app.backend.reminders import send_stale_reminders
from app.extensions import db as _db
from app.models import AuditEntry, Champion, FundingSource, Milestone, OutboxMail, ProgressUpdate
from app.progress import today
from app.settings import set_setting
from tests.builders import days_ago, make_admin, make_department, make_editor, make_field, make_funding
from tests.builders import make_milestone, make_update
from tests.helpers.pages import heading


def text(response) -> str:
    return response.get_data(as_text=True)


def milestone_form(milestone: Milestone, **changes) -> dict:
    """The form fields as the browser would send them for the milestone, with changes."""
    data = {
        "title": milestone.title, "slug": milestone.slug, "summary": milestone.summary,
        "description": milestone.description, "easy_summary": milestone.easy_summary,
        "field_id": str(milestone.field_id), "parent_id": "", "weight": str(milestone.weight),
        "status": milestone.status, "progress": str(milestone.progress), "progress_method": "",
        "start_date": "", "original_target_date": milestone.original_target_date.isoformat(),
        "target_date": milestone.target_date.isoformat(), "completed_on": "", "replanning_reason": "",
        "department_id": str(milestone.department_id), "contact_role": "",
        "planned": "0", "committed": "0", "spent": "0", "budget_year": "",
        "fundings-0-source_id": "", "fundings-0-amount": "",
        "published": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def scene(db):
    """Two departments, an editor of the first, an admin, milestones in both."""
    own, other = make_department(name="Bürgerservice"), make_department(name="Bauamt")
    field = make_field(name="Verwaltung digital")
    mine = make_milestone("Online-Terminvergabe", field=field, department=own, target_date=days_ago(5))
    make_update(mine, reported_on=days_ago(10))
    theirs = make_milestone("Digitale Bauakte", field=field, department=other, target_date=days_ago(3))
    make_update(theirs, reported_on=days_ago(400))
    editor = make_editor(own, display_name="Erika Redakteurin")
    admin = make_admin(display_name="Anton Admin")
    db.session.commit()
    return dict(own=own, other=other, field=field, mine=mine, theirs=theirs, editor=editor, admin=admin)


# --- dashboard -------------------------------------------------------------------------


def test_editor_dashboard_shows_own_milestones_and_own_overdue_only(auth, client, scene):
    auth.sign_in(scene["editor"])
    page = text(client.get("/verwaltung"))
    mine_section = page.split('id="mine-title"')[1].split("</section>")[0]
    overdue = page.split('id="overdue-title"')[1].split("</section>")[0]
    assert "Online-Terminvergabe" in mine_section and "Digitale Bauakte" not in mine_section
    assert "Online-Terminvergabe" in overdue and "Digitale Bauakte" not in overdue


@pytest.mark.postgres
def test_admin_dashboard_shows_all_overdue_stale_and_money(auth, db, client, scene):
    source = FundingSource(name="Förderprogramm Land", is_grant=True)
    make_funding(scene["mine"], "800.00", source)
    scene["mine"].planned = Decimal("1234.50")
    scene["theirs"].planned = Decimal("100")
    scene["theirs"].spent = Decimal("150")
    db.session.commit()
    auth.sign_in(scene["admin"])
    page = text(client.get("/verwaltung"))
    overdue = page.split('id="overdue-title"')[1].split("</section>")[0]
    stale = page.split('id="stale-title"')[1].split("</section>")[0]
    money = page.split('id="money-title"')[1].split("</section>")[0]
    assert "Online-Terminvergabe" in overdue and "Digitale Bauakte" in overdue
    assert "Digitale Bauakte" in stale and "Online-Terminvergabe" not in stale
    assert "1.334,50\xa0€" in money  # the field's sum of both milestones
    assert "1.234,50\xa0€" in money and "über Plan" in money
    assert "Förderprogramm Land" in money and "800,00\xa0€" in money
    assert 'id="mine-title"' not in page


def test_stale_threshold_comes_from_settings(auth, db, client, scene):
    set_setting("stale_after_days", 5)
    db.session.commit()
    auth.sign_in(scene["admin"])
    stale = text(client.get("/verwaltung")).split('id="stale-title"')[1].split("</section>")[0]
    assert "Online-Terminvergabe" in stale


def test_moderator_dashboard_offers_no_edit_links(auth, db, client, scene):
    auth.as_role("moderator")
    page = text(client.get("/verwaltung"))
    assert "Digitale Bauakte" in page
    assert "/fortschritt" not in page and 'id="mine-title"' not in page


def test_backend_pages_are_not_cached_and_exist_in_english(auth, client, scene):
    auth.sign_in(scene["editor"])
    response = client.get("/en/verwaltung")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    page = text(response)
    assert '<html lang="en">' in page
    assert '<span lang="de">Online-Terminvergabe</span>' in page


# --- milestone form --------------------------------------------------------------------


@pytest.mark.postgres
def test_editor_saves_milestone_with_german_money(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    response = client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(
        mine, planned="1.234,50", committed="800", spent="12,5", description="**Neu** <script>x</script>"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (mine.planned, mine.committed, mine.spent) == (Decimal("1234.50"), Decimal("800.00"), Decimal("12.50"))
    assert "<script>" not in mine.description_html and "<strong>Neu</strong>" in mine.description_html


def test_invalid_input_is_kept_and_summarised(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    new_target = (mine.target_date + timedelta(days=30)).isoformat()
    response = client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(
        mine, title="Mein getippter Titel", planned="zwölf Euro", target_date=new_target))
    page = text(response)
    assert response.status_code == 422
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#planned">' in summary
    assert 'value="Mein getippter Titel"' in page and 'value="zwölf Euro"' in page
    assert re.search(r'<input aria-describedby="planned-error" aria-invalid="true"[^>]*id="planned"', page)
    db.session.expire_all()
    assert mine.title == "Online-Terminvergabe"


def test_replanning_without_reason_is_reported_with_other_errors(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    new_target = (mine.target_date + timedelta(days=30)).isoformat()
    page = text(client.post(f"/verwaltung/etappenziele/{mine.id}",
                            data=milestone_form(mine, target_date=new_target, title="")))
    assert '<a href="#replanning_reason">' in page and '<a href="#title">' in page
    assert 'value="' + new_target + '"' in page


def test_service_errors_reach_the_form(auth, db, client, scene):
    auth.sign_in(scene["admin"])
    mine, theirs = scene["mine"], scene["theirs"]
    page = text(client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(mine, slug=theirs.slug)))
    assert '<a href="#slug">Adresse (Slug): Diese Adresse ist schon vergeben.</a>' in page
    assert f'value="{theirs.slug}"' in page


def test_editor_cannot_pick_foreign_department(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    page = text(client.get(f"/verwaltung/etappenziele/{mine.id}"))
    department_select = page.split('id="department_id"')[1].split("</select>")[0]
    assert "Bürgerservice" in department_select and "Bauamt" not in department_select
    response = client.post(f"/verwaltung/etappenziele/{mine.id}",
                           data=milestone_form(mine, department_id=str(scene["other"].id)))
    assert response.status_code == 422 and '<a href="#department_id">' in text(response)
    db.session.expire_all()
    assert mine.department_id == scene["own"].id


def test_preview_shows_sanitized_markdown_without_saving(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    response = client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(
        mine, title="", description="# Plan\n\n[klick](javascript:alert(1)) <img src=x onerror=alert(1)>",
        preview="Vorschau"))
    page = text(response)
    assert response.status_code == 200  # a preview is not a refusal
    preview = page.split('class="preview-body"')[1].split("</section>")[0]
    assert "<h3>Plan</h3>" in preview  # under the preview's h2
    assert 'href="javascript' not in preview and "<img" not in preview
    assert "error-summary" not in page  # a preview is not a failed save
    db.session.expire_all()
    assert mine.title == "Online-Terminvergabe"


def test_new_milestone_through_form(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    response = client.post("/verwaltung/etappenziele/neu", data={
        "title": "E-Akte für alle", "field_id": str(scene["field"].id), "weight": "2", "status": "planned",
        "progress": "0", "target_date": "2030-06-30", "department_id": str(scene["own"].id),
        "participating_department_ids": [str(scene["other"].id)], "planned": "10.000",
    })
    assert response.status_code == 302
    created = db.session.scalar(select(Milestone).where(Milestone.slug == "e-akte-fuer-alle"))
    assert created.planned == Decimal("10000.00") and created.weight == 2
    assert [d.name for d in created.participating_departments] == ["Bauamt"]
    assert created.original_target_date == created.target_date and not created.published


def test_milestone_title_keeps_no_line_breaks_or_control_characters(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    response = client.post("/verwaltung/etappenziele/neu", data={
        "title": "E-Akte\r\nfür\x00 alle\x1b", "field_id": str(scene["field"].id), "weight": "1",
        "status": "planned", "progress": "0", "department_id": str(scene["own"].id),
    })
    assert response.status_code == 302
    created = db.session.scalar(select(Milestone).where(Milestone.slug == "e-akte-fuer-alle"))
    assert created.title == "E-Akte für alle"


# --- progress reporting ----------------------------------------------------------------


@pytest.mark.postgres
def test_progress_form_creates_update_and_changes(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    page = text(client.get(f"/verwaltung/etappenziele/{mine.id}/fortschritt"))
    assert 'name="author_role"' in page
    response = client.post(f"/verwaltung/etappenziele/{mine.id}/fortschritt", data={
        "title": "Zweiter Standort angebunden", "body": "Läuft.", "reported_on": today().isoformat(),
        "author_role": "Leitung Bürgerservice", "new_status": "", "new_progress": "60",
        "new_target_date": "", "reason": "", "published": "y",
    })
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.title == "Zweiter Standort angebunden"))
    assert [(c.kind, c.new_value) for c in update.changes] == [("progress", "60")]
    listing = text(client.get(f"/verwaltung/etappenziele/{mine.id}/meldungen"))
    assert "Zweiter Standort angebunden" in listing and "Fortschritt: 0\xa0% → 60\xa0%" in listing


def test_progress_form_requires_reason_for_new_target_date(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    response = client.post(f"/verwaltung/etappenziele/{mine.id}/fortschritt", data={
        "title": "Verzögerung", "reported_on": today().isoformat(), "author_role": "Leitung",
        "new_target_date": "2031-01-01", "published": "y",
    })
    assert response.status_code == 422
    assert '<a href="#reason">' in text(response) and 'value="Verzögerung"' in text(response)
    assert db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.title == "Verzögerung")) is None


def test_editing_published_update_shows_geaendert(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.milestone_id == mine.id))
    update.published_at = update.created_at
    db.session.commit()
    response = client.post(f"/verwaltung/etappenziele/{mine.id}/fortschritt/{update.id}", data={
        "title": "Korrigierter Titel", "body": update.body, "reported_on": update.reported_on.isoformat(),
        "author_role": update.author_role, "published": "y",
    })
    assert response.status_code == 302
    listing = text(client.get(f"/verwaltung/etappenziele/{mine.id}/meldungen"))
    assert "Korrigierter Titel" in listing and "geändert am" in listing


# --- expired or missing CSRF token -----------------------------------------------------


def test_missing_csrf_token_keeps_input_and_saves_nothing(auth, csrf_client):
    own = make_department()
    mine = make_milestone(department=own, title="Original")
    editor = make_editor(own)
    _db.session.commit()
    auth.sign_in(editor, client=csrf_client)
    response = csrf_client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(
        mine, title="Lange getippter Titel", csrf_token="abgelaufen"))
    page = text(response)
    assert response.status_code == 400
    assert "Das Formular war abgelaufen" in page
    assert 'value="Lange getippter Titel"' in page
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', page)  # a fresh token to resend
    _db.session.expire_all()
    assert mine.title == "Original"
    assert _db.session.scalar(select(AuditEntry)) is None


def test_missing_csrf_token_for_anonymous_is_a_plain_400(csrf_client):
    response = csrf_client.post("/verwaltung/etappenziele/neu", data={"title": "x"})
    assert response.status_code == 400
    assert 'value="x"' not in text(response)


# --- champion photo through the form -------------------------------------------------


def test_champion_photo_upload_and_download(auth, db, client, scene):
    auth.sign_in(scene["admin"])
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 80, 160)).save(png, "PNG")
    response = client.post("/verwaltung/helden/neu", content_type="multipart/form-data", data={
        "name": "Petra Pionierin", "role": "Leitung IT", "department_id": "", "quote": "",
        "photo_consent_on": "2025-02-01", "photo": (io.BytesIO(png.getvalue()), "foto.png"),
    })
    assert response.status_code == 302
    champion = db.session.scalar(select(Champion))
    photo = client.get(f"/verwaltung/helden/{champion.id}/foto")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert Image.open(io.BytesIO(photo.data)).size == (40, 30)


def test_champion_form_refuses_non_image_with_message(auth, db, client, scene):
    auth.sign_in(scene["admin"])
    response = client.post("/verwaltung/helden/neu", content_type="multipart/form-data", data={
        "name": "Petra", "role": "Leitung", "photo_consent_on": "2025-02-01",
        "photo": (io.BytesIO(b"GIF89a not really"), "foto.png"),
    })
    assert response.status_code == 422
    assert "Die Datei ist kein Bild im Format PNG, JPEG oder WebP." in text(response)
    assert db.session.scalar(select(Champion)) is None


NOT_AN_IMAGE = b"GIF89a not really"

REFUSED_UPLOADS = {
    # url: (form data, message shown)
    "/verwaltung/helden/neu": (
        {"name": "Petra", "role": "Leitung", "photo_consent_on": "2025-02-01",
         "photo": (io.BytesIO(NOT_AN_IMAGE), "foto.png")},
        "Die Datei ist kein Bild im Format PNG, JPEG oder WebP."),
    "/verwaltung/einstellungen/logo": ({"logo-file": (io.BytesIO(NOT_AN_IMAGE), "logo.png")}, None),
    "/verwaltung/csv/vorschau": ({"file": (io.BytesIO(b"\x00\x01\x02 kein CSV"), "daten.csv")}, None),
}


@pytest.mark.parametrize("url", list(REFUSED_UPLOADS))
def test_refused_uploads_answer_422(auth, db, client, scene, url):
    """Issue 14: a refused champion photo answered 200; every refused staff upload is a 422."""
    data, message = REFUSED_UPLOADS[url]
    auth.sign_in(scene["admin"])
    response = client.post(url, content_type="multipart/form-data", data=data)
    assert response.status_code == 422
    assert 'class="error-summary"' in text(response) or "error-message" in text(response)
    if message:
        assert message in text(response)


# --- lists: bad input, pagination, query counts ---------------------------------------


@pytest.mark.parametrize("query", ["page=abc", "page=-3", "page=99999", "field=x&status=unknown&published=vielleicht"])
def test_bad_list_parameters_never_fail(auth, client, scene, query):
    auth.sign_in(scene["admin"])
    for url in ("/verwaltung/etappenziele", "/verwaltung/protokoll", "/verwaltung/handlungsfelder"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
    page = text(client.get("/verwaltung/etappenziele?page=99999"))
    assert "Auf dieser Seite gibt es keine Einträge." in page
    if "unknown" in query:
        assert "Einige Filterwerte waren ungültig" in text(client.get(f"/verwaltung/etappenziele?{query}"))


@pytest.mark.postgres
def test_milestone_list_filters_and_paginates(auth, db, app, client, scene):
    app.config["PER_PAGE"] = 2
    for n in range(3):
        make_milestone(f"Breitband {n}", field=scene["field"], department=scene["own"])
    db.session.commit()
    auth.sign_in(scene["editor"])
    first = text(client.get("/verwaltung/etappenziele?q=BREITBAND"))
    assert "3 Einträge" in first and "Breitband 0" in first and "Breitband 2" not in first
    second = text(client.get("/verwaltung/etappenziele?q=BREITBAND&page=2"))
    assert "Breitband 2" in second and 'href="/verwaltung/etappenziele?q=BREITBAND&amp;page=1"' in second
    # Editors see their departments' milestones only.
    assert "Digitale Bauakte" not in text(client.get("/verwaltung/etappenziele?q=bauakte"))


def _count(client, count_queries, url):
    assert client.get(url).status_code == 200
    _db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.postgres
@pytest.mark.parametrize("url", ["/verwaltung", "/verwaltung/etappenziele", "/verwaltung/protokoll"])
def test_query_count_does_not_grow_with_rows(auth, db, client, count_queries, scene, url):
    auth.sign_in(scene["admin"])

    def add(n):
        for i in range(n):
            department = make_department()
            m = make_milestone(field=make_field(), department=department, target_date=days_ago(2))
            make_update(m, reported_on=days_ago(300))
            make_funding(m, "10", source_name=f"Quelle {m.id}")
            _db.session.add(AuditEntry(actor_id=scene["admin"].id, action="update", object_type="milestone",
                                       object_id=str(m.id), before={}, after={}))
        db.session.commit()

    add(2)
    small = _count(client, count_queries, url)
    add(12)
    assert _count(client, count_queries, url) == small


# --- audit log -------------------------------------------------------------------------


@pytest.mark.postgres
def test_audit_log_lists_and_filters_entries(auth, db, client, scene):
    auth.sign_in(scene["admin"])
    mine = scene["mine"]
    client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(mine, title="Termine online"))
    client.post("/verwaltung/handlungsfelder/neu", data={"name": "Schule digital", "slug": "", "position": "3"})
    page = text(client.get("/verwaltung/protokoll"))
    assert "Termine online" in page and "Schule digital" in page
    assert "Online-Terminvergabe" in page  # the value before
    only_fields = text(client.get("/verwaltung/protokoll?object_type=field"))
    assert "Schule digital" in only_fields and "Termine online" not in only_fields
    auth.sign_in(scene["editor"])
    client.post(f"/verwaltung/etappenziele/{mine.id}/fortschritt", data={
        "title": "Meldung der Redaktion", "reported_on": today().isoformat(), "author_role": "Leitung"})
    auth.sign_in(scene["admin"])
    by_editor = text(client.get(f"/verwaltung/protokoll?actor={scene['editor'].id}"))
    assert "Meldung der Redaktion" in by_editor and "Schule digital" not in by_editor
    unknown_actor = text(client.get("/verwaltung/protokoll?actor=999999"))
    assert "Einige Filterwerte waren ungültig" in unknown_actor
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert "Keine Einträge gefunden." in text(client.get(f"/verwaltung/protokoll?date_from={tomorrow}"))
    assert "Schule digital" in text(client.get(f"/verwaltung/protokoll?date_from={today().isoformat()}&date_to={today().isoformat()}"))


# --- stale reminders -------------------------------------------------------------------


def test_remind_stale_mails_each_editor_their_stale_milestones(db, scene):
    second = make_editor(scene["other"])
    make_editor(make_department())  # nothing stale: no mail
    db.session.commit()
    sent = []
    count = send_stale_reminders(lambda to, subject, template, **context: sent.append((to, template, context)))
    assert count == 1 and len(sent) == 1
    to, template, context = sent[0]
    assert to == second and template == "remind_stale"
    assert [m.title for m in context["milestones"]] == ["Digitale Bauakte"] and context["days"] == 90


@pytest.mark.postgres
def test_remind_stale_command_renders_the_mail(db, runner, scene):
    make_editor(scene["other"], email="bau@example.org")
    db.session.commit()
    result = runner.invoke(args=["remind-stale"])
    assert result.exit_code == 0 and "1 reminder(s) sent." in result.output
    mail = db.session.scalar(select(OutboxMail))
    assert mail.to_address == "bau@example.org"
    assert "Digitale Bauakte" in mail.body_text
    assert f"/verwaltung/etappenziele/{scene['theirs'].id}/fortschritt" in mail.body_text


# --- strategy ------------------------------------------------------------------------


def test_strategy_form_creates_strategy_and_reports_row_errors(auth, db, client, scene):
    auth.sign_in(scene["admin"])
    base = {"title": "Digitale Teststadt", "period_from": "2024", "period_to": "2030", "intro": "",
            "council_decision_url": "https://example.org/b", "document_url": ""}
    twice = {**base, "budget_years-0-year": "2025", "budget_years-0-amount": "100.000",
             "budget_years-1-year": "2025", "budget_years-1-amount": "1,00"}
    page = text(client.post("/verwaltung/strategie", data=twice))
    assert '<a href="#budget_years-0-year">' in page and "Jedes Jahr darf nur einmal vorkommen." in page
    bad_link = {**base, "council_decision_url": "javascript:alert(1)"}
    assert '<a href="#council_decision_url">' in text(client.post("/verwaltung/strategie", data=bad_link))
    ok = {**base, "budget_years-0-year": "2025", "budget_years-0-amount": "100.000",
          "budget_years-1-year": "", "budget_years-1-amount": ""}
    assert client.post("/verwaltung/strategie", data=ok).status_code == 302
    page = text(client.get("/verwaltung/strategie"))
    assert 'value="Digitale Teststadt"' in page and 'value="100.000,00"' in page


def test_renamed_slug_keeps_public_link_working(auth, db, client, scene):
    auth.sign_in(scene["editor"])
    mine = scene["mine"]
    old_slug = mine.slug
    response = client.post(f"/verwaltung/etappenziele/{mine.id}", data=milestone_form(mine, slug="termine-online"))
    assert response.status_code == 302
    redirect = client.get(f"/etappenziele/{old_slug}")
    assert redirect.status_code in (301, 308)
    assert redirect.headers["Location"].endswith("/etappenziele/termine-online")
    assert client.get("/etappenziele/termine-online").status_code == 200
    assert heading(client.get("/etappenziele/termine-online")) == mine.title
