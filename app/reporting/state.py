"""The strategy as it stood on a past day (Stand am …), rebuilt from today's rows and the history.

Each recorded change keeps the value before it (old_value). A milestone's value of one kind on a
day is therefore the old value of its first change after that day, or today's value when nothing
changed since. One statement finds those first changes (a window over the changes after the day),
one reads the milestones and one the fields: three statements whatever the size of the strategy.

Publication, title, weight, parent and field are recorded only since migration 0017 (the setting
"history_recorded_since"). For an earlier day the state uses today's titles and structure and
shows only the milestones published now; `Strategy.approximate` says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select

from app import progress as rules
from app.extensions import db
from app.models import ChangeKind, Field, Milestone, MilestoneChange, ProgressUpdate, Setting

SINCE_SETTING = "history_recorded_since"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Kinds recorded only since migration 0017: before it, today's values stand.
STRUCTURE_KINDS = frozenset({
    ChangeKind.PUBLICATION, ChangeKind.TITLE, ChangeKind.WEIGHT, ChangeKind.PARENT, ChangeKind.FIELD,
})
# kind -> (attribute, parser of the stored text)
_PARSERS = {
    ChangeKind.STATUS: ("status", str),
    ChangeKind.PROGRESS: ("progress", int),
    ChangeKind.TARGET_DATE: ("target_date", date.fromisoformat),
    ChangeKind.PLANNED: ("planned", Decimal),
    ChangeKind.COMMITTED: ("committed", Decimal),
    ChangeKind.SPENT: ("spent", Decimal),
    ChangeKind.PUBLICATION: ("published", lambda text: text == "true"),
    ChangeKind.TITLE: ("title", str),
    ChangeKind.WEIGHT: ("weight", int),
    ChangeKind.PARENT: ("parent_id", int),
    ChangeKind.FIELD: ("field_id", int),
}
_COLUMNS = (
    Milestone.id, Milestone.slug, Milestone.title, Milestone.title_en, Milestone.field_id,
    Milestone.parent_id, Milestone.weight, Milestone.status, Milestone.progress, Milestone.target_date,
    Milestone.original_target_date, Milestone.planned, Milestone.committed, Milestone.spent,
    Milestone.published, Milestone.created_at, Milestone.department_id,
)


class DateNotAllowed(ValueError):
    """A day the state cannot be shown for (in the future)."""


@dataclass
class MilestoneState(rules.RatedByRules):
    """One milestone's values on the day; quacks like a Milestone for app.progress."""

    id: int
    slug: str
    title: str
    title_en: str
    field_id: int
    parent_id: int | None
    weight: int
    status: str
    progress: int
    target_date: date | None
    original_target_date: date | None
    planned: Decimal
    committed: Decimal
    spent: Decimal
    published: bool
    department_id: int | None
    exists: bool = True
    on: date | None = None
    created_on: date | None = None
    children: list[MilestoneState] = dataclass_field(default_factory=list)

    @property
    def is_overdue(self) -> bool:
        return rules.is_overdue(self, self.on)

    @property
    def is_replanned(self) -> bool:
        return (self.original_target_date is not None and self.target_date is not None
                and self.original_target_date != self.target_date)


@dataclass
class FieldState:
    field: Field
    milestones: list[MilestoneState]  # top level, each with its children

    @property
    def rollup(self) -> rules.Rollup:
        return rules.Rollup(self.milestones, on=self.milestones[0].on if self.milestones else None)

    @property
    def all_milestones(self) -> list[MilestoneState]:
        return [m for top in self.milestones for m in (top, *top.children)]

    @property
    def overdue(self) -> list[MilestoneState]:
        return [m for m in self.all_milestones if m.is_overdue]

    @property
    def money(self) -> tuple[Decimal, Decimal, Decimal]:
        return _money(self.all_milestones)


def _money(milestones) -> tuple[Decimal, Decimal, Decimal]:
    return (sum((m.planned for m in milestones), Decimal("0")),
            sum((m.committed for m in milestones), Decimal("0")),
            sum((m.spent for m in milestones), Decimal("0")))


@dataclass
class StrategyState:
    """The visible milestones on `day`, per field; `approximate`: before structure was recorded."""

    day: date
    recorded_since: date
    fields: list[FieldState]
    by_id: dict[int, MilestoneState]

    @property
    def approximate(self) -> bool:
        return self.day < self.recorded_since

    @property
    def top_level(self) -> list[MilestoneState]:
        return [m for item in self.fields for m in item.milestones]

    @property
    def rollup(self) -> rules.Rollup:
        return rules.Rollup(self.top_level, on=self.day)

    @property
    def all_milestones(self) -> list[MilestoneState]:
        return list(self.by_id.values())

    @property
    def overdue(self) -> list[MilestoneState]:
        return [m for m in self.by_id.values() if m.is_overdue]

    @property
    def money(self) -> tuple[Decimal, Decimal, Decimal]:
        return _money(self.by_id.values())

    def field_by_slug(self, slug: str) -> FieldState | None:
        return next((item for item in self.fields if item.field.slug == slug), None)


