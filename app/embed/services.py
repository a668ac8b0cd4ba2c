"""The <iframe> snippets admins copy into the municipal website, one per widget kind."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from app.embed.framing import Origins, parse_origins
from app.extensions import db
from app.urls import external_url
from app.models import Department, Field, Milestone
from app.filters import parse_milestone_filters
from app.public import queries
from app.filters import MilestoneFilters
from app.settings import get_setting

WIDTH = 600
HEIGHTS = {"field": 640, "milestones": 720, "milestone": 420}


@dataclass(frozen=True)
class Snippet:
    label: str  # what the widget shows
    url: str
    code: str


def iframe(url: str, title: str, kind: str) -> Snippet:
    """An iframe with a title (screen readers announce it), a fixed size and lazy loading."""
    code = (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="{WIDTH}" height="{HEIGHTS[kind]}" '
        'loading="lazy"></iframe>'
    )
    return Snippet(title, url, code)


@dataclass(frozen=True)
class SnippetPage:
    origins: Origins
    fields: list[Field]
    departments: list[Department]
    milestones: list[Milestone]
    field_snippets: list[tuple[Field, Snippet]]
    list_filters: MilestoneFilters
    list_snippet: Snippet
    chosen: Milestone | None
    milestone_snippet: Snippet | None
    notices: list[str]


def published_milestones() -> list[Milestone]:
    return list(db.session.scalars(Milestone.select_published().order_by(Milestone.title, Milestone.id)))


def snippet_page(args: MultiDict) -> SnippetPage:
    """Snippets for every field, for the list with the chosen filters and for the chosen milestone."""
    site = get_setting("municipality_name")
    fields, departments = queries.filter_choices()
    milestones = published_milestones()
    parsed = parse_milestone_filters(args, fields, departments)
    filters: MilestoneFilters = parsed.value
    slug = (args.get("milestone") or "").strip()
    chosen = next((m for m in milestones if m.slug == slug), None) or (milestones[0] if milestones else None)
    notices = list(parsed.notices)
    if slug and (chosen is None or chosen.slug != slug):
        notices.append(_("Das gewählte Etappenziel gibt es nicht oder es ist nicht veröffentlicht."))
    return SnippetPage(
        origins=parse_origins(get_setting("embed_allowed_origins") or []),
        fields=fields,
        departments=departments,
        milestones=milestones,
        field_snippets=[
            (f, iframe(external_url("embed.field", slug=f.slug),
                       _("Fortschritt im Handlungsfeld „%(name)s“ – %(site)s", name=f.name, site=site), "field"))
            for f in fields
        ],
        list_filters=filters,
        list_snippet=iframe(
            external_url("embed.milestones", **filters.query_args()),
            _("Etappenziele der Digitalstrategie – %(site)s", site=site), "milestones",
        ),
        chosen=chosen,
        milestone_snippet=None if chosen is None else iframe(
            external_url("embed.milestone", slug=chosen.slug),
            _("Etappenziel „%(title)s“ – %(site)s", title=chosen.title, site=site), "milestone",
        ),
        notices=notices,
    )
