"""URL converters of the application.

`<id:name>` is a database id in a URL: digits only (like `<int:name>`), at most the largest
32-bit integer. A larger number cannot be a stored id, so the URL does not match (404)
instead of reaching the database driver, which cannot hold it (OverflowError, 500).
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column on PostgreSQL (SQLite allows more, but the ids
# the application hands out never reach it).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """An integer in 0..MAX_ID; url_for writes it as IntegerConverter does."""

    # ASCII digits: IntegerConverter's \d also takes "１" or "٣", which int() reads as 1 and 3.
    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Register the converters; call before the blueprints add their rules."""
    app.url_map.converters["id"] = IdConverter
