"""Read-only queries of the public progress pages; each page runs a fixed number of statements."""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app import progress as rules
from app.extensions import db
from app.models import Department, Field, Milestone, MilestoneChange, ProgressUpdate, Strategy, StrategyBudgetYear
from app.pagination import paginate
from app.filters import MilestoneFilters

LATEST_UPDATES = 5
UPDATES_PER_PAGE = 10


def _by_target_date():
    """Earliest target date first, milestones without one last (the same on every database)."""
    return (Milestone.target_date.is_(None), Milestone.target_date, Milestone.title, Milestone.id)


def current_strategy() -> Strategy | None:
    return db.session.scalar(_statement("current_strategy"))


# Statements made once (arguments are bound at execution): on SQLite building a statement (and its cache key)
# took longer than running it, and the home page and the lists run several on every view.
_STATEMENTS = {
    "current_strategy": lambda: Strategy.select_current(),
    "money_totals": lambda: select(
        func.coalesce(func.sum(Milestone.planned), Decimal("0")),
        func.coalesce(func.sum(Milestone.committed), Decimal("0")),
        func.coalesce(func.sum(Milestone.spent), Decimal("0")),
    ).where(Milestone.published.is_(True)),
    "latest_updates": lambda: (
        ProgressUpdate.select_published()
        .options(contains_eager(ProgressUpdate.milestone))
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        .limit(bindparam("limit"))
    ),
    "rollup_milestones": lambda: select(
        Milestone.id, Milestone.parent_id, Milestone.field_id, Milestone.status, Milestone.progress,
        Milestone.weight, Milestone.published, Milestone.target_date,
    ).order_by(*_by_target_date()),
    "history": lambda: (
        select(MilestoneChange)
        .where(MilestoneChange.milestone_id == bindparam("milestone_id"), MilestoneChange.in_history())
        .order_by(MilestoneChange.changed_on.desc(), MilestoneChange.id.desc())
    ),
    "fields": lambda: Field.select_ordered(),
    "departments": lambda: Department.select_ordered(),
}


@cache
def _statement(name: str):
    return _STATEMENTS[name]()


@dataclass(frozen=True)
class MoneyTotals:
    planned: Decimal
    committed: Decimal
    spent: Decimal

    @property
    def any(self) -> bool:
        return bool(self.planned or self.committed or self.spent)


def published_money_totals() -> MoneyTotals:
    """Planned, committed and spent money summed over all published milestones, in SQL."""
    row = db.session.execute(_statement("money_totals")).one()
    return MoneyTotals(*(Decimal(value) for value in row))


@dataclass(frozen=True)
class YearMoney:
    """One budget year's financing: the strategy's plan figure and the milestones' sums.

    `year` None holds milestones without a budget year; `plan` None means the strategy has
    no plan figure for the year.
    """

    year: int | None
    plan: Decimal | None
    planned: Decimal
    committed: Decimal
    spent: Decimal


def money_by_budget_year(strategy: Strategy | None = None, field: Field | None = None) -> list[YearMoney]:
    """The strategy's yearly plan beside its published milestones' sums per budget year, in SQL.

    Two statements whatever the number of milestones: the plan figures, and one GROUP BY over
    the published milestones and sub-milestones (of `field` only, if given). Years in order,
    the milestones without a budget year last.
    """
    zero = Decimal("0")
    plan: dict[int, Decimal] = {}
    if strategy is not None:
        plan = dict(db.session.execute(
            select(StrategyBudgetYear.year, StrategyBudgetYear.amount)
            .where(StrategyBudgetYear.strategy_id == strategy.id)
        ).tuples().all())
    query = (
        select(
            Milestone.budget_year,
            func.coalesce(func.sum(Milestone.planned), zero),
            func.coalesce(func.sum(Milestone.committed), zero),
            func.coalesce(func.sum(Milestone.spent), zero),
        )
        .where(Milestone.published.is_(True))
        .group_by(Milestone.budget_year)
    )
    if field is not None:
        query = query.where(Milestone.field_id == field.id)
    # A year whose milestones carry no money at all is left out, like milestones without money.
    sums = {
        year: tuple(Decimal(v) for v in values)
        for year, *values in db.session.execute(query)
        if any(values)
    }
    years = sorted(set(plan) | {year for year in sums if year is not None})
    if None in sums:
        years.append(None)
    return [
        YearMoney(year, plan.get(year) if year is not None else None, *sums.get(year, (zero, zero, zero)))
        for year in years
    ]


def count_overdue() -> int:
    """Published milestones and sub-milestones past their target date (as in the overdue filter)."""
    return db.session.scalar(
        select(func.count(Milestone.id)).where(
            Milestone.published.is_(True), rules.overdue_clause(Milestone)
        )
    )


def latest_updates(limit: int = LATEST_UPDATES) -> list[ProgressUpdate]:
    """The newest published progress updates of published milestones, with their milestone."""
    return db.session.scalars(_statement("latest_updates"), {"limit": limit}).all()


@dataclass
class FieldOverview:
    """A field of action and its published top-level milestones."""

    field: Field
    milestones: list[Milestone] | list[RatedMilestone]
    # Only the field's own page shows its money (the home page shows the strategy's).
    money_by_year: list[YearMoney] = dataclass_field(default_factory=list)

    @cached_property
    def rollup(self) -> rules.Rollup:
        return rules.Rollup(self.milestones)


