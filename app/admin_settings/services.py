"""Site settings an administrator changes: typed values, their rules, the logo and the text pages.

Values live in the Setting table with defaults from config (app/settings.py). Deployment
settings (secrets, mail server, base URL, rate limits) stay in config and are not here.
Functions check permissions themselves, raise ValidationFailed with messages per field,
record the change in the audit log and leave the commit to the caller.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import asdict, dataclass, fields

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select

from app import audit
from app.auth.permissions import is_admin, require
from app.backend.photos import PhotoError, process_photo
from app.embed.framing import ORIGIN
from app.extensions import db
from app.forms_base import ValidationFailed
from app.models import ContentPage, User
from app.models.branding import SiteLogo
from app.pages import services as pages
from app.settings import get_setting, set_setting
from app.theme import normalise_color

MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
WHITE = "#ffffff"
MODERATION_MODES = ("pre", "post")
STALE_DAYS_RANGE = (1, 3650)
NAME_MAX = 100
ADDRESS_MAX = 500
PHONE_MAX = 40
AUTO_HIDE_RANGE = (0, 100)  # 0: flags never hide a comment on their own
ORIGINS_MAX = 20
LOGO_MAX_BYTES = 2 * 1024 * 1024

_PHONE = re.compile(r"[0-9+()/.\- ]*")


@dataclass
class SiteSettings:
    """The settings of the settings page, typed; the field names are the Setting keys."""

    municipality_name: str
    primary_color: str
    accent_color: str
    contact_address: str
    contact_email: str
    contact_phone: str
    stale_after_days: int
    moderation_mode: str
    comments_open: bool
    guest_comments: bool
    auto_hide_flags: int
    embed_allowed_origins: list[str]


SETTING_KEYS = tuple(f.name for f in fields(SiteSettings))


def current_settings() -> SiteSettings:
    """The stored values, else the defaults from config."""
    values = {key: get_setting(key) for key in SETTING_KEYS}
    values["embed_allowed_origins"] = list(values["embed_allowed_origins"] or [])
    return SiteSettings(**values)


# ----------------------------------------------------------------------------- colours


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour "#rrggbb"."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _check_color(text: str) -> tuple[str | None, object | None]:
    try:
        color = normalise_color(text)
    except ValueError:
        return None, _l("Bitte geben Sie die Farbe als Hex-Wert ein, zum Beispiel #1a5fb4.")
    ratio = contrast_ratio(color, WHITE)
    if ratio < MIN_CONTRAST:
        # Floor, not round: 4.48 must not be shown as "4,5".
        shown = format_decimal(int(ratio * 100) / 100, format="0.00")
        return None, _l(
            "Die Farbe %(color)s hat zu Weiß nur ein Kontrastverhältnis von %(ratio)s : 1. "
            "Für gut lesbare Schrift sind mindestens 4,5 : 1 nötig (WCAG 2.1 AA). "
            "Bitte wählen Sie einen dunkleren Ton.",
            color=color, ratio=shown,
        )
    return color, None


# ----------------------------------------------------------------------------- embedding


def _check_origins(entries) -> tuple[list[str], object | None]:
    """Origins "https://host[:port]" in lower case without duplicates, or the first bad entry."""
    clean: list[str] = []
    for raw in entries or []:
        origin = str(raw).strip().lower()
        if not origin:
            continue
        # framing.ORIGIN also accepts http:// (local tests); the admin may only allow https sites.
        if not origin.startswith("https://") or not ORIGIN.fullmatch(origin.rstrip("/")):
            return [], _l(
                "„%(entry)s“ ist keine gültige Adresse. Bitte nur https://, den Namen der Website und "
                "wenn nötig den Port angeben, ohne Pfad und ohne Platzhalter, zum Beispiel "
                "https://www.musterstadt.de.", entry=str(raw).strip()[:100],
            )
        origin = origin.rstrip("/")
        if origin not in clean:
            clean.append(origin)
    if len(clean) > ORIGINS_MAX:
        return [], _l("Höchstens %(max)d Websites.", max=ORIGINS_MAX)
    return clean, None


# ----------------------------------------------------------------------------- settings


def validate(data: SiteSettings) -> SiteSettings:
    """The values cleaned up, or ValidationFailed naming every field that breaks a rule."""
    errors: dict[str, object] = {}
    name = (data.municipality_name or "").strip()
    if not name:
        errors["municipality_name"] = _l("Bitte geben Sie den Namen der Kommune ein.")
    elif len(name) > NAME_MAX:
        errors["municipality_name"] = _l("Höchstens %(max)d Zeichen.", max=NAME_MAX)

    primary, error = _check_color(data.primary_color)
    if error:
        errors["primary_color"] = error
    accent, error = _check_color(data.accent_color)
    if error:
        errors["accent_color"] = error

    address = (data.contact_address or "").strip().replace("\r\n", "\n")
    if len(address) > ADDRESS_MAX:
        errors["contact_address"] = _l("Höchstens %(max)d Zeichen.", max=ADDRESS_MAX)
    email = (data.contact_email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    phone = " ".join((data.contact_phone or "").split())
    if len(phone) > PHONE_MAX or not _PHONE.fullmatch(phone):
        errors["contact_phone"] = _l("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden.")

    days = data.stale_after_days
    low, high = STALE_DAYS_RANGE
    if not isinstance(days, int) or isinstance(days, bool) or not low <= days <= high:
        errors["stale_after_days"] = _l("Bitte eine ganze Zahl von %(low)d bis %(high)d.", low=low, high=high)
    if data.moderation_mode not in MODERATION_MODES:
        errors["moderation_mode"] = _l("Bitte wählen Sie Vorab- oder Nachmoderation.")
    if not isinstance(data.comments_open, bool):
        errors["comments_open"] = _l("Bitte wählen Sie, ob Kommentare möglich sind.")
    if not isinstance(data.guest_comments, bool):
        errors["guest_comments"] = _l("Bitte wählen Sie, ob Gäste kommentieren dürfen.")
    flags = data.auto_hide_flags
    low, high = AUTO_HIDE_RANGE
    if not isinstance(flags, int) or isinstance(flags, bool) or not low <= flags <= high:
        errors["auto_hide_flags"] = _l("Bitte eine ganze Zahl von %(low)d bis %(high)d.", low=low, high=high)
    origins, error = _check_origins(data.embed_allowed_origins)
    if error:
        errors["embed_allowed_origins"] = error
    if errors:
        raise ValidationFailed(errors)
    return SiteSettings(
        municipality_name=name, primary_color=primary, accent_color=accent,
        contact_address=address, contact_email=email, contact_phone=phone,
        stale_after_days=days, moderation_mode=data.moderation_mode, comments_open=data.comments_open,
        guest_comments=data.guest_comments, auto_hide_flags=flags, embed_allowed_origins=origins,
    )


def update_settings(actor: User, data: SiteSettings) -> list[str]:
    """Store the settings that changed (all or none) and return their keys."""
    require(is_admin(actor))
    clean = validate(data)
    before, after = asdict(current_settings()), asdict(clean)
    changed = [key for key in SETTING_KEYS if before[key] != after[key]]
    for key in changed:
        set_setting(key, after[key])
    audit.record(actor, audit.AuditAction.UPDATE, "setting", "site", "Einstellungen",
                 before=before, after=after)
    return changed


# ----------------------------------------------------------------------------- logo


def logo_version() -> str | None:
    """A short fingerprint of the logo for its URL, so a new logo gets a new address."""
    digest = db.session.scalar(select(SiteLogo.digest).where(SiteLogo.id == 1))
    return digest[:16] if digest else None


def set_logo(actor: User, data: bytes) -> SiteLogo:
    """Store an uploaded PNG, JPEG or WebP logo, re-encoded without metadata and scaled down."""
    require(is_admin(actor))
    try:
        image = process_photo(data, max_bytes=LOGO_MAX_BYTES)
    except PhotoError as error:
        message = (
            _l("Das Logo darf höchstens %(max)d MB groß sein.", max=LOGO_MAX_BYTES // (1024 * 1024))
            if error.reason == "too_large"
            else _l("Bitte laden Sie ein Bild im Format PNG, JPEG oder WebP hoch.")
        )
        raise ValidationFailed({"file": message}) from error
    with Image.open(io.BytesIO(image.data)) as decoded:
        width, height = decoded.size
    logo = db.session.get(SiteLogo, 1)
    before = _logo_audit(logo)
    if logo is None:
        logo = SiteLogo(id=1)
        db.session.add(logo)
    logo.data = image.data
    logo.mimetype = image.mimetype
    logo.digest = hashlib.sha256(image.data).hexdigest()
    logo.width, logo.height = width, height
    db.session.flush()
    audit.record(actor, audit.AuditAction.UPDATE, "setting", "logo", "Logo",
                 before=before, after=_logo_audit(logo))
    return logo


def remove_logo(actor: User) -> bool:
    """Delete the logo; False if there was none."""
    require(is_admin(actor))
    logo = db.session.get(SiteLogo, 1)
    if logo is None:
        return False
    audit.record(actor, audit.AuditAction.DELETE, "setting", "logo", "Logo",
                 before=_logo_audit(logo))
    db.session.delete(logo)
    db.session.flush()
    return True


def _logo_audit(logo: SiteLogo | None) -> dict | None:
    if logo is None:
        return None
    return {"logo": logo.digest[:16], "mimetype": logo.mimetype, "size": f"{logo.width}×{logo.height}"}


# ----------------------------------------------------------------------------- text pages


@dataclass
class PageText:
    title_de: str
    body_de: str
    title_en: str = ""
    body_en: str = ""
    video_url: str = ""


LEGAL_PAGES = ("impressum", "datenschutz", "barrierefreiheit", "leichte-sprache", "gebaerdensprache",
               "kommentarregeln")
VIDEO_PAGES = frozenset({"gebaerdensprache"})


def page_title(slug: str) -> str:
    return gettext(pages.DEFAULTS[slug][0])


def page_text(slug: str) -> tuple[PageText, bool]:
    """The stored text of a page, else its built-in default as Markdown; and whether it is stored."""
    if slug not in pages.PAGE_SLUGS:
        raise pages.UnknownPage(slug)
    page = db.session.scalar(ContentPage.select_by_slug(slug))
    if page is not None:
        return PageText(page.title_de, page.body_de, page.title_en, page.body_en, page.video_url), True
    title, blocks = pages.DEFAULTS[slug]
    name = get_setting("municipality_name")
    return PageText(title_de=title, body_de=_blocks_to_markdown(blocks, name)), False


def _blocks_to_markdown(blocks, name: str) -> str:
    """The built-in German default text as Markdown, a starting point for the operator."""
    parts = []
    for block in blocks:
        texts = [msgid.replace("%(name)s", name) for msgid in block.msgids]
        if block.kind == "h2":
            parts.append("## " + texts[0])
        elif block.kind == "ul":
            parts.append("\n".join("- " + text for text in texts))
        else:
            parts.append(texts[0])
    return "\n\n".join(parts) + "\n"


def save_page(actor: User, slug: str, text: PageText) -> ContentPage:
    """Store a text page through the pages service (Markdown sanitized there)."""
    require(is_admin(actor))
    if slug not in pages.PAGE_SLUGS:
        raise pages.UnknownPage(slug)
    errors: dict[str, object] = {}
    if not (text.title_de or "").strip():
        errors["title_de"] = _l("Bitte geben Sie einen deutschen Titel ein.")
    if slug not in VIDEO_PAGES and text.video_url:
        errors["video_url"] = _l("Ein Video gibt es nur auf der Seite „Gebärdensprache“.")
    else:
        try:
            pages.check_video_url(text.video_url)
        except pages.InvalidVideoUrl:
            errors["video_url"] = _l("Bitte geben Sie eine vollständige Adresse ein, die mit https:// beginnt.")
    if errors:
        raise ValidationFailed(errors)
    existing = db.session.scalar(ContentPage.select_by_slug(slug))
    fields_ = ("title_de", "body_de", "title_en", "body_en", "video_url")
    before = audit.snapshot(existing, fields_) if existing else None
    page = pages.save_content_page(slug, text.title_de, text.body_de, text.title_en, text.body_en,
                                   text.video_url)
    audit.record(actor, audit.AuditAction.UPDATE if existing else audit.AuditAction.CREATE,
                 "content_page", slug, page.title_de, before=before, after=audit.snapshot(page, fields_))
    return page
