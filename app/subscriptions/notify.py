"""The subscribers' mails: published progress updates, status changes and re-plannings.

`flask notify-subscribers` (every few minutes from a timer) sends each address one mail with
everything new for all its confirmed subscriptions. Events are sent once they are older than
NOTIFY_BATCH_MINUTES, so several changes made close together (an update, then its status, then
a corrected date) arrive in one mail instead of three. Each subscription remembers up to when
it has been told (notified_until); a run claims that window with a conditional UPDATE, so two
runs at the same time never send the same events twice.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.mail.services import deliver_mails, recipient_language, send_mail
from app.models import (
    ChangeKind,
    Milestone,
    MilestoneChange,
    OutboxMail,
    ProgressUpdate,
    Subscription,
    utcnow,
)
from app.subscriptions.services import Target, purge_unconfirmed, unsubscribe_headers, unsubscribe_token

# Kinds of history entries subscribers hear about: status changes and re-planning.
NOTIFIED_CHANGES = (ChangeKind.STATUS.value, ChangeKind.TARGET_DATE.value)


@dataclass
class ChangeView:
    """A status change or re-planning, with its values parsed for display."""

    kind: str
    old: str | date | None
    new: str | date | None
    reason: str
    changed_on: date

    @classmethod
    def of(cls, change: MilestoneChange) -> ChangeView:
        def value(raw: str | None):
            if raw is None or change.kind != ChangeKind.TARGET_DATE.value:
                return raw
            try:
                return date.fromisoformat(raw)
            except ValueError:
                return raw

        return cls(change.kind, value(change.old_value), value(change.new_value), change.reason, change.changed_on)


@dataclass
class Event:
    """One thing to tell: a published progress update (with the changes it reported) or a change."""

    at: datetime
    milestone: Milestone
    update: ProgressUpdate | None = None
    changes: list[ChangeView] = dataclass_field(default_factory=list)
    key: tuple = ()


@dataclass
class Section:
    """The events of one subscription in a mail."""

    subscription: Subscription
    events: list[Event]

    @property
    def target(self) -> Target:
        return Target.of(self.subscription)


@dataclass
class RunResult:
    mails: int = 0
    subscriptions: int = 0
    purged: int = 0
    sent: int = 0


def _update_time():
    return func.coalesce(ProgressUpdate.published_at, ProgressUpdate.created_at)


def _of_published_milestones(entity, condition, at, since: datetime, until: datetime, *loads) -> list:
    """Rows of entity (with its milestone loaded) that meet condition, of published milestones, at in (since, until]."""
    return db.session.scalars(
        select(entity)
        .join(entity.milestone)
        .where(condition, Milestone.published.is_(True), at > since, at <= until)
        .options(joinedload(entity.milestone), *loads)
    ).unique().all()


def collect_events(since: datetime, until: datetime) -> list[Event]:
    """Events in (since, until] of published milestones, oldest first; two queries."""
    updates = _of_published_milestones(
        ProgressUpdate, ProgressUpdate.published.is_(True), _update_time(), since, until,
        selectinload(ProgressUpdate.changes),
    )
    changes = _of_published_milestones(
        MilestoneChange, MilestoneChange.kind.in_(NOTIFIED_CHANGES), MilestoneChange.created_at, since, until
    )
    events = []
    update_ids = {u.id for u in updates}
    for item in updates:
        reported = [ChangeView.of(c) for c in item.changes if c.kind in NOTIFIED_CHANGES]
        events.append(Event(item.published_at or item.created_at, item.milestone, item, reported,
                            ("update", item.id)))
    for change in changes:
        # Changes reported with an update of this batch are shown with that update.
        if change.progress_update_id in update_ids:
            continue
        events.append(Event(change.created_at, change.milestone, None, [ChangeView.of(change)],
                            ("change", change.id)))
    events.sort(key=lambda event: (event.at, event.key))
    return events


def notify_subscribers(now: datetime | None = None, deliver: bool = True) -> RunResult:
    """Mail every address the events of its subscriptions up to NOTIFY_BATCH_MINUTES ago."""
    now = now or utcnow()
    until = now - timedelta(minutes=current_app.config["NOTIFY_BATCH_MINUTES"])
    result = RunResult(purged=purge_unconfirmed(now))
    db.session.commit()
    subscriptions = db.session.scalars(
        select(Subscription)
        .where(Subscription.confirmed_at.is_not(None), _window_start() < until)
        .options(joinedload(Subscription.milestone), joinedload(Subscription.field))
        .order_by(Subscription.email, Subscription.id)
    ).all()
    if not subscriptions:
        return result
    events = collect_events(min(_start(s) for s in subscriptions), until)
    by_milestone: dict[int, list[Event]] = defaultdict(list)
    by_field: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        by_milestone[event.milestone.id].append(event)
        by_field[event.milestone.field_id].append(event)
    per_address: dict[str, list[Subscription]] = defaultdict(list)
    for subscription in subscriptions:
        per_address[subscription.email].append(subscription)

    mails: list[OutboxMail] = []
    idle: list[int] = []
    for address, own in per_address.items():
        sections = []
        for subscription in own:
            candidates = (by_milestone[subscription.milestone_id] if subscription.milestone_id is not None
                          else by_field[subscription.field_id])
            due = [e for e in candidates if e.at > _start(subscription)]
            if not due:
                idle.append(subscription.id)
            elif _claim(subscription, until):
                sections.append(Section(subscription, due))
        sections = _without_repeats(sections)
        if sections:
            # Commits the claimed windows together with the mail.
            mails.append(_send_digest(address, sections))
            result.subscriptions += len(sections)
        else:
            db.session.commit()
    _move_idle_windows(idle, until)
    result.mails = len(mails)
    db.session.commit()
    if deliver and mails:
        result.sent = deliver_mails(mails)
    return result


def _window_start():
    return func.coalesce(Subscription.notified_until, Subscription.confirmed_at)


def _start(subscription: Subscription) -> datetime:
    return subscription.notified_until or subscription.confirmed_at


def _claim(subscription: Subscription, until: datetime) -> bool:
    """Move the subscription's window to `until`, unless another run did so meanwhile."""
    return db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription.id, _window_start() == _start(subscription))
        .values(notified_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _move_idle_windows(ids: list[int], until: datetime) -> None:
    """Subscriptions without events move on too, so the next run reads a short window."""
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(Subscription)
            .where(Subscription.id.in_(ids[start:start + 500]), _window_start() < until)
            .values(notified_until=until)
            .execution_options(synchronize_session=False)
        )


