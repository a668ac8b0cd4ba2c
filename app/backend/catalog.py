"""Editing what groups the milestones: the strategy, fields of action, departments,
champions and funding sources. Admins only; every change goes to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.auth.permissions import require_role
from app.backend.photos import DEFAULT_MAX_BYTES, PhotoError, process_photo
from app.forms_base import ValidationFailed
from app.backend.slugs import is_valid_slug, keep_former_slug, slugify, unique_slug
from app.extensions import db
from app.models import (
    Champion,
    Department,
    DepartmentSlug,
    Field,
    FieldSlug,
    FundingSource,
    Role,
    Strategy,
    StrategyBudgetYear,
    User,
)
from app.sanitize import markdown_to_html

STRATEGY_AUDIT_FIELDS = (
    "title", "intro", "period_from", "period_to", "council_decision_on",
    "council_decision_reference", "council_decision_url", "document_url", "lead_role",
    "title_en", "intro_en", "lead_role_en",
)
FIELD_AUDIT_FIELDS = ("name", "slug", "description", "position", "name_en", "description_en")
DEPARTMENT_AUDIT_FIELDS = ("name", "slug", "description", "contact_email")
FUNDING_SOURCE_AUDIT_FIELDS = ("name", "is_grant", "description")
CHAMPION_AUDIT_FIELDS = (
    "name", "role", "department_id", "quote", "photo_mimetype", "photo_consent_on", "role_en", "quote_en",
)

PHOTO_ERRORS = {
    "not_an_image": _l("Die Datei ist kein Bild im Format PNG, JPEG oder WebP. Bitte wählen Sie ein solches Foto."),
    "too_large": _l("Das Foto ist zu groß. Bitte wählen Sie eine kleinere Datei."),
}


@dataclass
class StrategyData:
    title: str
    period_from: int
    period_to: int
    intro: str = ""
    council_decision_on: date | None = None
    council_decision_reference: str = ""
    council_decision_url: str = ""
    document_url: str = ""
    lead_role: str = ""
    title_en: str = ""
    intro_en: str = ""
    lead_role_en: str = ""
    budget_years: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class ChampionData:
    name: str
    role: str
    department_id: int | None = None
    quote: str = ""
    photo_consent_on: date | None = None
    photo_upload: bytes | None = None
    remove_photo: bool = False
    role_en: str = ""
    quote_en: str = ""


def current_strategy() -> Strategy | None:
    return db.session.scalar(Strategy.select_current())


def strategy_snapshot(strategy: Strategy) -> dict:
    values = audit.snapshot(strategy, STRATEGY_AUDIT_FIELDS)
    values["budget_years"] = {str(b.year): audit.json_value(b.amount) for b in strategy.budget_years}
    return values


def save_strategy(actor: User, data: StrategyData) -> Strategy:
    """Update the site's one strategy, creating it on first save."""
    require_role(actor, Role.ADMIN)
    if data.period_from > data.period_to:
        raise ValidationFailed({"period_to": _l("Das Ende des Zeitraums liegt vor seinem Beginn.")})
    strategy = current_strategy()
    is_new = strategy is None
    if is_new:
        strategy = Strategy(title=data.title, period_from=data.period_from, period_to=data.period_to)
        db.session.add(strategy)
    before = None if is_new else strategy_snapshot(strategy)
    for name in STRATEGY_AUDIT_FIELDS:
        setattr(strategy, name, getattr(data, name))
    strategy.title_en = data.title_en.strip()
    strategy.lead_role_en = data.lead_role_en.strip()
    strategy.intro_html = markdown_to_html(data.intro, top_level=2)
    strategy.intro_en_html = markdown_to_html(data.intro_en, top_level=2) if data.intro_en.strip() else ""
    existing = {b.year: b for b in strategy.budget_years}
    for year, row in existing.items():
        if year not in data.budget_years:
            strategy.budget_years.remove(row)
    for year, amount in sorted(data.budget_years.items()):
        if year in existing:
            existing[year].amount = amount
        else:
            strategy.budget_years.append(StrategyBudgetYear(year=year, amount=amount))
    db.session.flush()
    audit.record(
        actor, audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE, "strategy",
        strategy.id, strategy.title, before=before, after=strategy_snapshot(strategy),
    )
    return strategy


def save_field(
    actor: User, obj: Field | None, name: str, slug: str, description: str, position: int,
    name_en: str = "", description_en: str = "",
) -> Field:
    require_role(actor, Role.ADMIN)
    return _save_named(
        actor, Field, obj, "field", FIELD_AUDIT_FIELDS,
        dict(name=name.strip(), slug=slug, description=description, position=position,
             name_en=(name_en or "").strip(), description_en=description_en or ""),
    )


