"""Out-of-range input answers 4xx, never 500: huge ids in URLs and forms, huge page numbers,
dates at the edge of the calendar, non-ASCII digits in the bulk selection."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import lxml.html
import pytest
from flask import url_for

from app.backend.queries import AuditFilter, audit_entries, within_municipal_days
from app.extensions import db
from app.models import AuditEntry, CommentStatus, ModerationDecision
from app.moderation import queries
from app.routing import MAX_ID
from tests.builders import make_champion, make_citizen, make_milestone
from tests.builders.comments import make_comment
from tests.helpers.pages import assert_not_found, heading

HUGE = "99999999999999999999"
JUST_BEYOND = str(MAX_ID + 1)
QUEUE = "/verwaltung/moderation"


# Ids in URLs -------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [HUGE, JUST_BEYOND, str(MAX_ID)])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_huge_id_in_public_url_is_404(client, number, prefix):
    response = client.get(f"{prefix}/helden-der-digitalisierung/{number}/foto")
    assert response.status_code == 404
    assert_not_found(response, "en" if prefix else "de")


def test_huge_id_in_appeal_url_is_404(auth, app):
    client = auth.client_for(make_citizen())
    db.session.commit()
    for number in (HUGE, JUST_BEYOND):
        response = client.get(f"/kommentare/{number}/einspruch")
        assert response.status_code == 404, number
        assert "nicht gefunden" in response.get_data(as_text=True).lower()
        assert client.post(f"/kommentare/{number}/einspruch", data={"text": "Bitte prüfen"}).status_code == 404


@pytest.mark.parametrize("path", [
    "/verwaltung/etappenziele/{n}",
    "/verwaltung/etappenziele/{n}/meldungen",
    "/verwaltung/etappenziele/{n}/fortschritt",
    "/verwaltung/etappenziele/1/fortschritt/{n}",
    "/verwaltung/etappenziele/{n}/fortschritt/1",
    "/verwaltung/handlungsfelder/{n}",
    "/verwaltung/organisationseinheiten/{n}",
    "/verwaltung/finanzierungsquellen/{n}",
    "/verwaltung/helden/{n}",
    "/verwaltung/helden/{n}/foto",
    "/verwaltung/konten/{n}",
    f"{QUEUE}/kommentare/{{n}}",
    f"{QUEUE}/begruendungen/{{n}}",
])
def test_huge_id_in_staff_get_url_is_404(auth, app, admin, path):
    client = auth.client_for(admin)
    make_milestone()
    db.session.commit()
    for number in (HUGE, JUST_BEYOND):
        assert client.get(path.format(n=number)).status_code == 404, number
        assert_not_found(client.get(path.format(n=number)))


@pytest.mark.parametrize("path", [
    "/verwaltung/konten/{n}/deaktivieren",
    "/verwaltung/konten/{n}/reaktivieren",
    "/verwaltung/konten/{n}/zwei-faktor-zuruecksetzen",
    "/verwaltung/konten/{n}/einladung-erneut",
    f"{QUEUE}/kommentare/{{n}}/entscheidung",
    f"{QUEUE}/kommentare/{{n}}/schwaerzen",
    f"{QUEUE}/kommentare/{{n}}/sperren",
    f"{QUEUE}/kommentare/{{n}}/antwort",
    f"{QUEUE}/sperren/{{n}}/aufheben",
    f"{QUEUE}/begruendungen/{{n}}/loeschen",
    f"{QUEUE}/pruefliste/{{n}}/loeschen",
])
def test_huge_id_in_staff_post_url_is_404(auth, app, admin, path):
    client = auth.client_for(admin)
    assert client.post(path.format(n=HUGE), data={"confirm": "1", "action": "approve"}).status_code == 404
    assert_not_found(client.post(path.format(n=HUGE), data={"confirm": "1", "action": "approve"}))


def test_huge_id_in_api_is_json_404(client, db):
    response = client.get(f"/api/v1/milestones/{HUGE}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_url_for_and_existing_ids_still_work(auth, app, admin):
    champion = make_champion(photo=b"\x89PNG\r\n\x1a\n", photo_mimetype="image/png", photo_consent_on=date(2026, 1, 5))
    db.session.commit()
    with app.test_request_context():
        assert url_for("strategy.champion_photo", champion_id=champion.id) == f"/helden-der-digitalisierung/{champion.id}/foto"
        assert url_for("staff.edit", user_id=MAX_ID) == f"/verwaltung/konten/{MAX_ID}"
    assert app.test_client().get(f"/helden-der-digitalisierung/{champion.id}/foto").status_code == 200
    assert auth.client_for(admin).get(f"/verwaltung/konten/{admin.id}").status_code == 200


def test_huge_batch_id_in_csv_apply_is_a_form_error(auth, app, admin):
    client = auth.client_for(admin)
    response = client.post("/verwaltung/csv/uebernehmen", data={"batch": HUGE, "digest": "0" * 64})
    assert response.status_code == 422
    assert "Die geprüfte Datei liegt nicht mehr vor" in response.get_data(as_text=True)
    response = client.post("/verwaltung/csv/uebernehmen", data={"batch": "-5", "digest": "0" * 64})
    assert response.status_code == 422


# Page numbers -----------------------------------------------------------------------------

LIST_HEADINGS = {
    QUEUE: "Moderationswarteschlange", f"{QUEUE}/protokoll": "Moderationsprotokoll", f"{QUEUE}/sperren": "Gesperrte Konten",
    "/verwaltung/etappenziele": "Etappenziele verwalten", "/verwaltung/protokoll": "Änderungsprotokoll",
    "/verwaltung/handlungsfelder": "Handlungsfelder", "/verwaltung/konten": "Konten",
}


@pytest.mark.parametrize("path", list(LIST_HEADINGS))
def test_huge_page_number_on_staff_lists(auth, app, admin, path):
    client = auth.client_for(admin)
    for page in (HUGE, "²", "-3"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 200, (path, page)
        assert heading(response) == LIST_HEADINGS[path]


# Dates at the edge of the calendar --------------------------------------------------------------

@pytest.fixture
def logged(admin):
    comment = make_comment(status=CommentStatus.PENDING)
    db.session.add(ModerationDecision(comment_id=comment.id, moderator_id=admin.id, moderator_label="Ada",
                                      action="reject", reason="Randdatum-Grund", status_before="pending",
                                      status_after="rejected"))
    db.session.add(AuditEntry(actor_id=admin.id, action="update", object_type="milestone", object_id="1",
                              object_label="Randdatum-Etappe", before={}, after={}))
    db.session.commit()


@pytest.mark.parametrize("query", [
    "date_to=9999-12-31", "date_from=0001-01-01", "date_from=0001-01-01&date_to=9999-12-31",
    "date_from=0001-01-02&date_to=9999-12-30",
])
def test_extreme_dates_in_log_filters_mean_no_limit(auth, app, admin, logged, query):
    client = auth.client_for(admin)

    response = client.get(f"{QUEUE}/protokoll?{query}")
    assert response.status_code == 200
    assert "Randdatum-Grund" in response.get_data(as_text=True)

    response = client.get(f"{QUEUE}/protokoll.csv?{query}")
    assert response.status_code == 200
    assert "Randdatum-Grund" in response.get_data(as_text=True)

    response = client.get(f"/verwaltung/protokoll?{query}")
    assert response.status_code == 200
    assert "Randdatum-Etappe" in response.get_data(as_text=True)


def test_future_edge_dates_find_nothing(auth, app, admin, logged):
    client = auth.client_for(admin)
    assert "Randdatum-Grund" not in client.get(f"{QUEUE}/protokoll?date_from=9999-12-31").get_data(as_text=True)
    assert "Randdatum-Etappe" not in client.get("/verwaltung/protokoll?date_from=9999-12-31").get_data(as_text=True)
    assert "Randdatum-Grund" not in client.get(f"{QUEUE}/protokoll?date_to=0001-01-01").get_data(as_text=True)


def test_moderation_log_uses_municipal_days(auth, app, admin):
    comment = make_comment(status=CommentStatus.PENDING)
    # 23:30 UTC on 1 June 2026 is 01:30 on 2 June in Berlin (summer time).
    db.session.add(ModerationDecision(comment_id=comment.id, moderator_id=admin.id, moderator_label="Ada",
                                      action="reject", reason="Nachtentscheidung", created_at=datetime(2026, 6, 1, 23, 30)))
    db.session.commit()

    def listed(day: str) -> bool:
        return any(d.reason == "Nachtentscheidung" for d in db.session.scalars(
            queries.select_log(queries.LogFilter(date_from=date.fromisoformat(day), date_to=date.fromisoformat(day)))))

    assert listed("2026-06-02") and not listed("2026-06-01")

    client = auth.client_for(admin)
    assert "Nachtentscheidung" in client.get(f"{QUEUE}/protokoll?date_from=2026-06-02&date_to=2026-06-02").get_data(as_text=True)
    assert "Nachtentscheidung" not in client.get(f"{QUEUE}/protokoll?date_from=2026-06-01&date_to=2026-06-01").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get(f"{QUEUE}/protokoll.csv?date_to=2026-06-01").get_data(as_text=True)
                                       .lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1  # the header only


def test_shared_day_bounds_are_used_by_both_logs(app, admin):
    db.session.add(AuditEntry(actor_id=admin.id, action="update", object_type="milestone", object_id="1",
                              object_label="Nachtänderung", before={}, after={}, created_at=datetime(2026, 6, 1, 23, 30)))
    db.session.commit()
    day = date(2026, 6, 2)
    assert [e.object_label for e in db.session.scalars(audit_entries(AuditFilter(date_from=day, date_to=day)))] \
        == ["Nachtänderung"]
    assert within_municipal_days(AuditEntry.created_at, date.min, date.max) == []


# The bulk selection -------------------------------------------------------------------------

@pytest.mark.parametrize("ids", [["²"], ["٣"], [HUGE], [JUST_BEYOND], ["1", "x²"]])
def test_bulk_with_invalid_ids_is_a_form_error(auth, app, moderator, ids):
    comment = make_comment(status=CommentStatus.PENDING)
    db.session.commit()
    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data={
        "bulk_action": "approve", "comment_ids": ids})
    assert response.status_code == 400
    assert "Die Auswahl enthält ungültige Angaben." in response.get_data(as_text=True)
    db.session.expire_all()
    assert comment.status == CommentStatus.PENDING.value


@pytest.mark.parametrize("version", ["²", HUGE + "x"])
def test_bulk_with_invalid_version_is_a_form_error(auth, app, moderator, version):
    comment = make_comment(status=CommentStatus.PENDING)
    db.session.commit()
    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data={
        "bulk_action": "approve", "comment_ids": str(comment.id), f"version-{comment.id}": version})
    assert response.status_code == 400
    db.session.expire_all()
    assert comment.status == CommentStatus.PENDING.value


def test_bulk_form_error_keeps_the_selection(auth, app, moderator):
    chosen, other = make_comment(status=CommentStatus.PENDING), make_comment(status=CommentStatus.PENDING)
    db.session.commit()
    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data={
        "bulk_action": "reject", "comment_ids": str(chosen.id), f"version-{chosen.id}": str(chosen.version)})
    html = response.get_data(as_text=True)
    assert "Bitte wählen Sie eine Begründung aus oder schreiben Sie eine." in html
    document = lxml.html.document_fromstring(html)
    [checked] = document.xpath(f'//input[@id="select-{chosen.id}"]')
    [unchecked] = document.xpath(f'//input[@id="select-{other.id}"]')
    assert checked.get("checked") is not None and unchecked.get("checked") is None


@pytest.mark.parametrize("digits", ["\uff11", "\u0661", "\u00b9"])
def test_ids_in_urls_are_ascii_digits_only(client, digits):
    """"１" (fullwidth) and "١" (Arabic-Indic) are digits to Python's regex and int(): not an id here."""
    comment = make_comment(status=CommentStatus.PUBLISHED)
    db.session.commit()
    assert comment.id == 1
    assert client.get("/kommentare/1").status_code == 302
    assert client.get(f"/kommentare/{digits}").status_code == 404
