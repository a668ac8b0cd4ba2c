"""Read-only queries of the staff backend: scopes, the dashboard, lists and the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    AuditEntry,
    Department,
    Field,
    FundingSource,
    Milestone,
    MilestoneFunding,
    ProgressUpdate,
    Role,
    User,
)
from app.models.milestones import search_key
from app.progress import CLOSED_STATUSES, MUNICIPAL_TZ, is_stale, overdue_clause
from app.settings import get_setting

ZERO = Decimal("0.00")


def own_department_ids(user: User) -> list[int]:
    return [d.id for d in user.departments]


def sees_everything(user: User) -> bool:
    """Admins and moderators see all milestones; editors (only) those of their departments."""
    return user.has_role(Role.ADMIN) or not user.has_role(Role.EDITOR)


def scoped(stmt: Select, user: User) -> Select:
    if sees_everything(user):
        return stmt
    return stmt.where(Milestone.department_id.in_(own_department_ids(user)))


def _with_relations(stmt: Select) -> Select:
    return stmt.options(selectinload(Milestone.field), selectinload(Milestone.department))


def _with_progress(stmt: Select) -> Select:
    """Sub-milestones loaded, so that lists show the progress the public pages show."""
    return stmt.options(Milestone.load_sub_milestones())


@dataclass
class MoneyRow:
    label: str
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    count: int = 0


@dataclass
class Dashboard:
    overdue: list[Milestone]
    stale: list[Milestone]
    mine: list[Milestone] | None
    stale_after_days: int
    money_by_field: list[MoneyRow]
    money_by_department: list[MoneyRow]
    money_by_source: list[MoneyRow]
    totals: MoneyRow = field(default_factory=lambda: MoneyRow(label=""))


def dashboard(user: User) -> Dashboard:
    days = int(get_setting("stale_after_days"))
    overdue = list(db.session.scalars(
        _with_relations(scoped(select(Milestone).where(overdue_clause(Milestone)), user))
        .order_by(Milestone.target_date, Milestone.sort_title, Milestone.title)
    ))
    open_published = db.session.scalars(
        _with_relations(scoped(
            select(Milestone).where(
                Milestone.published.is_(True),
                Milestone.status.not_in([s.value for s in CLOSED_STATUSES]),
            ),
            user,
        ))
    ).all()
    stale = sorted(
        (m for m in open_published if is_stale(m, days)),
        key=lambda m: (m.last_update_on or m.created_at.date(), m.title),
    )
    mine = None
    if user.has_role(Role.EDITOR) and user.departments:
        mine = list(db.session.scalars(
            _with_progress(_with_relations(
                select(Milestone).where(Milestone.department_id.in_(own_department_ids(user)))
            )).order_by(
                Milestone.target_date.is_(None), Milestone.target_date, Milestone.sort_title, Milestone.title
            )
        ))
    by_field = money_by_field()
    return Dashboard(
        overdue=overdue,
        stale=stale,
        mine=mine,
        stale_after_days=days,
        money_by_field=by_field,
        money_by_department=money_by_department(),
        money_by_source=money_by_source(),
        totals=_total(by_field),
    )


def _money_columns():
    return (
        func.coalesce(func.sum(Milestone.planned), 0),
        func.coalesce(func.sum(Milestone.committed), 0),
        func.coalesce(func.sum(Milestone.spent), 0),
        func.count(Milestone.id),
    )


def _row(label: str, planned, committed, spent, count) -> MoneyRow:
    return MoneyRow(label=label, planned=_money(planned), committed=_money(committed),
                    spent=_money(spent), count=count)


def _money(value) -> Decimal:
    """SUM() keeps the Money type where the database reports it, else it is whole cents."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return value
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def money_by_field() -> list[MoneyRow]:
    """Planned, committed and spent per field of action, over all milestones."""
    rows = db.session.execute(
        select(Field.name, *_money_columns())
        .join(Milestone, Milestone.field_id == Field.id)
        .group_by(Field.id, Field.name, Field.position)
        .order_by(Field.position, Field.name)
    )
    return [_row(*row) for row in rows]


def money_by_department() -> list[MoneyRow]:
    rows = db.session.execute(
        select(Department.name, *_money_columns())
        .select_from(Milestone)
        .outerjoin(Department, Milestone.department_id == Department.id)
        .group_by(Department.id, Department.name)
        .order_by(Department.name.is_(None), Department.name)
    )
    return [_row(name or "", *rest) for name, *rest in rows]