@dataclass
class HomeOverview:
    strategy: Strategy | None
    rollup: rules.Rollup
    overdue_count: int
    money: MoneyTotals
    money_by_year: list[YearMoney]
    updates: list[ProgressUpdate]
    fields: list[FieldOverview]


def published_top_level_milestones() -> list[Milestone]:
    return db.session.scalars(
        Milestone.select_published_top_level().options(Milestone.load_sub_milestones()).order_by(*_by_target_date())
    ).all()


@dataclass(eq=False)
class RatedMilestone:
    """What the progress rollup reads of a milestone (app/progress.py), without an ORM object."""

    id: int
    field_id: int
    status: str
    progress: int
    weight: int
    published: bool
    target_date: date | None
    children: list[RatedMilestone] = dataclass_field(default_factory=list)


def rollup_milestones() -> list[RatedMilestone]:
    """Published top-level milestones with their whole tree of sub-milestones, for the rollups.

    One query over eight columns: the home page shows only rollups, so the texts of hundreds
    of milestones are not loaded and no ORM objects are built (BENCHMARKS.md).
    """
    rows = db.session.execute(_statement("rollup_milestones")).all()
    nodes = {
        row.id: RatedMilestone(row.id, row.field_id, row.status, row.progress, row.weight, row.published,
                               row.target_date)
        for row in rows
    }
    top_level = []
    for row in rows:
        if row.parent_id is None:
            if row.published:
                top_level.append(nodes[row.id])
        else:
            nodes[row.parent_id].children.append(nodes[row.id])
    return top_level


def home_overview() -> HomeOverview:
    """Everything the home page shows: strategy, overall progress, money, news, fields."""
    milestones = rollup_milestones()
    by_field: dict[int, list[RatedMilestone]] = {}
    for milestone in milestones:
        by_field.setdefault(milestone.field_id, []).append(milestone)
    fields = [
        FieldOverview(f, by_field.get(f.id, [])) for f in db.session.scalars(_statement("fields"))
    ]
    strategy = current_strategy()
    return HomeOverview(
        strategy=strategy,
        rollup=rules.Rollup(milestones),
        overdue_count=count_overdue(),
        money=published_money_totals(),
        money_by_year=money_by_budget_year(strategy),
        updates=latest_updates(),
        fields=fields,
    )


def field_overview(field: Field) -> FieldOverview:
    """The field with its published top-level milestones, sub-milestones loaded, and its money."""
    milestones = db.session.scalars(
        Milestone.select_published_top_level()
        .where(Milestone.field_id == field.id)
        .options(Milestone.load_sub_milestones(), joinedload(Milestone.department))
        .order_by(*_by_target_date())
    ).all()
    return FieldOverview(field, list(milestones), money_by_budget_year(field=field))


def filter_choices() -> tuple[list[Field], list[Department]]:
    """The fields of action and departments offered in the milestone list's filter form."""
    fields = db.session.scalars(_statement("fields")).all()
    departments = db.session.scalars(_statement("departments")).all()
    return list(fields), list(departments)


def like_any_position(word: str) -> str:
    """A LIKE pattern finding `word` anywhere, with the LIKE wildcards taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SORT_ORDERS = {
    "target_date": _by_target_date,
    # The stored percent: for a milestone with sub-milestones the page shows the derived value.
    "progress": lambda: (Milestone.progress.desc(), *_by_target_date()),
    "last_update": lambda: (
        Milestone.last_update_on.is_(None), Milestone.last_update_on.desc(), *_by_target_date()
    ),
    "title": lambda: (Milestone.sort_title, Milestone.title, Milestone.id),
}


def select_milestones(filters: MilestoneFilters):
    """Published milestones and sub-milestones matching the filters, in the chosen order."""
    query = Milestone.select_published()
    if filters.field is not None:
        query = query.where(Milestone.field_id == filters.field.id)
    if filters.status:
        query = query.where(Milestone.status == filters.status)
    if filters.department is not None:
        query = query.where(Milestone.department_id == filters.department.id)
    if filters.overdue:
        query = query.where(rules.overdue_clause(Milestone))
    for word in filters.words:
        # search_text is stored casefolded, so umlauts match case-insensitively on every database.
        query = query.where(Milestone.search_text.like(like_any_position(word.casefold()), escape="\\"))
    return query.order_by(*SORT_ORDERS[filters.sort]())


def milestone_list(filters: MilestoneFilters, page: int, per_page: int) -> Pagination:
    """One page of the milestone list with field, department, parent and sub-milestones loaded."""
    selected = select_milestones(filters)
    query = selected.options(
        joinedload(Milestone.field),
        joinedload(Milestone.department),
        joinedload(Milestone.parent),
        Milestone.load_sub_milestones(),
    )
    count = selected.with_only_columns(func.count(Milestone.id), maintain_column_froms=True).order_by(None)
    return paginate(query, count, page, per_page)


def milestone_updates(milestone: Milestone, page: int, per_page: int = UPDATES_PER_PAGE) -> Pagination:
    """One page of the milestone's published progress updates, newest first."""
    query = (
        select(ProgressUpdate)
        .where(ProgressUpdate.milestone_id == milestone.id, ProgressUpdate.published.is_(True))
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def milestone_history(milestone: Milestone) -> list[MilestoneChange]:
    """Every recorded change of the milestone, newest first."""
    return db.session.scalars(_statement("history"), {"milestone_id": milestone.id}).all()
