"""Site settings: values an administrator stored in the database, else the config default."""
from __future__ import annotations

from flask import current_app, g

from app.extensions import db
from app.models import Setting

# setting key -> config key holding its default
DEFAULTS_FROM_CONFIG = {
    "municipality_name": "MUNICIPALITY_NAME",
    "stale_after_days": "STALE_AFTER_DAYS",
    "moderation_mode": "MODERATION_MODE",
    "comments_open": "COMMENTS_OPEN",
    "guest_comments": "GUEST_COMMENTS",
    "auto_hide_flags": "AUTO_HIDE_FLAGS",
    "primary_color": "PRIMARY_COLOR",
    "accent_color": "ACCENT_COLOR",
    "contact_address": "CONTACT_ADDRESS",
    "contact_email": "CONTACT_EMAIL",
    "contact_phone": "CONTACT_PHONE",
    "embed_allowed_origins": "EMBED_ALLOWED_ORIGINS",
}


def get_setting(key: str):
    """The value of a setting, read once per request."""
    cache = g.setdefault("_settings", None)
    if cache is None:
        cache = {row.key: row.value for row in db.session.scalars(db.select(Setting))}
        g._settings = cache
    if key in cache:
        return cache[key]
    return current_app.config[DEFAULTS_FROM_CONFIG[key]]


def set_setting(key: str, value) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    g.pop("_settings", None)
