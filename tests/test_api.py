"""The read-only JSON API: answers, filters, pagination, errors, CORS and the CSV download."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from app.models import ChangeKind, MilestoneChange
from app.progress import today
from tests.builders import days_ago, make_champion, make_department, make_field, make_funding, make_milestone
from tests.builders import make_strategy, make_update

LICENCE = {"name": "Datenlizenz Deutschland – Namensnennung – 2.0", "url": "https://www.govdata.de/dl-de/by-2-0"}


@pytest.fixture
def site(db):
    make_strategy(title="Digitalstrategie Teststadt")
    service = make_field("Bürgerservice online", slug="buergerservice", position=1)
    schools = make_field("Digitale Schulen", slug="schulen", position=2)
    office = make_department("Bürgeramt", slug="buergeramt")
    it = make_department("IT", slug="it")
    account = make_milestone(
        "Bürgerkonto für Ämter", slug="buergerkonto", field=service, department=office, progress=40,
        target_date=today() + timedelta(days=90), original_target_date=today() + timedelta(days=30),
        planned=Decimal("1200.50"), committed=Decimal("1000"), spent=Decimal("0.05"), budget_year=2025,
        description="Ein **Konto**.",
    )
    account.participating_departments = [it]
    account.champions = [make_champion(name="Erika Muster", role="Leitung")]
    make_funding(account, "1200.50", source_name="Förderprogramm", is_grant=True)
    update = make_update(account, reported_on=days_ago(3), title="Pilot")
    db.session.add(MilestoneChange(milestone=account, progress_update=update, changed_on=days_ago(3),
                                   kind=ChangeKind.PROGRESS.value, old_value="20", new_value="40"))
    late = make_milestone("Übergroße Ämterreform", slug="reform", field=service, department=it, status="planned",
                          target_date=days_ago(5))
    parent = make_milestone("WLAN an Schulen", slug="wlan", field=schools, department=it, progress=0)
    child = make_milestone("WLAN Grundschulen", slug="wlan-gs", field=schools, parent=parent, status="completed")
    make_milestone("Geheimer Entwurf", slug="entwurf", field=schools, parent=parent, published=False)
    hidden_parent = make_milestone("Entwurf Oberziel", slug="entwurf-ober", field=schools, published=False)
    orphan = make_milestone("Teilziel ohne sichtbares Oberziel", slug="orphan", field=schools, parent=hidden_parent)
    make_update(late, published=False, title="Unveröffentlichte Meldung")
    db.session.commit()
    return {"account": account, "late": late, "parent": parent, "child": child, "orphan": orphan, "update": update}


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    return response.get_json()


def test_index_links_every_resource(client, site):
    body = get_json(client, "/api/v1/")
    assert body["meta"]["licence"] == LICENCE
    assert body["data"]["milestones"] == "http://localhost/api/v1/milestones"
    assert body["data"]["openapi"] == "http://localhost/api/v1/openapi.json"


def test_strategy(client, site):
    data = get_json(client, "/api/v1/strategy")["data"]
    assert data["title"] == "Digitalstrategie Teststadt"
    assert data["milestone_count"] == 3  # published top-level milestones
    assert data["status_counts"]["planned"] == 1
    assert data["overdue_count"] == 1
    assert data["money"]["planned"] == "1200.50" and data["money"]["spent"] == "0.05"


def test_fields_and_departments(client, site):
    fields = get_json(client, "/api/v1/fields")["data"]
    assert [f["slug"] for f in fields] == ["buergerservice", "schulen"]
    assert fields[0]["milestone_count"] == 2 and fields[0]["progress"] == 20.0
    departments = {d["slug"]: d for d in get_json(client, "/api/v1/departments")["data"]}
    assert departments["it"]["participating_count"] == 1
    assert departments["buergeramt"]["responsible_count"] == 1


def test_milestone_list_uses_the_public_filters(client, site):
    def slugs(query: str) -> list[str]:
        return [m["slug"] for m in get_json(client, f"/api/v1/milestones?{query}")["data"]]

    assert set(slugs("")) == {"buergerkonto", "reform", "wlan", "wlan-gs", "orphan"}
    assert slugs("field=buergerservice") == ["reform", "buergerkonto"]
    assert set(slugs("department=it")) == {"reform", "wlan"}
    assert slugs("status=completed") == ["wlan-gs"]
    assert slugs("overdue=true") == ["reform"]
    assert set(slugs("overdue=false")) == set(slugs(""))
    assert slugs("q=%C3%BCBERGRO%C3%9FE") == ["reform"]  # "üBERGROßE": case-insensitive with umlauts
    assert slugs("sort=progress&field=buergerservice") == ["buergerkonto", "reform"]


def test_milestone_list_item(client, site):
    item = next(m for m in get_json(client, "/api/v1/milestones")["data"] if m["slug"] == "buergerkonto")
    assert item["money"] == {"planned": "1200.50", "committed": "1000.00", "spent": "0.05"}
    assert item["target_date"] == (today() + timedelta(days=90)).isoformat()
    assert item["replanned"] is True and item["overdue"] is False
    assert item["department"] == {"id": site["account"].department_id, "slug": "buergeramt", "name": "Bürgeramt"}
    assert item["url"] == "http://localhost/etappenziele/buergerkonto"
    orphan = next(m for m in get_json(client, "/api/v1/milestones")["data"] if m["slug"] == "orphan")
    assert orphan["parent"] is None, "an unpublished parent is not named"


def test_pagination(client, site):
    body = get_json(client, "/api/v1/milestones?per_page=2&page=2&field=schulen&sort=title")
    assert body["meta"]["pagination"] == {"page": 2, "per_page": 2, "total": 3, "pages": 2}
    # Dictionary order, case folded: "WLAN an …" before "WLAN Grundschulen" (bytes would put "G" first).
    assert [m["slug"] for m in body["data"]] == ["wlan-gs"]
    links = body["links"]
    assert links["next"] is None
    assert links["prev"] == "http://localhost/api/v1/milestones?field=schulen&sort=title&page=1&per_page=2"
    beyond = get_json(client, "/api/v1/milestones?page=500")
    assert beyond["data"] == [] and beyond["meta"]["pagination"]["total"] == 5
    assert beyond["links"]["prev"].endswith("page=1&per_page=20")


def test_milestone_detail_with_history_and_funding(client, site):
    account = site["account"]
    data = get_json(client, f"/api/v1/milestones/{account.id}")["data"]
    assert data["description"] == "Ein **Konto**."
    assert data["description_html"] == "<p>Ein <strong>Konto</strong>.</p>\n"
    assert data["fundings"] == [{"source": {"id": account.fundings[0].source_id, "name": "Förderprogramm",
                                            "is_grant": True}, "amount": "1200.50"}]
    assert data["history"] == [{
        "id": data["history"][0]["id"], "changed_on": days_ago(3).isoformat(), "kind": "progress",
        "old_value": "20", "new_value": "40", "reason": "", "author_role": "",
        "progress_update_id": site["update"].id,
    }]
    assert data["participating_departments"][0]["slug"] == "it"
    assert data["champions"][0]["name"] == "Erika Muster"
    parent = get_json(client, f"/api/v1/milestones/{site['parent'].id}")["data"]
    assert [c["slug"] for c in parent["children"]] == ["wlan-gs"], "unpublished children are left out"


def test_progress_updates(client, site):
    body = get_json(client, "/api/v1/progress-updates")
    assert [u["title"] for u in body["data"]] == ["Pilot"]
    update = body["data"][0]
    assert update["milestone"]["slug"] == "buergerkonto"
    assert update["changes"][0]["kind"] == "progress"
    assert update["published_at"].endswith("Z")
    filtered = get_json(client, f"/api/v1/progress-updates?milestone={site['late'].id}")
    assert filtered["data"] == [] and filtered["meta"]["pagination"]["total"] == 0


@pytest.mark.parametrize(("query", "parameter"), [
    ("status=unbekannt", "status"),
    ("field=gibt-es-nicht", "field"),
    ("department=gibt-es-nicht", "department"),
    ("sort=id", "sort"),
    ("overdue=1", "overdue"),
    ("page=abc", "page"),
    ("page=0", "page"),
    ("page=100001", "page"),
    ("per_page=101", "per_page"),
    ("per_page=-1", "per_page"),
    ("q=" + "x" * 201, "q"),
    ("q=a%00b", "q"),
    ("status=planned&status=completed", "status"),
])
def test_bad_parameters_are_400_with_a_json_error(client, site, query, parameter):
    body = get_json(client, f"/api/v1/milestones?{query}", status=400)
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]


def test_bad_milestone_filter_of_updates_is_400(client, site):
    for value in ("abc", "0", str(site["orphan"].id + 1000), "99999999999"):
        body = get_json(client, f"/api/v1/progress-updates?milestone={value}", status=400)
        assert body["error"]["parameter"] == "milestone"


def test_unknown_and_unpublished_ids_are_404_json(client, db, site):
    draft = make_milestone("Entwurf", published=False)
    db.session.commit()
    for url in (f"/api/v1/milestones/{draft.id}", "/api/v1/milestones/999999", "/api/v1/milestones/99999999999",
                "/api/v1/milestones/abc", "/api/v1/gibt-es-nicht"):
        body = get_json(client, url, status=404)
        assert body["error"]["code"] == "not_found"


def test_cors_on_reads_of_the_api_only(client, site):
    for method in ("get", "head", "options"):
        response = getattr(client, method)("/api/v1/milestones")
        assert response.headers.get("Access-Control-Allow-Origin") == "*", method
    preflight = client.options("/api/v1/milestones", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
    })
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    post = client.post("/api/v1/milestones")
    assert post.status_code == 405 and "Access-Control-Allow-Origin" not in post.headers
    for url in ("/", "/etappenziele", "/feeds/fortschritt.atom", "/kalender/etappenziele.ics"):
        assert "Access-Control-Allow-Origin" not in client.get(url).headers, url


def test_api_sets_no_cookie_and_answers_conditional_requests(client, site):
    response = client.get("/api/v1/milestones")
    assert "Set-Cookie" not in response.headers
    assert response.cache_control.public
    again = client.get("/api/v1/milestones", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_list_query_count_does_not_grow_with_rows(client, db, site, count_queries):
    def count() -> int:
        with count_queries() as counter:
            client.get("/api/v1/milestones?per_page=100")
            client.get("/api/v1/progress-updates?per_page=100")
        return counter.count

    few = count()
    for n in range(15):
        milestone = make_milestone(f"Noch ein Ziel {n}", department=site["account"].department)
        make_update(milestone)
    db.session.commit()
    assert count() == few


def read_csv(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_download(client, db, site):
    make_milestone("=HYPERLINK(\"http://evil.example\")", slug="formel", summary="@SUMME(A1)",
                   field=site["account"].field)
    db.session.commit()
    response = client.get("/api/v1/milestones.csv?field=buergerservice")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    rows = {row["slug"]: row for row in read_csv(response)}
    assert set(rows) == {"buergerkonto", "reform", "formel"}
    assert rows["formel"]["title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows["formel"]["summary"] == "'@SUMME(A1)"
    assert rows["buergerkonto"]["planned"] == "1200,50"
    assert rows["buergerkonto"]["target_date"] == (today() + timedelta(days=90)).isoformat()
    assert rows["reform"]["overdue"] == "ja"
    assert client.get("/api/v1/milestones.csv?status=nope").status_code == 400
