"""Stable names for feeds, feed entries and calendar events, built from row ids.

Entry ids are tag: URIs (RFC 4151) and never contain a slug or a URL path, so renaming a
milestone or editing an update never makes a feed reader show an entry twice.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import current_app

# The date part of every tag: URI. Changing it would change every id: never do that.
TAG_DATE = "2024"


def authority() -> str:
    """The naming authority: FEED_ID_AUTHORITY, else the host of BASE_URL."""
    configured = current_app.config.get("FEED_ID_AUTHORITY")
    return configured or urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def tag_uri(*parts: object) -> str:
    """tag:<authority>,2024:etappen/<parts joined by "/">."""
    return f"tag:{authority()},{TAG_DATE}:etappen/" + "/".join(str(part) for part in parts)


def calendar_uid(milestone_id: int) -> str:
    return f"etappenziel-{milestone_id}@{authority()}"


def as_utc(value: datetime | None) -> datetime | None:
    """A database timestamp (naive UTC) as a timezone-aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