def recorded_since() -> date:
    """The first day whose publication and structure are known (stored by migration 0017)."""
    value = db.session.scalar(select(Setting.value).where(Setting.key == SINCE_SETTING))
    if value:
        return date.fromisoformat(value)
    first = db.session.scalar(
        select(func.min(MilestoneChange.changed_on))
        .where(MilestoneChange.kind.in_([kind.value for kind in STRUCTURE_KINDS]))
    )
    return first or rules.today()


def parse_day(text: str) -> date:
    """A day from yyyy-mm-dd, not after today; ValueError (DateNotAllowed for the future) otherwise."""
    if not ISO_DAY.fullmatch(text):  # fromisoformat alone also takes week dates (2024-W01-1)
        raise ValueError(text)
    day = date.fromisoformat(text)
    if day > rules.today():
        raise DateNotAllowed(text)
    return day


def _first_changes_after(day: date):
    """Per milestone and kind, the old value of the first change after `day`."""
    order = func.row_number().over(
        partition_by=(MilestoneChange.milestone_id, MilestoneChange.kind),
        order_by=(MilestoneChange.changed_on, MilestoneChange.id),
    ).label("n")
    ranked = (
        select(MilestoneChange.milestone_id, MilestoneChange.kind, MilestoneChange.old_value, order)
        .where(MilestoneChange.changed_on > day)
        .subquery()
    )
    return select(ranked.c.milestone_id, ranked.c.kind, ranked.c.old_value).where(ranked.c.n == 1)


def _municipal_day(moment: datetime) -> date:
    return moment.replace(tzinfo=timezone.utc).astimezone(rules.MUNICIPAL_TZ).date()


def state_at(day: date) -> StrategyState:
    """Every milestone visible on `day` with its values of that day, per field of action."""
    since = recorded_since()
    structure_known = day >= since
    rows = db.session.execute(select(*_COLUMNS)).all()
    states: dict[int, MilestoneState] = {}
    published_now: dict[int, bool] = {}
    for row in rows:
        values = row._asdict()
        created_at = values.pop("created_at")
        published_now[row.id] = row.published
        state = MilestoneState(**values, on=day, created_on=_municipal_day(created_at))
        # Created after the day: it did not exist yet (known only once creation times are reliable).
        state.exists = not structure_known or state.created_on <= day
        states[row.id] = state
    title_now = {m.id: m.title for m in states.values()}
    for milestone_id, kind, old_value in db.session.execute(_first_changes_after(day)):
        state = states.get(milestone_id)
        try:
            kind = ChangeKind(kind)
        except ValueError:
            continue
        if state is None or (kind in STRUCTURE_KINDS and not structure_known):
            continue
        attribute, parse = _PARSERS[kind]
        setattr(state, attribute, None if old_value is None else parse(old_value))
    visible = {
        m.id: m for m in states.values()
        if m.exists and published_now[m.id] and m.published
    }
    for state in visible.values():
        if state.title != title_now[state.id]:
            state.title_en = ""  # the English title belongs to today's title
        if state.parent_id is not None and state.parent_id not in visible:
            state.parent_id = None
    for state in visible.values():
        if state.parent_id is not None:
            visible[state.parent_id].children.append(state)
    fields = list(db.session.scalars(Field.select_ordered()))
    by_field: dict[int, list[MilestoneState]] = {f.id: [] for f in fields}
    for state in sorted(visible.values(), key=_by_target_date):
        state.children.sort(key=_by_target_date)
        if state.parent_id is None and state.field_id in by_field:
            by_field[state.field_id].append(state)
    return StrategyState(
        day=day, recorded_since=since,
        fields=[FieldState(f, by_field[f.id]) for f in fields],
        by_id=visible,
    )


def _by_target_date(state: MilestoneState):
    return (state.target_date is None, state.target_date or date.min, state.title, state.id)


def last_updates_until(day: date) -> dict[int, date]:
    """Per milestone, the day of its newest published progress update on or before `day`."""
    return dict(db.session.execute(
        select(ProgressUpdate.milestone_id, func.max(ProgressUpdate.reported_on))
        .where(ProgressUpdate.published.is_(True), ProgressUpdate.reported_on <= day)
        .group_by(ProgressUpdate.milestone_id)
    ).tuples().all())
