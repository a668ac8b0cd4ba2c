"""Editors fill the English texts in the same backend forms as the German ones."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Champion, Field, ProgressUpdate, Strategy
from app.progress import today
from tests.builders import make_department, make_field, make_milestone
from tests.test_backend_routes import milestone_form


def text(response) -> str:
    return response.get_data(as_text=True)


def test_milestone_form_saves_english_texts(auth, db, client):
    department = make_department()
    milestone = make_milestone("Online-Antrag", department=department, field=make_field())
    auth.as_role("editor", department)
    form = text(client.get(f"/verwaltung/etappenziele/{milestone.id}"))
    assert 'name="title_en"' in form and 'name="description_en"' in form
    assert 'id="title_en" lang="en"' in form
    response = client.post(f"/verwaltung/etappenziele/{milestone.id}", data=milestone_form(
        milestone, title_en="Online application", summary_en="Apply online",
        description_en="A **long** text", contact_role_en="Head of citizen services",
    ))
    assert response.status_code == 302
    db.session.refresh(milestone)
    assert (milestone.title_en, milestone.summary_en, milestone.contact_role_en) == (
        "Online application", "Apply online", "Head of citizen services")
    assert "<strong>long</strong>" in milestone.description_en_html
    assert milestone.title == "Online-Antrag"
    # Emptying the English description empties its HTML, so the German one shows again.
    client.post(f"/verwaltung/etappenziele/{milestone.id}", data=milestone_form(milestone, description_en=""))
    db.session.refresh(milestone)
    assert milestone.description_en_html == ""


def test_progress_form_saves_english_texts(auth, db, client):
    department = make_department()
    milestone = make_milestone(department=department)
    auth.as_role("editor", department)
    response = client.post(f"/verwaltung/etappenziele/{milestone.id}/fortschritt", data={
        "title": "Start", "body": "Los", "title_en": "Launch", "body_en": "*Off* we go",
        "reported_on": today().isoformat(), "author_role": "Leitung", "published": "y",
    })
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.title == "Start"))
    assert update.title_en == "Launch" and "<em>Off</em>" in update.body_en_html


def test_strategy_field_and_champion_forms_save_english_texts(auth, db, client):
    auth.as_role("admin")
    assert client.post("/verwaltung/strategie", data={
        "title": "Digitalstrategie", "title_en": "Digital strategy", "intro": "Hallo", "intro_en": "Hello",
        "lead_role": "Bürgermeisterin", "lead_role_en": "Mayor",
        "period_from": "2024", "period_to": "2030",
    }).status_code == 302
    strategy = db.session.scalar(select(Strategy))
    assert strategy.title_en == "Digital strategy" and strategy.intro_en_html.strip() == "<p>Hello</p>"
    assert strategy.lead_role_en == "Mayor"

    page = text(client.get("/verwaltung/handlungsfelder/neu"))
    assert 'name="name_en"' in page and 'lang="en"' in page
    assert client.post("/verwaltung/handlungsfelder/neu", data={
        "name": "Schule", "name_en": "School", "description_en": "Schools online", "slug": "", "position": "1",
    }).status_code == 302
    field = db.session.scalar(select(Field).where(Field.name == "Schule"))
    assert (field.name_en, field.description_en) == ("School", "Schools online")

    assert client.post("/verwaltung/helden/neu", content_type="multipart/form-data", data={
        "name": "Petra Pionierin", "role": "Leitung IT", "role_en": "Head of IT", "quote_en": "Let's go",
        "department_id": "",
    }).status_code == 302
    champion = db.session.scalar(select(Champion))
    assert (champion.role_en, champion.quote_en) == ("Head of IT", "Let's go")
