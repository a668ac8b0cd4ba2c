"""What each feed is: its subject, its page, its rows, and how one row reads as an entry.

One small class per feed (STYLE.md point 10); app/feeds/rendering.py turns any of them
into Atom or RSS with caching headers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, get_template_attribute
from flask_babel import gettext as _

from app.feeds import queries
from app.feeds.ids import as_utc, tag_uri
from app.feeds.queries import Summary
from app.i18n import localized
from app.urls import external_url
from app.models import Comment, Department, Field, Milestone, MilestoneChange, ProgressUpdate
from app.public.display import change_label, change_value
from app.settings import get_setting

# Anchors on the milestone page that entries link to.
UPDATE_ANCHOR = "update-{id}"
HISTORY_ANCHOR = "history-heading"
COMMENT_ANCHOR = "kommentar-{id}"


@dataclass(frozen=True)
class Entry:
    """One feed entry, independent of Atom or RSS."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    content: str  # sanitized HTML
    author: str


def site_name() -> str:
    return str(get_setting("municipality_name"))


def _content(macro: str, **values) -> str:
    return str(get_template_attribute("feeds/_content.html", macro)(**values))


def milestone_page(milestone: Milestone, anchor: str | None = None) -> str:
    url = external_url("public.milestone", slug=milestone.slug)
    return f"{url}#{anchor}" if anchor else url


def update_entry(update: ProgressUpdate, with_milestone: bool) -> Entry:
    """A progress update; in feeds of many milestones its title names the milestone."""
    milestone = update.milestone
    published = as_utc(update.published_at or update.created_at)
    updated = max(published, as_utc(update.edited_at) or published)
    page = milestone_page(milestone)
    return Entry(
        id=tag_uri("progress-update", update.id),
        title=(f"{localized(milestone, 'title')}: {localized(update, 'title')}" if with_milestone
               else localized(update, "title")),
        link=milestone_page(milestone, UPDATE_ANCHOR.format(id=update.id)),
        published=published,
        updated=updated,
        content=_content("update_content", update=update, milestone=milestone, page=page,
                         with_milestone=with_milestone, change_label=change_label, change_value=change_value),
        author=update.author_role or site_name(),
    )


def change_entry(change: MilestoneChange, milestone: Milestone) -> Entry:
    """A history entry of its own: a re-planning or status change without a published update."""
    moment = as_utc(change.created_at)
    return Entry(
        id=tag_uri("milestone-change", change.id),
        title=_("%(change)s: %(old)s → %(new)s", change=change_label(change.kind),
                old=change_value(change.kind, change.old_value), new=change_value(change.kind, change.new_value)),
        link=milestone_page(milestone, HISTORY_ANCHOR),
        published=moment,
        updated=moment,
        content=_content("change_content", change=change, milestone=milestone,
                         change_label=change_label, change_value=change_value),
        author=change.author_role or site_name(),
    )


def comment_author(comment: Comment) -> str:
    if comment.is_official:
        if comment.department is not None:
            return _("Antwort der Verwaltung (%(department)s)", department=comment.department.name)
        return _("Antwort der Verwaltung")
    if comment.author is not None:
        return comment.author.display_name
    if comment.guest_name:
        return _("%(name)s (Gast)", name=comment.guest_name)
    return _("gelöschtes Konto")


def comment_entry(comment: Comment) -> Entry:
    """A published comment, reply or official answer."""
    author = comment_author(comment)
    if comment.is_official:
        title = author
    elif comment.parent_id is not None:
        title = _("Antwort von %(name)s", name=author)
    else:
        title = _("Kommentar von %(name)s", name=author)
    published = as_utc(comment.published_at or comment.created_at)
    return Entry(
        id=tag_uri("comment", comment.id),
        title=title,
        link=milestone_page(comment.milestone, COMMENT_ANCHOR.format(id=comment.id)),
        published=published,
        updated=max(published, as_utc(comment.edited_at) or published),
        content=_content("comment_content", comment=comment),
        author=author,
    )


class Feed:
    """A feed: its subject, page and rows. Subclasses say only what differs."""

    kind = ""  # part of the feed's id, its ETag and its URL endpoint
    endpoint = ""

    def args(self) -> dict:
        """The URL arguments of the feed (besides the format)."""
        return {}

    def key(self) -> tuple:
        """What the feed shows besides its rows (a subject's id and name), for its ETag."""
        return ()

    def feed_id(self, lang: str) -> str:
        return tag_uri("feed", lang, self.kind, *self.key()[:1])

    def title(self) -> str:
        raise NotImplementedError

    def description(self) -> str:
        raise NotImplementedError

    def link(self) -> str:
        raise NotImplementedError

    def summary(self) -> Summary:
        raise NotImplementedError

    def items(self, limit: int) -> list:
        raise NotImplementedError

    def entry(self, item) -> Entry:
        raise NotImplementedError