def money_by_source() -> list[MoneyRow]:
    """The amounts each funding source contributes, and to how many milestones."""
    rows = db.session.execute(
        select(
            FundingSource.name,
            func.coalesce(func.sum(MilestoneFunding.amount), 0),
            func.count(MilestoneFunding.id),
        )
        .join(MilestoneFunding, MilestoneFunding.source_id == FundingSource.id)
        .group_by(FundingSource.id, FundingSource.name, FundingSource.is_grant)
        .order_by(FundingSource.is_grant, FundingSource.name)
    )
    return [MoneyRow(label=name, planned=_money(amount), count=count) for name, amount, count in rows]


def _total(rows: list[MoneyRow]) -> MoneyRow:
    total = MoneyRow(label="")
    for row in rows:
        total.planned += row.planned
        total.committed += row.committed
        total.spent += row.spent
        total.count += row.count
    return total


@dataclass
class MilestoneFilter:
    q: str = ""
    field_id: int | None = None
    department_id: int | None = None
    status: str | None = None
    published: bool | None = None


def milestone_list(user: User, filters: MilestoneFilter) -> Select:
    """The backend's milestone list: the user's scope, filtered, ordered by title."""
    stmt = _with_progress(_with_relations(scoped(select(Milestone), user))).options(selectinload(Milestone.parent))
    if filters.q:
        stmt = stmt.where(Milestone.search_text.contains(search_key(filters.q), autoescape=True))
    if filters.field_id is not None:
        stmt = stmt.where(Milestone.field_id == filters.field_id)
    if filters.department_id is not None:
        stmt = stmt.where(Milestone.department_id == filters.department_id)
    if filters.status is not None:
        stmt = stmt.where(Milestone.status == filters.status)
    if filters.published is not None:
        stmt = stmt.where(Milestone.published.is_(filters.published))
    return stmt.order_by(Milestone.title, Milestone.id)


def progress_updates_of(milestone: Milestone) -> Select:
    return (
        select(ProgressUpdate)
        .where(ProgressUpdate.milestone_id == milestone.id)
        .options(selectinload(ProgressUpdate.changes))
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
    )


def milestone_choices(exclude: Milestone | None = None) -> list[tuple[int, str]]:
    """Possible parents: top-level milestones other than the one being edited."""
    stmt = select(Milestone.id, Milestone.title).where(Milestone.parent_id.is_(None))
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(Milestone.id != exclude.id)
    stmt = stmt.order_by(Milestone.sort_title, Milestone.title)
    return [(row.id, row.title) for row in db.session.execute(stmt)]


def named_choices(model, order=None) -> list[tuple[int, str]]:
    stmt = select(model.id, model.name).order_by(*(order or (model.name,)))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


@dataclass
class AuditFilter:
    actor_id: int | None = None
    object_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_entries(filters: AuditFilter) -> Select:
    stmt = AuditEntry.select_newest_first().options(selectinload(AuditEntry.actor))
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.object_type:
        stmt = stmt.where(AuditEntry.object_type == filters.object_type)
    return stmt.where(*within_municipal_days(AuditEntry.created_at, filters.date_from, filters.date_to))


def day_start_utc(day: date) -> datetime | None:
    """Midnight of a municipal calendar day as the naive UTC time the logs store; None when
    that instant lies outside what datetime can hold (around 0001-01-01 and 9999-12-31)."""
    try:
        local = datetime.combine(day, time.min, tzinfo=MUNICIPAL_TZ)
        return local.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        return None


def within_municipal_days(column, date_from: date | None, date_to: date | None) -> list:
    """Conditions for a naive UTC column: from the start of the municipal (Europe/Berlin) day
    date_from to the end of the day date_to, both optional. A bound at the very edge of the
    calendar (0001-01-01, 9999-12-31) cannot be exceeded by any stored time: no condition."""
    conditions = []
    if date_from is not None:
        start = day_start_utc(date_from)
        if start is not None:
            conditions.append(column >= start)
    if date_to is not None and date_to < date.max:
        end = day_start_utc(date_to + timedelta(days=1))
        if end is not None:
            conditions.append(column < end)
    return conditions


def audit_actors() -> list[tuple[int, str]]:
    """Accounts that appear in the audit log, for the filter."""
    rows = db.session.execute(
        select(User.id, User.display_name, User.email)
        .where(User.id.in_(select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))))
        .order_by(User.display_name)
    )
    return [(row.id, f"{row.display_name} ({row.email})") for row in rows]


def audit_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)))
