"""URL slugs from German titles: "Bürgerbüro öffnet" -> "buergerbuero-oeffnet", and the former
slugs that keep old links, feeds, calendars and embedded widgets working after a rename."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from app.extensions import db

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_LENGTH = 200

# German transliteration first, so that "ü" becomes "ue" and not "u".
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def slugify(text: str, fallback: str = "eintrag", max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII words joined by hyphens; the fallback when nothing is left."""
    ascii_text = (
        unicodedata.normalize("NFKD", (text or "").translate(_GERMAN))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_LENGTH and SLUG_PATTERN.fullmatch(slug) is not None


def unique_slug(base: str, taken: Callable[[str], bool], max_length: int = MAX_LENGTH) -> str:
    """The base slug, or base-2, base-3, ... whichever is free first."""
    candidate = base
    n = 2
    while taken(candidate):
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


def keep_former_slug(obj, new_slug: str, former_model) -> None:
    """Before `obj` (a milestone, field of action or department) takes `new_slug`, its current
    slug becomes a former one (a redirect); going back to a former slug makes it current again."""
    if new_slug == obj.slug or not obj.slug:
        return
    reused = next((row for row in obj.old_slugs if row.slug == new_slug), None)
    if reused is not None:
        obj.old_slugs.remove(reused)
        db.session.flush()
    obj.old_slugs.append(former_model(slug=obj.slug))