def save_department(
    actor: User, obj: Department | None, name: str, slug: str, description: str, contact_email: str = "",
) -> Department:
    require_role(actor, Role.ADMIN)
    email = (contact_email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationFailed({"contact_email": _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")}) from None
    return _save_named(
        actor, Department, obj, "department", DEPARTMENT_AUDIT_FIELDS,
        dict(name=name.strip(), slug=slug, description=description, contact_email=email or None),
    )


def save_funding_source(
    actor: User, obj: FundingSource | None, name: str, is_grant: bool, description: str
) -> FundingSource:
    require_role(actor, Role.ADMIN)
    name = name.strip()
    clash = db.session.scalar(select(FundingSource.id).where(FundingSource.name == name))
    if clash is not None and (obj is None or clash != obj.id):
        raise ValidationFailed({"name": _l("Eine Finanzierungsquelle mit diesem Namen gibt es schon.")})
    return _save_named(
        actor, FundingSource, obj, "funding_source", FUNDING_SOURCE_AUDIT_FIELDS,
        dict(name=name, is_grant=is_grant, description=description),
    )


def save_champion(actor: User, champion: Champion | None, data: ChampionData) -> Champion:
    """Save a champion; a photo needs a recorded consent, and withdrawing it removes the photo."""
    require_role(actor, Role.ADMIN)
    if data.department_id is not None and db.session.get(Department, data.department_id) is None:
        raise ValidationFailed({"department_id": _l("Diese Organisationseinheit gibt es nicht.")})
    photo = None
    if data.photo_upload:
        if data.photo_consent_on is None:
            raise ValidationFailed({"photo": _l(
                "Ein Foto darf nur mit dokumentierter Einwilligung gespeichert werden. "
                "Bitte tragen Sie das Datum der Einwilligung ein."
            )})
        max_bytes = current_app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
        try:
            photo = process_photo(data.photo_upload, max_bytes=max_bytes)
        except PhotoError as exc:
            raise ValidationFailed({"photo": PHOTO_ERRORS[exc.reason]}) from exc

    is_new = champion is None
    if is_new:
        champion = Champion()
        db.session.add(champion)
    before = None if is_new else audit.snapshot(champion, CHAMPION_AUDIT_FIELDS)
    champion.name = data.name.strip()
    champion.role = data.role.strip()
    champion.department_id = data.department_id
    champion.quote = data.quote
    champion.role_en = data.role_en.strip()
    champion.quote_en = data.quote_en
    champion.photo_consent_on = data.photo_consent_on
    if photo is not None:
        champion.photo, champion.photo_mimetype = photo.data, photo.mimetype
    elif data.remove_photo or data.photo_consent_on is None:
        champion.photo, champion.photo_mimetype = None, None
    db.session.flush()
    after = audit.snapshot(champion, CHAMPION_AUDIT_FIELDS)
    if photo is not None:
        # The image itself stays out of the log; its size marks that a new one was stored.
        after["photo_bytes"] = len(photo.data)
    audit.record(actor, audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE,
                 "champion", champion.id, champion.name, before=before, after=after)
    return champion


def _save_named(actor: User, model, obj, object_type: str, audit_fields, values: dict):
    """Create or update a simple named record with a unique slug (when it has one)."""
    if "slug" in values:
        values["slug"] = _checked_slug(model, obj, values["slug"], values["name"])
    is_new = obj is None
    if is_new:
        obj = model()
        db.session.add(obj)
    before = None if is_new else audit.snapshot(obj, audit_fields)
    if not is_new and "slug" in values:
        keep_former_slug(obj, values["slug"], FORMER_SLUG_MODELS[model][0])
    for name, value in values.items():
        setattr(obj, name, value)
    db.session.flush()
    audit.record(actor, audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE,
                 object_type, obj.id, obj.name, before=before, after=audit.snapshot(obj, audit_fields))
    return obj


# Former slugs keep old links, feeds, calendars and embedded widgets working after a rename.
FORMER_SLUG_MODELS = {Field: (FieldSlug, "field_id"), Department: (DepartmentSlug, "department_id")}


def _checked_slug(model, obj, slug: str, name: str) -> str:
    def taken(candidate: str) -> bool:
        owner = db.session.scalar(select(model.id).where(model.slug == candidate))
        if owner is None and model in FORMER_SLUG_MODELS:
            # A former slug of another record still redirects there.
            former_model, key = FORMER_SLUG_MODELS[model]
            owner = db.session.scalar(
                select(getattr(former_model, key)).where(former_model.slug == candidate)
            )
            if owner is not None and obj is not None and owner == obj.id:
                return False
        return owner is not None and (obj is None or owner != obj.id)

    if not slug:
        return unique_slug(slugify(name), taken)
    if not is_valid_slug(slug):
        raise ValidationFailed({"slug": _l("Nur Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche.")})
    if taken(slug):
        raise ValidationFailed({"slug": _l("Diese Adresse ist schon vergeben.")})
    return slug
