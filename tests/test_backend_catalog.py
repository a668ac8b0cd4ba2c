"""Backend catalog services: strategy, fields, departments, funding sources, champion photos;
and the small parsers they rely on (money, slugs)."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from app.auth.permissions import PermissionDenied
from app.backend import catalog
from app.backend.catalog import ChampionData, StrategyData
from app.backend.numbers import MoneyFormatError, parse_money
from app.backend.photos import PhotoError, process_photo
from app.forms_base import ValidationFailed
from app.backend.slugs import is_valid_slug, slugify, unique_slug
from app.models import AuditEntry, Champion, Strategy
from tests.builders import make_admin, make_department, make_editor, make_field


def image_bytes(fmt: str, size=(1600, 1200), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Kamerahersteller"   # Make
        data[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPS info
        kwargs["exif"] = data
    image.save(out, fmt, **kwargs)
    return out.getvalue()


# --- money and slugs -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("1.234,50", "de", "1234.50"),
    ("1234,5", "de", "1234.50"),
    ("1.500", "de", "1500.00"),
    ("12.50", "de", "12.50"),
    ("1.234.567,89 €", "de", "1234567.89"),
    ("0", "de", "0.00"),
    ("1 234,50", "de", "1234.50"),
    ("1,234.50", "en", "1234.50"),
    ("1,500", "en", "1500.00"),
    ("1.234,50", "en", "1234.50"),
    ("12,50", "en", "12.50"),
])
def test_parse_money_accepts_german_and_english_notation(text, language, expected):
    assert parse_money(text, language) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "-5", "1,234", "1.23,4", "12,345.6.7", "1e5", ",50", "1.2.3"])
def test_parse_money_refuses_what_is_not_an_amount(text):
    with pytest.raises(MoneyFormatError):
        parse_money(text, "de")


def test_slugify_transliterates_german():
    assert slugify("Bürgerbüro öffnet – Straße & Maß") == "buergerbuero-oeffnet-strasse-mass"
    assert slugify("  !!! ") == "eintrag"
    assert slugify("x" * 300) == "x" * 200
    assert is_valid_slug("a-1-b") and not is_valid_slug("a--b") and not is_valid_slug("-a")
    taken = {"feld", "feld-2"}
    assert unique_slug("feld", taken.__contains__) == "feld-3"


# --- photos ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "mimetype"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_photo_is_reencoded_scaled_and_stripped(fmt, mimetype):
    photo = process_photo(image_bytes(fmt, exif=fmt == "JPEG"))
    assert photo.mimetype == mimetype
    result = Image.open(io.BytesIO(photo.data))
    assert result.format == fmt
    assert max(result.size) == 800
    assert "exif" not in result.info and len(result.getexif()) == 0


@pytest.mark.parametrize("payload", [
    b"%PDF-1.4 not an image",
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"",
])
def test_non_image_is_refused(payload):
    with pytest.raises(PhotoError) as refused:
        process_photo(payload)
    assert refused.value.reason == "not_an_image"


def test_gif_and_oversized_files_are_refused():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(PhotoError, match="not_an_image"):
        process_photo(gif.getvalue())
    with pytest.raises(PhotoError, match="too_large"):
        process_photo(image_bytes("PNG"), max_bytes=100)


def test_photo_without_consent_is_refused(db):
    admin = make_admin()
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_champion(admin, None, ChampionData(name="A", role="Leitung", photo_upload=image_bytes("PNG")))
    assert "Einwilligung" in str(refused.value.errors["photo"])
    assert db.session.scalar(select(Champion)) is None


def test_non_image_upload_gets_a_clear_message(db):
    admin = make_admin()
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_champion(admin, None, ChampionData(
            name="A", role="Leitung", photo_consent_on=date(2025, 3, 1), photo_upload=b"MZ\x90\x00 executable"))
    assert str(refused.value.errors["photo"]).startswith("Die Datei ist kein Bild im Format PNG, JPEG oder WebP.")


def test_withdrawn_consent_removes_photo(db):
    admin = make_admin()
    champion = catalog.save_champion(admin, None, ChampionData(
        name="A", role="Leitung", photo_consent_on=date(2025, 3, 1), photo_upload=image_bytes("JPEG")))
    db.session.commit()
    assert champion.has_photo and champion.photo
    catalog.save_champion(admin, champion, ChampionData(name="A", role="Leitung", photo_consent_on=None))
    db.session.commit()
    assert champion.photo is None and champion.photo_mimetype is None
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].after["photo_mimetype"] == "image/jpeg" and entries[0].after["photo_bytes"] > 0
    assert entries[1].before["photo_mimetype"] == "image/jpeg" and entries[1].after["photo_mimetype"] is None


# --- strategy and named records --------------------------------------------------------


def test_strategy_is_created_once_then_updated_with_budget_years(db):
    admin = make_admin()
    data = StrategyData(title="Digitales Musterstadt", period_from=2024, period_to=2030, intro="**Ziel**",
                        budget_years={2024: Decimal("100000"), 2025: Decimal("250000.50")})
    first = catalog.save_strategy(admin, data)
    db.session.commit()
    data.budget_years = {2025: Decimal("300000")}
    data.title = "Digitale Musterstadt"
    second = catalog.save_strategy(admin, data)
    db.session.commit()
    assert first.id == second.id and len(db.session.scalars(select(Strategy)).all()) == 1
    assert [(b.year, b.amount) for b in second.budget_years] == [(2025, Decimal("300000.00"))]
    assert second.intro_html == "<p><strong>Ziel</strong></p>\n"
    update = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert update.before == {"title": "Digitales Musterstadt", "budget_years": {"2024": "100000.00", "2025": "250000.50"}}
    assert update.after == {"title": "Digitale Musterstadt", "budget_years": {"2025": "300000.00"}}


def test_strategy_period_must_be_ordered(db):
    with pytest.raises(ValidationFailed):
        catalog.save_strategy(make_admin(), StrategyData(title="x", period_from=2030, period_to=2024))


def test_field_slug_from_name_and_unique(db):
    admin = make_admin()
    make_field(slug="buergerservice")
    field = catalog.save_field(admin, None, "Bürgerservice", "", "", 1)
    assert field.slug == "buergerservice-2"
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_field(admin, field, "Bürgerservice", "buergerservice", "", 1)
    assert "slug" in refused.value.errors


def test_funding_source_names_are_unique(db):
    admin = make_admin()
    catalog.save_funding_source(admin, None, "Eigenmittel", False, "")
    with pytest.raises(ValidationFailed):
        catalog.save_funding_source(admin, None, " Eigenmittel ", True, "")


def test_catalog_is_for_admins_only(db):
    editor = make_editor(make_department())
    with pytest.raises(PermissionDenied):
        catalog.save_department(editor, None, "Neu", "", "")
    with pytest.raises(PermissionDenied):
        catalog.save_strategy(editor, StrategyData(title="x", period_from=2024, period_to=2025))
