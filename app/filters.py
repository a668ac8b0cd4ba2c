"""Reading page numbers and list filters from the query string: unknown values become notices,
never errors.

The filter forms of the public pages, the API, the widgets and the backend lists are plain GET
forms (bookmarkable, no CSRF token, no cookie), so their values are read here instead of
through Flask-WTF.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field, replace

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.models import Department, Field
from app.page_cache.tags import do_not_store
from app.progress import MilestoneStatus

STATUS_VALUES = tuple(status.value for status in MilestoneStatus)

SORT_OPTIONS = {
    "target_date": _l("Zieltermin (früheste zuerst)"),
    "progress": _l("Fortschritt (höchster zuerst)"),
    "last_update": _l("Letzte Meldung (neueste zuerst)"),
    "title": _l("Titel (A–Z)"),
}
DEFAULT_SORT = "target_date"

# Longer search texts are cut; more words than this are ignored.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8

# Pages beyond this are treated as "beyond the last page" without asking the database.
MAX_PAGE = 100_000

TRUE_VALUES = frozenset({"1", "on", "true", "yes", "ja"})


@dataclass(frozen=True)
class MilestoneFilters:
    """The validated filters and sort order of the milestone list."""

    field: Field | None = None
    status: str | None = None
    department: Department | None = None
    overdue: bool = False
    q: str = ""
    sort: str = DEFAULT_SORT

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_QUERY_WORDS]

    @property
    def active(self) -> bool:
        return bool(self.field or self.status or self.department or self.overdue or self.q)

    def query_args(self) -> dict[str, str]:
        """The filters as URL parameters, for links that keep them (pagination, sorting)."""
        args: dict[str, str] = {}
        if self.field:
            args["field"] = self.field.slug
        if self.status:
            args["status"] = self.status
        if self.department:
            args["department"] = self.department.slug
        if self.overdue:
            args["overdue"] = "1"
        if self.q:
            args["q"] = self.q
        if self.sort != DEFAULT_SORT:
            args["sort"] = self.sort
        return args

    def without(self, name: str) -> dict[str, str]:
        """The URL parameters with one filter removed."""
        cleared = {"field": None, "status": None, "department": None, "overdue": False, "q": ""}
        return replace(self, **{name: cleared[name]}).query_args()


@dataclass
class Parsed:
    """A parsed value and the notices for the visitor about what was ignored."""

    value: object
    notices: list[str] = dataclass_field(default_factory=list)

    def __post_init__(self) -> None:
        # A page that tells the visitor about an ignored parameter is not kept in the page
        # cache: random values would otherwise fill it.
        if self.notices:
            do_not_store()


def parse_status(raw: str | None) -> Parsed:
    raw = (raw or "").strip()
    if not raw:
        return Parsed(None)
    if raw in STATUS_VALUES:
        return Parsed(raw)
    return Parsed(None, [str(_l("Den gewählten Status gibt es nicht; der Filter wurde nicht angewendet."))])


def parse_page(raw: str | None) -> Parsed:
    """A page number >= 1; anything else is page 1 with a notice."""
    raw = (raw or "").strip()
    if not raw:
        return Parsed(1)
    if raw.isdigit() and raw.isascii():
        number = int(raw)
        if number >= 1:
            return Parsed(min(number, MAX_PAGE))
    return Parsed(1, [str(_l("Die Seitenangabe war ungültig; es wird die erste Seite gezeigt."))])


def parse_milestone_filters(
    args: MultiDict, fields: list[Field], departments: list[Department]
) -> Parsed:
    """The filters of the milestone list from the query string; unknown values are dropped."""
    notices: list[str] = []
    fields_by_slug = {f.slug: f for f in fields}
    departments_by_slug = {d.slug: d for d in departments}

    field_slug = (args.get("field") or "").strip()
    chosen_field = fields_by_slug.get(field_slug)
    if field_slug and chosen_field is None:
        notices.append(str(_l("Das gewählte Handlungsfeld gibt es nicht; der Filter wurde nicht angewendet.")))

    department_slug = (args.get("department") or "").strip()
    chosen_department = departments_by_slug.get(department_slug)
    if department_slug and chosen_department is None:
        notices.append(str(_l("Die gewählte Organisationseinheit gibt es nicht; der Filter wurde nicht angewendet.")))

    status = parse_status(args.get("status"))
    notices.extend(status.notices)

    sort = (args.get("sort") or "").strip() or DEFAULT_SORT
    if sort not in SORT_OPTIONS:
        notices.append(str(_l("Diese Sortierung gibt es nicht; sortiert wird nach Zieltermin.")))
        sort = DEFAULT_SORT

    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH].rstrip()
        notices.append(str(_l("Der Suchtext war zu lang und wurde gekürzt.")))

    overdue = (args.get("overdue") or "").strip().lower() in TRUE_VALUES
    filters = MilestoneFilters(
        field=chosen_field, status=status.value, department=chosen_department,
        overdue=overdue, q=q, sort=sort,
    )
    return Parsed(filters, notices)
