"""iCalendar files of target dates: valid RFC 5545, one all-day event per milestone, stable UIDs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from app.backend import services
from app.backend.services import ProgressData
from app.models import Role
from app.progress import today
from tests.builders import make_field, make_milestone, make_user
from tests.builders.backend import milestone_data


@pytest.fixture
def site(db):
    service = make_field("Bürgerservice online", slug="buergerservice")
    schools = make_field("Digitale Schulen", slug="schulen")
    account = make_milestone("Bürgerkonto", slug="buergerkonto", field=service, target_date=date(2027, 3, 31),
                             summary="Ein Konto für alles.")
    wlan = make_milestone("WLAN", slug="wlan", field=schools, target_date=date(2026, 9, 1), status="cancelled")
    make_milestone("Ohne Termin", slug="ohne-termin", field=service, target_date=None, original_target_date=None)
    make_milestone("Entwurf", slug="entwurf", field=service, published=False)
    db.session.commit()
    return {"account": account, "wlan": wlan}


def events(client, url: str) -> dict[str, object]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_all_target_dates_as_all_day_events(client, site, prefix):
    found = events(client, f"{prefix}/kalender/etappenziele.ics")
    assert set(found) == {"Bürgerkonto", "WLAN"}
    account = found["Bürgerkonto"]
    assert account.decoded("DTSTART") == date(2027, 3, 31)
    assert account.decoded("DTEND") == date(2027, 4, 1)
    assert str(account["UID"]) == f"etappenziel-{site['account'].id}@localhost"
    assert str(account["URL"]) == f"http://localhost{prefix}/etappenziele/buergerkonto"
    assert account.decoded("DTSTAMP").tzinfo is not None
    assert "Ein Konto für alles." in str(account["DESCRIPTION"])
    assert str(found["WLAN"]["STATUS"]) == "CANCELLED"


def test_field_calendar_holds_only_its_milestones(client, site):
    assert set(events(client, "/kalender/handlungsfelder/schulen.ics")) == {"WLAN"}
    assert client.get("/kalender/handlungsfelder/gibt-es-nicht.ics").status_code == 404


def test_uid_stays_and_sequence_grows_when_replanned_and_renamed(client, db, site):
    before = events(client, "/kalender/etappenziele.ics")["Bürgerkonto"]
    admin = make_user(roles=(Role.ADMIN,))
    new_date = today() + timedelta(days=500)
    services.report_progress(admin, site["account"], ProgressData(
        title="Neuer Termin", reported_on=today(), author_role="Leitung", new_target_date=new_date,
        reason="Das Land liefert später.",
    ))
    services.update_milestone(admin, site["account"], milestone_data(site["account"], title="Bürgerkonto 2.0",
                                                                      slug="konto"))
    db.session.commit()
    after = events(client, "/kalender/etappenziele.ics")["Bürgerkonto 2.0"]
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == new_date
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    assert str(after["URL"]).endswith("/etappenziele/konto")


def test_calendar_is_cacheable_without_cookie(client, site):
    response = client.get("/kalender/etappenziele.ics")
    assert "Set-Cookie" not in response.headers and response.cache_control.public
    assert client.get("/kalender/etappenziele.ics", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
