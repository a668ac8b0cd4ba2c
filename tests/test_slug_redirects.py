"""Renamed fields of action, departments and milestones keep their old addresses working (301)."""
from __future__ import annotations

import pytest

from app import slug_redirects
from app.backend import catalog
from app.forms_base import ValidationFailed
from app.extensions import db
from app.models import FieldSlug, MilestoneSlug
from app.slug_redirects import SLUG_ENDPOINTS
from tests.builders import make_admin, make_department, make_field, make_milestone
from tests.helpers.pages import assert_not_found, heading


@pytest.fixture
def renamed(db):
    admin = make_admin()
    field = make_field("Bürgerservice", slug="buergerservice")
    department = make_department("Bürgeramt", slug="buergeramt")
    make_milestone("Online-Termine", slug="termine", field=field, department=department)
    db.session.commit()
    catalog.save_field(admin, field, "Bürgerservice digital", "service-digital", "", 1)
    catalog.save_department(admin, department, "Bürgerbüro", "buergerbuero", "")
    db.session.commit()
    return admin, field, department


@pytest.mark.parametrize(("old", "new"), [
    ("/handlungsfelder/buergerservice", "/handlungsfelder/service-digital"),
    ("/en/handlungsfelder/buergerservice", "/en/handlungsfelder/service-digital"),
    ("/handlungsfelder/buergerservice?status=completed", "/handlungsfelder/service-digital?status=completed"),
    ("/feeds/handlungsfelder/buergerservice.atom", "/feeds/handlungsfelder/service-digital.atom"),
    ("/feeds/handlungsfelder/buergerservice.rss", "/feeds/handlungsfelder/service-digital.rss"),
    ("/kalender/handlungsfelder/buergerservice.ics", "/kalender/handlungsfelder/service-digital.ics"),
    ("/einbetten/handlungsfeld/buergerservice", "/einbetten/handlungsfeld/service-digital"),
    ("/feeds/organisationseinheiten/buergeramt.atom", "/feeds/organisationseinheiten/buergerbuero.atom"),
])
def test_old_addresses_redirect_permanently(client, renamed, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.location == new
    assert client.get(new).status_code == 200


def test_unknown_slugs_are_still_404(client, renamed):
    for url in ("/handlungsfelder/gibt-es-nicht", "/feeds/organisationseinheiten/gibt-es-nicht.atom",
                "/einbetten/etappenziel/gibt-es-nicht"):
        assert client.get(url).status_code == 404, url
    assert_not_found(client.get("/handlungsfelder/gibt-es-nicht"))


def test_renamed_milestone_widget_redirects_but_not_to_an_unpublished_one(client, db):
    milestone = make_milestone("Online-Termine", slug="termine-neu")
    milestone.old_slugs.append(MilestoneSlug(slug="termine-alt"))
    db.session.commit()
    response = client.get("/einbetten/etappenziel/termine-alt")
    assert response.status_code == 301 and response.location == "/einbetten/etappenziel/termine-neu"
    assert heading(client.get(response.location)) == "Online-Termine"
    milestone.published = False
    db.session.commit()
    assert client.get("/einbetten/etappenziel/termine-alt").status_code == 404
    assert "Online-Termine" not in client.get("/einbetten/etappenziel/termine-alt").get_data(as_text=True)


def test_a_former_slug_stays_reserved_and_can_be_taken_back(renamed):
    admin, field, _ = renamed
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_field(admin, None, "Anderes Feld", "buergerservice", "", 2)
    assert "slug" in refused.value.errors
    # An automatic slug avoids it too.
    other = catalog.save_field(admin, None, "Bürgerservice", "", "", 2)
    assert other.slug not in ("buergerservice", "service-digital")
    # The field itself may go back to its old slug: then the newer one becomes the redirect.
    catalog.save_field(admin, field, "Bürgerservice", "buergerservice", "", 1)
    db.session.commit()
    assert field.slug == "buergerservice"
    assert sorted(row.slug for row in field.old_slugs) == ["service-digital"]
    assert db.session.query(FieldSlug).count() == 1


def test_every_slug_endpoint_exists(app):
    for endpoint in SLUG_ENDPOINTS:
        assert endpoint in app.view_functions, endpoint


def test_published_milestone_and_former_slugs(db):
    shown = make_milestone(slug="neu")
    hidden = make_milestone(slug="entwurf", published=False)
    shown.old_slugs.append(MilestoneSlug(slug="alt"))
    hidden.old_slugs.append(MilestoneSlug(slug="entwurf-alt"))
    db.session.commit()
    assert slug_redirects.published_milestone("neu") == shown
    assert slug_redirects.published_milestone("neu", details=True) == shown
    assert slug_redirects.published_milestone("entwurf") is None
    assert slug_redirects.published_milestone("alt") is None
    assert slug_redirects.current_slug_for("public.milestone", "alt") == "neu"
    assert slug_redirects.current_slug_for("public.milestone", "entwurf-alt") is None
    assert slug_redirects.current_slug_for("public.milestone", "gibt-es-nicht") is None
