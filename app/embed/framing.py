"""Which sites may show the widgets in a frame: 'self' and the configured origins.

Only well-formed origins (scheme, host and optional port) reach the Content-Security-Policy;
anything else in the setting (default: EMBED_ALLOWED_ORIGINS) is ignored and listed on the snippet page, so a
typo can never widen the policy or break the header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ORIGIN = re.compile(r"https?://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?::\d{1,5})?")


@dataclass(frozen=True)
class Origins:
    allowed: tuple[str, ...]
    ignored: tuple[str, ...]


def parse_origins(configured: list[str] | tuple[str, ...]) -> Origins:
    allowed, ignored = [], []
    for raw in configured:
        origin = raw.strip().rstrip("/").lower()
        (allowed if ORIGIN.fullmatch(origin) else ignored).append(origin if ORIGIN.fullmatch(origin) else raw)
    return Origins(tuple(dict.fromkeys(allowed)), tuple(ignored))


def frame_ancestors(configured: list[str] | tuple[str, ...]) -> str:
    """The CSP frame-ancestors source list of the widgets."""
    return " ".join(("'self'", *parse_origins(configured).allowed))