def _without_repeats(sections: list[Section]) -> list[Section]:
    """An event shown under a milestone subscription is not repeated under its field's."""
    milestone_sections = [s for s in sections if s.target.is_milestone]
    shown = {event.key for s in milestone_sections for event in s.events}
    field_sections = []
    for section in sections:
        if section.target.is_milestone:
            continue
        remaining = [event for event in section.events if event.key not in shown]
        if remaining:
            field_sections.append(Section(section.subscription, remaining))
    return milestone_sections + field_sections


def _send_digest(address: str, sections: list[Section]) -> OutboxMail:
    subscriptions = [section.subscription for section in sections]
    # The newest subscription's language: the one the person chose last.
    locale = max(subscriptions, key=lambda s: (s.created_at, s.id)).locale
    token = unsubscribe_token(subscriptions)
    with recipient_language(locale):
        headers = unsubscribe_headers(token)
    if len(sections) == 1:
        subject = _l("Neues zu „%(title)s“", title=sections[0].target.title)
    else:
        subject = lazy_ngettext("Neues zu %(num)d Abonnement", "Neues zu %(num)d Abonnements", len(sections))
    return send_mail(
        address, subject, "subscriptions_digest", locale=locale, headers=headers, deliver=False,
        sections=sections, unsubscribe_token=token,
        single_tokens={s.id: unsubscribe_token([s]) for s in subscriptions},
    )
