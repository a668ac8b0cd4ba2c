"""Site settings: typed values, contrast refusal, logo, text pages, theme stylesheet, access."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.admin_settings import services
from app.auth.permissions import PermissionDenied
from app.forms_base import ValidationFailed
from app.extensions import db as _db
from app.models import AuditEntry, ContentPage, Role, Setting
from app.models.branding import SiteLogo
from app.comments.policy import auto_hide_threshold
from app.settings import get_setting
from tests.builders import days_ago, make_admin, make_editor, make_milestone, make_update, make_user

VALID = {
    "municipality_name": "Beispielhausen",
    "primary_color": "#1A5FB4",
    "accent_color": "#a51d2d",
    "contact_address": "Rathausplatz 1\r\n12345 Beispielhausen",
    "contact_email": "digital@beispielhausen.de",
    "contact_phone": "+49 123 456-0",
    "stale_after_days": "30",
    "moderation_mode": "pre",
    "comments_open": "y",
    "auto_hide_flags": "3",
    "embed_allowed_origins": "",
}


def image_bytes(fmt: str = "PNG", size=(300, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (26, 95, 180)).save(out, fmt)
    return out.getvalue()


def stored_settings() -> dict:
    _db.session.expire_all()
    return {row.key: row.value for row in _db.session.scalars(select(Setting))}


# --- contrast ------------------------------------------------------------------------------------


@pytest.mark.parametrize("color,ratio", [("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.54), ("#777777", 4.48)])
def test_contrast_ratio_with_white(color, ratio):
    assert services.contrast_ratio(color, "#ffffff") == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("text,expected", [("#1A5FB4", "#1a5fb4"), ("1a5fb4", "#1a5fb4"), ("#15b", "#1155bb")])
def test_colours_are_normalised(text, expected):
    assert services.normalise_color(text) == expected


def test_light_colour_is_refused_with_the_ratio_and_nothing_is_saved(admin_client):
    response = admin_client.post("/verwaltung/einstellungen", data={**VALID, "primary_color": "#777777"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Die Farbe #777777 hat zu Weiß nur ein Kontrastverhältnis von 4,47 : 1" in page
    assert "mindestens 4,5 : 1" in page
    assert 'value="Beispielhausen"' in page  # what was typed stays
    assert stored_settings() == {}


def test_bad_input_gives_messages_and_saves_nothing(admin_client):
    data = {**VALID, "municipality_name": " ", "accent_color": "rot", "contact_email": "kein-at",
            "contact_phone": "<script>", "stale_after_days": "0", "moderation_mode": "irgendwie"}
    response = admin_client.post("/verwaltung/einstellungen", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("Bitte geben Sie den Namen der Kommune ein.",
                    "Bitte geben Sie die Farbe als Hex-Wert ein",
                    "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
                    "Bitte nur Ziffern, Leerzeichen",
                    "Bitte eine ganze Zahl von 1 bis 3650.",
                    "Bitte wählen Sie Vorab- oder Nachmoderation."):
        assert message in page, message
    assert stored_settings() == {}
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("days", ["abc", "3651", "-1", "1.5", ""])
def test_staleness_days_outside_range_are_refused(admin_client, days):
    response = admin_client.post("/verwaltung/einstellungen", data={**VALID, "stale_after_days": days})
    assert response.status_code == 422
    assert "stale_after_days" not in stored_settings()


# --- saving and using ------------------------------------------------------------------------------


def test_values_persist_and_show_up(admin_client, admin):
    response = admin_client.post("/verwaltung/einstellungen", data=VALID)
    assert response.status_code == 303

    # Only values that differ from the defaults are stored; colours and comments are the defaults.
    assert stored_settings() == {
        "municipality_name": "Beispielhausen",
        "contact_address": "Rathausplatz 1\n12345 Beispielhausen", "contact_email": "digital@beispielhausen.de",
        "contact_phone": "+49 123 456-0", "stale_after_days": 30, "moderation_mode": "pre",
    }
    with admin_client.application.app_context():
        assert services.current_settings() == services.SiteSettings(
            municipality_name="Beispielhausen", primary_color="#1a5fb4", accent_color="#a51d2d",
            contact_address="Rathausplatz 1\n12345 Beispielhausen", contact_email="digital@beispielhausen.de",
            contact_phone="+49 123 456-0", stale_after_days=30, moderation_mode="pre", comments_open=True,
            guest_comments=False, auto_hide_flags=3, embed_allowed_origins=[],
        )
    home = admin_client.get("/").get_data(as_text=True)
    assert '<span class="brand-name">Beispielhausen</span>' in home
    form = admin_client.get("/verwaltung/einstellungen").get_data(as_text=True)
    assert 'value="30"' in form and "Rathausplatz 1" in form
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "setting"))
    assert entry.actor_id == admin.id
    assert entry.before["municipality_name"] == "Musterstadt" and entry.after["stale_after_days"] == 30


def test_unchecked_box_closes_comments(admin_client):
    data = {k: v for k, v in VALID.items() if k != "comments_open"}
    assert admin_client.post("/verwaltung/einstellungen", data=data).status_code == 303
    assert stored_settings()["comments_open"] is False


def test_staleness_days_are_used(admin_client, db):
    milestone = make_milestone("Langsames Ziel", created_at=days_ago(400))
    make_update(milestone, reported_on=days_ago(20))
    db.session.commit()

    def stale_section() -> str:
        page = admin_client.get("/verwaltung").get_data(as_text=True)
        return page.split('id="stale-title"')[1].split("</section>")[0]

    assert "Langsames Ziel" not in stale_section()  # 20 days is fine with the default of 90

    admin_client.post("/verwaltung/einstellungen", data={**VALID, "stale_after_days": "12"})

    with admin_client.application.app_context():
        assert get_setting("stale_after_days") == 12
    assert "Langsames Ziel" in stale_section()
    page = admin_client.get("/wie-wir-fortschritt-messen").get_data(as_text=True)
    assert "seit mehr als 12 Tagen keine veröffentlichte Meldung" in page


def test_service_refuses_non_admins(db):
    editor = make_editor()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.update_settings(editor, services.current_settings())
    with pytest.raises(PermissionDenied):
        services.set_logo(editor, image_bytes())


def test_service_validates_even_without_a_form(db, admin):
    data = services.current_settings()
    data.stale_after_days = 0
    data.moderation_mode = "sometimes"
    with pytest.raises(ValidationFailed) as error:
        services.update_settings(admin, data)
    assert set(error.value.errors) == {"stale_after_days", "moderation_mode"}


@pytest.mark.parametrize("who", ["anonymous", "editor", "moderator", "citizen"])
def test_settings_pages_are_for_admins_only(auth, client, db, who):
    if who != "anonymous":
        user = make_user(roles=({"editor": Role.EDITOR, "moderator": Role.MODERATOR,
                                 "citizen": Role.CITIZEN}[who],))
        db.session.commit()
        auth.sign_in(user)
    expected = 302 if who == "anonymous" else 403
    assert client.get("/verwaltung/einstellungen").status_code == expected
    assert client.post("/verwaltung/einstellungen", data=VALID).status_code == expected
    assert client.get("/verwaltung/einstellungen/texte/impressum").status_code == expected
    assert stored_settings() == {}


# --- theme stylesheet ------------------------------------------------------------------------------


def test_theme_stylesheet_carries_the_colours_with_etag_and_caching(admin_client):
    page = admin_client.get("/").get_data(as_text=True)
    link = page.split('href="/theme.css?v=')[1].split('"')[0]
    response = admin_client.get(f"/theme.css?v={link}")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert "--color-primary: #1a5fb4;" in response.get_data(as_text=True)
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.public
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    assert admin_client.get("/theme.css", headers={"If-None-Match": etag}).status_code == 304

    admin_client.post("/verwaltung/einstellungen", data={**VALID, "primary_color": "#004d40"})
    new_page = admin_client.get("/").get_data(as_text=True)
    assert f"/theme.css?v={link}" not in new_page  # a new colour gets a new URL
    fresh = admin_client.get("/theme.css")
    assert "--color-primary: #004d40;" in fresh.get_data(as_text=True)
    assert fresh.headers["ETag"] != etag
    assert fresh.cache_control.max_age == 300


def test_anonymous_pages_link_the_theme_without_cookies(client, db):
    response = client.get("/")
    assert 'rel="stylesheet" href="/theme.css?v=' in response.get_data(as_text=True)
    assert "Set-Cookie" not in client.get("/theme.css").headers


# --- logo ----------------------------------------------------------------------------------------


def test_logo_upload_is_reencoded_stored_and_served_with_caching(admin_client, admin):
    png = image_bytes("PNG", (1600, 400))
    response = admin_client.post("/verwaltung/einstellungen/logo",
                                 data={"logo-file": (io.BytesIO(png), "logo.png")},
                                 content_type="multipart/form-data")
    assert response.status_code == 303
    logo = _db.session.scalar(select(SiteLogo))
    assert logo.mimetype == "image/png" and (logo.width, logo.height) == (800, 200)

    page = admin_client.get("/verwaltung/einstellungen").get_data(as_text=True)
    url = page.split('class="logo-preview" src="')[1].split('"')[0]
    served = admin_client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (800, 200)
    assert served.cache_control.max_age == 365 * 24 * 3600
    assert admin_client.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304

    assert admin_client.post("/verwaltung/einstellungen/logo/entfernen").status_code == 303
    assert admin_client.get("/logo").status_code == 404
    actions = _db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == "logo")).all()
    assert actions == ["update", "delete"]


@pytest.mark.parametrize("data,message", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG, JPEG oder WebP"),
    (image_bytes("GIF"), "PNG, JPEG oder WebP"),
    (b"\x89PNG" + b"0" * (3 * 1024 * 1024), "höchstens 2 MB"),
])
def test_bad_logo_is_refused(admin_client, data, message):
    response = admin_client.post("/verwaltung/einstellungen/logo",
                                 data={"logo-file": (io.BytesIO(data), "logo.svg")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _db.session.scalar(select(SiteLogo)) is None


# --- text pages ----------------------------------------------------------------------------------


def test_text_page_form_starts_from_the_default_and_saves_through_the_pages_service(admin_client):
    form = admin_client.get("/verwaltung/einstellungen/texte/impressum")
    assert form.status_code == 200
    assert "Es wird von Musterstadt betrieben." in form.get_data(as_text=True)

    response = admin_client.post("/verwaltung/einstellungen/texte/impressum", data={
        "title_de": "Impressum", "body_de": "## Anbieter\n\nStadt Musterstadt<script>x</script>",
        "title_en": "", "body_en": "",
    })
    assert response.status_code == 303
    page = _db.session.scalar(select(ContentPage).where(ContentPage.slug == "impressum"))
    assert "<h2>Anbieter</h2>" in page.body_de_html and "<script>" not in page.body_de_html
    public = admin_client.get("/impressum").get_data(as_text=True)
    assert "Stadt Musterstadt" in public


def test_text_page_errors(admin_client):
    assert admin_client.get("/verwaltung/einstellungen/texte/gibt-es-nicht").status_code == 404
    response = admin_client.post("/verwaltung/einstellungen/texte/gebaerdensprache", data={
        "title_de": "", "body_de": "Text", "video_url": "javascript:alert(1)",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie einen deutschen Titel ein." in page
    assert "mit https:// beginnt" in page
    assert _db.session.scalar(select(ContentPage)) is None


def test_expired_form_keeps_the_input_and_saves_nothing(auth, db):
    from app import create_app
    from config import TestingConfig
    from tests.conftest import FreshContextClient

    csrf_app = create_app(TestingConfig, WTF_CSRF_ENABLED=True)
    csrf_app.test_client_class = FreshContextClient
    with csrf_app.app_context():
        db.create_all()
        admin = make_admin()
        db.session.commit()
        client = csrf_app.test_client()
        auth.sign_in(admin, client=client)
        response = client.post("/verwaltung/einstellungen", data=VALID)  # no CSRF token
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'value="Beispielhausen"' in page and "Das Formular war abgelaufen" in page
        assert stored_settings() == {}
        db.session.remove()
        db.drop_all()


# --- settings that only the environment set before (issue 13) ---------------------------------------


def test_guest_comments_flags_and_origins_are_admin_settings(admin_client, admin):
    data = {**VALID, "guest_comments": "y", "auto_hide_flags": "0",
            "embed_allowed_origins": "https://WWW.Musterstadt.de/\r\nhttps://intranet.musterstadt.de:8443, https://www.musterstadt.de"}
    assert admin_client.post("/verwaltung/einstellungen", data=data).status_code == 303

    stored = stored_settings()
    assert stored["guest_comments"] is True and stored["auto_hide_flags"] == 0
    assert stored["embed_allowed_origins"] == ["https://www.musterstadt.de", "https://intranet.musterstadt.de:8443"]
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "setting"))
    assert entry.before["guest_comments"] is False and entry.after["guest_comments"] is True
    assert entry.before["auto_hide_flags"] == 3 and entry.after["auto_hide_flags"] == 0
    assert entry.after["embed_allowed_origins"] == stored["embed_allowed_origins"]
    form = admin_client.get("/verwaltung/einstellungen").get_data(as_text=True)
    assert "https://www.musterstadt.de\nhttps://intranet.musterstadt.de:8443</textarea>" in form
    with admin_client.application.app_context():
        assert auto_hide_threshold() == 0


@pytest.mark.parametrize("value", ["-1", "101", "drei"])
def test_flag_threshold_outside_range_is_refused(admin_client, value):
    response = admin_client.post("/verwaltung/einstellungen", data={**VALID, "auto_hide_flags": value})
    assert response.status_code == 422
    assert stored_settings() == {}


@pytest.mark.parametrize("origin", ["http://www.musterstadt.de", "https://www.musterstadt.de/seite",
                                    "https://*.musterstadt.de", "www.musterstadt.de", "https://", "*",
                                    "https://www.musterstadt.de?x=1", "'self'"])
def test_bad_embedding_origins_are_refused_with_the_entry_named(admin_client, origin):
    response = admin_client.post("/verwaltung/einstellungen",
                                 data={**VALID, "embed_allowed_origins": f"https://ok.de\n{origin}"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ist keine gültige Adresse" in page
    assert stored_settings() == {}


def test_environment_gives_the_defaults(app, db):
    app.config.update(GUEST_COMMENTS=True, AUTO_HIDE_FLAGS=5, EMBED_ALLOWED_ORIGINS=["https://a.example"])
    with app.test_request_context():
        current = services.current_settings()
    assert (current.guest_comments, current.auto_hide_flags, current.embed_allowed_origins) == (
        True, 5, ["https://a.example"])


def test_stored_origins_frame_the_widgets_and_show_on_the_snippet_page(admin_client, admin):
    make_milestone("Widget", slug="widget-ziel")
    _db.session.commit()
    admin_client.post("/verwaltung/einstellungen", data={**VALID, "embed_allowed_origins": "https://www.beispiel.de"})
    widget = admin_client.get("/einbetten/etappenziel/widget-ziel")
    assert "frame-ancestors 'self' https://www.beispiel.de" in widget.headers["Content-Security-Policy"]
    page = admin_client.get("/verwaltung/einbetten").get_data(as_text=True)
    assert "<code>https://www.beispiel.de</code>" in page


def test_guest_comment_switch_in_the_settings_opens_the_guest_form(admin_client, app):
    make_milestone("Gastziel", slug="gastziel")
    _db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get("/etappenziele/gastziel/gastkommentar").status_code == 404
    admin_client.post("/verwaltung/einstellungen", data={**VALID, "guest_comments": "y"})
    assert anonymous.get("/etappenziele/gastziel/gastkommentar").status_code == 200
    assert "/etappenziele/gastziel/gastkommentar" in anonymous.get("/etappenziele/gastziel").get_data(as_text=True)