class UpdatesFeed(Feed):
    """All published progress updates."""

    kind = "updates"
    endpoint = "feeds.updates"

    def criteria(self) -> tuple:
        return ()

    def title(self) -> str:
        return _("Fortschrittsmeldungen – %(site)s", site=site_name())

    def description(self) -> str:
        return _("Neue Fortschrittsmeldungen zu allen Etappenzielen der Digitalstrategie von %(site)s.", site=site_name())

    def link(self) -> str:
        return external_url("public.home")

    def summary(self) -> Summary:
        return queries.updates_window_summary(max_entries(), *self.criteria())

    def items(self, limit: int) -> list[ProgressUpdate]:
        return queries.latest_updates(limit, *self.criteria())

    def entry(self, update: ProgressUpdate) -> Entry:
        return update_entry(update, with_milestone=True)


class FieldUpdatesFeed(UpdatesFeed):
    """Progress updates of the milestones of one field of action."""

    kind = "field"
    endpoint = "feeds.field"

    def __init__(self, field: Field):
        self.field = field

    def args(self) -> dict:
        return {"slug": self.field.slug}

    def key(self) -> tuple:
        return (self.field.id, localized(self.field, "name"))

    def criteria(self) -> tuple:
        return (Milestone.field_id == self.field.id,)

    def title(self) -> str:
        return _("Fortschrittsmeldungen im Handlungsfeld „%(name)s“", name=localized(self.field, "name"))

    def description(self) -> str:
        return _("Neue Fortschrittsmeldungen zu den Etappenzielen des Handlungsfelds „%(name)s“.",
                 name=localized(self.field, "name"))

    def link(self) -> str:
        return external_url("public.field", slug=self.field.slug)


class DepartmentUpdatesFeed(UpdatesFeed):
    """Progress updates of the milestones a department is responsible for."""

    kind = "department"
    endpoint = "feeds.department"

    def __init__(self, department: Department):
        self.department = department

    def args(self) -> dict:
        return {"slug": self.department.slug}

    def key(self) -> tuple:
        return (self.department.id, self.department.name)

    def criteria(self) -> tuple:
        return (Milestone.department_id == self.department.id,)

    def title(self) -> str:
        return _("Fortschrittsmeldungen: %(name)s", name=self.department.name)

    def description(self) -> str:
        return _("Neue Fortschrittsmeldungen zu den Etappenzielen, für die %(name)s verantwortlich ist.",
                 name=self.department.name)

    def link(self) -> str:
        return external_url("strategy.departments") + f"#dept-{self.department.slug}"


class _OneMilestoneFeed(Feed):
    """A feed about one milestone: addressed by its slug, linking to its page."""

    def __init__(self, milestone: Milestone):
        self.milestone = milestone

    def args(self) -> dict:
        return {"slug": self.milestone.slug}

    def key(self) -> tuple:
        return (self.milestone.id, localized(self.milestone, "title"))

    def link(self) -> str:
        return milestone_page(self.milestone)


class MilestoneFeed(_OneMilestoneFeed):
    """One milestone: its progress updates, and re-plannings and other changes not told by one."""

    kind = "milestone"
    endpoint = "feeds.milestone"

    def title(self) -> str:
        return _("Etappenziel „%(title)s“: Meldungen und Änderungen", title=localized(self.milestone, "title"))

    def description(self) -> str:
        return _("Fortschrittsmeldungen, Statusänderungen und Neuplanungen des Etappenziels „%(title)s“.",
                 title=localized(self.milestone, "title"))

    def summary(self) -> Summary:
        updates = queries.updates_summary(ProgressUpdate.milestone_id == self.milestone.id)
        changes = queries.changes_summary(self.milestone.id)
        latest = max((t for t in (updates.latest, changes.latest, self.milestone.updated_at) if t), default=None)
        return Summary(updates.count + changes.count, latest, (changes.count,))

    def items(self, limit: int) -> list:
        updates = queries.latest_updates(limit, ProgressUpdate.milestone_id == self.milestone.id)
        changes = queries.latest_changes(self.milestone.id, limit)
        entries = [update_entry(u, with_milestone=False) for u in updates]
        entries += [change_entry(c, self.milestone) for c in changes]
        entries.sort(key=lambda entry: (entry.published, entry.id), reverse=True)
        return entries[:limit]

    def entry(self, item: Entry) -> Entry:
        return item


class CommentsFeed(_OneMilestoneFeed):
    """Published comments, replies and official answers on one milestone."""

    kind = "comments"
    endpoint = "feeds.comments"

    def title(self) -> str:
        return _("Kommentare zum Etappenziel „%(title)s“", title=localized(self.milestone, "title"))

    def description(self) -> str:
        return _("Veröffentlichte Kommentare und Antworten der Verwaltung zum Etappenziel „%(title)s“.",
                 title=localized(self.milestone, "title"))

    def summary(self) -> Summary:
        return queries.comments_summary(self.milestone.id)

    def items(self, limit: int) -> list[Comment]:
        return queries.latest_comments(self.milestone.id, limit)

    def entry(self, comment: Comment) -> Entry:
        return comment_entry(comment)


def max_entries() -> int:
    return int(current_app.config["FEED_MAX_ENTRIES"])
