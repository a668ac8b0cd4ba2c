"""Contact forms: a message to the responsible department, a barrier report (issue 13, item 2)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db as _db
from app.models import AuditEntry, Department, OutboxMail
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from config import TestingConfig
from tests.builders import make_admin, make_department, make_field, make_milestone, make_update
from tests.conftest import FreshContextClient

SECRET = "fb-buergerservice-intern@musterstadt.example"


def mails() -> list[OutboxMail]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def contact_data(**extra) -> dict:
    return {"name": "Erika Muster", "email": "erika@example.org", "message": "Wann kommt das Konto?",
            "website": "", "form_started": new_form_stamp(), **extra}


def barrier_data(**extra) -> dict:
    return {"page_url": "https://portal.example/etappenziele", "description": "Der Filter ist nicht per Tastatur bedienbar.",
            "email": "", "website": "", "form_started": new_form_stamp(), **extra}


@pytest.fixture
def town(db):
    field = make_field("Bürgerservice online", slug="buergerservice")
    amt = make_department("Bürgeramt", slug="buergeramt")
    amt.contact_email = SECRET
    quiet = make_department("Stilles Amt", slug="stilles-amt")
    milestone = make_milestone("Bürgerkonto", slug="buergerkonto", field=field, department=amt,
                               contact_role="Leitung Bürgerservice")
    make_update(milestone)
    other = make_milestone("Ohne Adresse", slug="ohne-adresse", field=field, department=quiet)
    db.session.commit()
    return {"amt": amt, "quiet": quiet, "milestone": milestone, "other": other}


# --- the department's address --------------------------------------------------------------------


def test_admin_sets_the_department_address_with_an_audit_entry(auth, client, db):
    admin = make_admin()
    amt = make_department("Bürgeramt", slug="buergeramt")
    db.session.commit()
    auth.sign_in(admin)
    form = client.get(f"/verwaltung/organisationseinheiten/{amt.id}").get_data(as_text=True)
    assert 'name="contact_email"' in form
    bad = client.post(f"/verwaltung/organisationseinheiten/{amt.id}",
                      data={"name": "Bürgeramt", "slug": "buergeramt", "contact_email": "kein-at"})
    assert bad.status_code == 422 and 'value="kein-at"' in bad.get_data(as_text=True)
    saved = client.post(f"/verwaltung/organisationseinheiten/{amt.id}",
                        data={"name": "Bürgeramt", "slug": "buergeramt", "contact_email": SECRET})
    assert saved.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Department, amt.id).contact_email == SECRET
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "department")
                              .order_by(AuditEntry.id.desc()))
    assert entry.after["contact_email"] == SECRET


PUBLIC_PATHS = ["/", "/etappenziele", "/etappenziele/buergerkonto", "/en/etappenziele/buergerkonto",
                "/organisationseinheiten", "/handlungsfelder/buergerservice", "/etappenziele/buergerkonto/kontakt",
                "/organisationseinheiten/buergeramt/kontakt", "/api/v1/milestones", "/api/v1/departments",
                "/feeds/fortschritt.atom", "/daten/etappenziele.csv", "/einbetten/etappenziel/buergerkonto",
                "/kalender.ics", "/sitemap.xml"]


def test_department_address_never_appears_publicly(client, town):
    checked = 0
    for path in PUBLIC_PATHS:
        response = client.get(path)
        if response.status_code == 404:
            continue
        checked += 1
        assert SECRET not in response.get_data(as_text=True), path
    assert checked >= 8
    client.post("/etappenziele/buergerkonto/kontakt", data=contact_data())
    sent = client.get("/kontakt/gesendet").get_data(as_text=True)
    assert SECRET not in sent


# --- writing to the department ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_milestone_page_links_a_form_that_writes_to_the_department(client, town, prefix):
    page = client.get(f"{prefix}/etappenziele/buergerkonto").get_data(as_text=True)
    assert f'href="{prefix}/etappenziele/buergerkonto/kontakt"' in page
    form = client.get(f"{prefix}/etappenziele/buergerkonto/kontakt")
    assert form.status_code == 200 and "Leitung Bürgerservice" in form.get_data(as_text=True)

    response = client.post(f"{prefix}/etappenziele/buergerkonto/kontakt", data=contact_data())
    assert response.status_code == 303
    [mail] = mails()
    assert mail.to_address == SECRET
    assert mail.headers["Reply-To"] == "erika@example.org"
    assert "Bürgerkonto" in mail.subject
    assert "Leitung Bürgerservice" in mail.body_text and "Wann kommt das Konto?" in mail.body_text
    assert "Erika Muster" in mail.body_text


def test_department_page_links_its_own_form(client, town):
    page = client.get("/organisationseinheiten").get_data(as_text=True)
    assert 'href="/organisationseinheiten/buergeramt/kontakt"' in page
    assert client.post("/organisationseinheiten/buergeramt/kontakt", data=contact_data()).status_code == 303
    assert [m.to_address for m in mails()] == [SECRET]


def test_invalid_message_answers_422_and_keeps_the_input(client, town):
    response = client.post("/etappenziele/buergerkonto/kontakt",
                           data=contact_data(email="kein-at", message="Mein Text bleibt"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Erika Muster"' in page and "Mein Text bleibt</textarea>" in page
    assert mails() == []
    empty = client.post("/etappenziele/buergerkonto/kontakt", data=contact_data(message=""))
    assert empty.status_code == 422 and mails() == []


def test_honeypot_and_fill_time_are_checked(client, town, app):
    assert client.post("/etappenziele/buergerkonto/kontakt", data=contact_data(website="spam")).status_code == 422
    app.config["FORM_MIN_FILL_SECONDS"] = 60
    assert client.post("/etappenziele/buergerkonto/kontakt", data=contact_data()).status_code == 422
    assert mails() == []


def test_without_address_the_form_is_not_offered_but_the_general_contact_is(client, town):
    set_setting("contact_email", "rathaus@musterstadt.example")
    _db.session.commit()
    page = client.get("/etappenziele/ohne-adresse/kontakt").get_data(as_text=True)
    assert "kein Kontaktformular eingerichtet" in page and "rathaus@musterstadt.example" in page
    assert 'name="message"' not in page
    assert client.post("/etappenziele/ohne-adresse/kontakt", data=contact_data()).status_code == 409
    assert mails() == []


# --- barrier report ------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_accessibility_statement_links_the_barrier_form(client, db, prefix):
    page = client.get(f"{prefix}/barrierefreiheit").get_data(as_text=True)
    assert f'href="{prefix}/barriere-melden"' in page


def test_barrier_report_goes_to_the_contact_address_with_a_receipt(client, db):
    set_setting("contact_email", "barrierefrei@musterstadt.example")
    _db.session.commit()
    response = client.post("/en/barriere-melden", data=barrier_data(email="hans@example.org"))
    assert response.status_code == 303
    report, receipt = mails()
    assert report.to_address == "barrierefrei@musterstadt.example"
    assert report.headers["Reply-To"] == "hans@example.org"
    assert "nicht per Tastatur" in report.body_text and "https://portal.example/etappenziele" in report.body_text
    assert receipt.to_address == "hans@example.org"
    assert "barrier" in receipt.subject.lower()  # in the sender's language (English)


def test_barrier_report_without_address_sends_no_receipt(client, db):
    set_setting("contact_email", "barrierefrei@musterstadt.example")
    _db.session.commit()
    assert client.post("/barriere-melden", data=barrier_data(page_url="")).status_code == 303
    assert [m.to_address for m in mails()] == ["barrierefrei@musterstadt.example"]


def test_barrier_report_errors_keep_the_input(client, db):
    set_setting("contact_email", "barrierefrei@musterstadt.example")
    _db.session.commit()
    response = client.post("/barriere-melden", data=barrier_data(description="", email="kein-at",
                                                                   page_url="/meine-seite"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="/meine-seite"' in page and 'value="kein-at"' in page
    assert mails() == []


# --- rate limits -------------------------------------------------------------------------------------------


@pytest.fixture
def limited_app():
    app = create_app(TestingConfig, RATELIMIT_ENABLED=True, CONTACT_LIMIT_PER_IP="4 per hour",
                     CONTACT_LIMIT_PER_ADDRESS="2 per hour")
    app.test_client_class = FreshContextClient
    with app.app_context():
        _db.create_all()
        amt = make_department("Bürgeramt", slug="buergeramt")
        amt.contact_email = SECRET
        make_milestone("Bürgerkonto", slug="buergerkonto", department=amt)
        set_setting("contact_email", "barrierefrei@musterstadt.example")
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def test_contact_forms_are_rate_limited_per_address_and_per_ip(limited_app):
    client = limited_app.test_client()
    same = [client.post("/etappenziele/buergerkonto/kontakt", data=contact_data()).status_code for _ in range(3)]
    assert same == [303, 303, 429]
    throttled = client.post("/etappenziele/buergerkonto/kontakt", data=contact_data(email="b@example.org",
                                                                                     message="Bitte aufheben"))
    assert throttled.status_code == 303  # a new address; the refused try counted for the IP, too
    again = client.post("/barriere-melden", data=barrier_data(email="c@example.org", description="Text bleibt"))
    assert again.status_code == 429 and "Text bleibt</textarea>" in again.get_data(as_text=True)
    assert len(mails()) == 3
