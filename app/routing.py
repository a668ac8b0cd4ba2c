"""URL converters of the application, and the 404 for a URL that names nothing.

`<id:name>` is a database id in a URL: digits only (like `<int:name>`), at most the largest
32-bit integer. A larger number cannot be a stored id, so the URL does not match (404)
instead of reaching the database driver, which cannot hold it (OverflowError, 500).
"""
from __future__ import annotations

from typing import TypeVar

from flask import Flask, abort
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column on PostgreSQL (SQLite allows more, but the ids
# the application hands out never reach it).
MAX_ID = 2**31 - 1

T = TypeVar("T")


class IdConverter(IntegerConverter):
    """An integer in 0..MAX_ID; url_for writes it as IntegerConverter does."""

    # ASCII digits: IntegerConverter's \d also takes "１" or "٣", which int() reads as 1 and 3.
    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def or_404(found: T | None) -> T:
    """What a URL names, or a 404 when there is no such thing (None)."""
    if found is None:
        abort(404)
    return found


def init_app(app: Flask) -> None:
    """Register the converters; call before the blueprints add their rules."""
    app.url_map.converters["id"] = IdConverter
