"""Strict reading of the API's query parameters: anything the OpenAPI document forbids is a 400.

The public list forgives unknown values with a notice; an API answers precisely, so a
client learns at once that its filter was not applied.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.models import Department, Field
from app.filters import MAX_PAGE, MAX_QUERY_LENGTH, SORT_OPTIONS, STATUS_VALUES, MilestoneFilters
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.routing import MAX_ID

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
BOOLEANS = {"true": True, "false": False}
SORT_VALUES = tuple(SORT_OPTIONS)


class ApiError(Exception):
    """An answer with an error body: {"error": {"code", "message"[, "parameter"]}}."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.parameter:
            error["parameter"] = self.parameter
        return {"error": error}


def invalid(parameter: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter)


def _single(args: MultiDict, name: str) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise invalid(name, _("Der Parameter „%(name)s“ darf nur einmal vorkommen.", name=name))
    return values[0] if values else None


def _integer(args: MultiDict, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = _single(args, name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise invalid(name, _("„%(name)s“ muss eine ganze Zahl von %(min)d bis %(max)d sein.",
                              name=name, min=minimum, max=maximum))
    return int(raw)


def _choice(args: MultiDict, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = _single(args, name)
    if raw is None:
        return None
    if raw not in allowed:
        raise invalid(name, _("Erlaubte Werte für „%(name)s“: %(values)s.", name=name, values=", ".join(allowed)))
    return raw


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int


def parse_page(args: MultiDict) -> Page:
    return Page(
        _integer(args, "page", 1, 1, MAX_PAGE),
        _integer(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def _by_slug(args: MultiDict, name: str, rows: list, message: str):
    slug = _single(args, name)
    if slug is None:
        return None
    found = next((row for row in rows if row.slug == slug), None)
    if found is None:
        raise invalid(name, message)
    return found


def parse_milestone_filters(args: MultiDict, fields: list[Field], departments: list[Department]) -> MilestoneFilters:
    """The filters of the public milestone list, from the API's parameters."""
    field = _by_slug(args, "field", fields, _("Dieses Handlungsfeld gibt es nicht (erwartet wird sein Slug)."))
    department = _by_slug(args, "department", departments,
                          _("Diese Organisationseinheit gibt es nicht (erwartet wird ihr Slug)."))
    status = _choice(args, "status", STATUS_VALUES)
    sort = _choice(args, "sort", SORT_VALUES) or SORT_VALUES[0]
    overdue = _choice(args, "overdue", tuple(BOOLEANS))
    q = _single(args, "q") or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise invalid("q", _("Der Suchtext darf höchstens %(max)d Zeichen lang sein.", max=MAX_QUERY_LENGTH))
    if any(unicodedata.category(character) == "Cc" for character in q):
        raise invalid("q", _("Der Suchtext darf keine Steuerzeichen enthalten."))
    return MilestoneFilters(
        field=field,
        status=status,
        department=department,
        overdue=BOOLEANS[overdue] if overdue else False,
        q=" ".join(q.split()),
        sort=sort,
    )


def parse_language(args: MultiDict) -> str:
    """The language of the texts asked for with ?lang= (German when absent)."""
    return _choice(args, "lang", LANGUAGES) or DEFAULT_LANGUAGE


def parse_milestone_id(args: MultiDict) -> int | None:
    raw = _single(args, "milestone")
    if raw is None:
        return None
    return _integer(args, "milestone", 0, 1, MAX_ID)
