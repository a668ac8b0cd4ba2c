"""Read-only queries of the API; the milestone list reuses the public list's query and filters."""
from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app import progress as rules
from app.extensions import db
from app.models import Department, Field, Milestone, MilestoneChange, ProgressUpdate, Strategy
from app.slug_redirects import milestone_details
from app.public import queries as public_queries
from app.filters import MilestoneFilters
from app.strategy.queries import department_overviews


@dataclass
class StrategyOverview:
    strategy: Strategy | None
    rollup: rules.Rollup
    overdue_count: int
    money: public_queries.MoneyTotals


def strategy_overview() -> StrategyOverview:
    strategy = db.session.scalar(
        Strategy.select_current().options(selectinload(Strategy.budget_years))
    )
    return StrategyOverview(
        strategy=strategy,
        rollup=rules.Rollup(public_queries.published_top_level_milestones()),
        overdue_count=public_queries.count_overdue(),
        money=public_queries.published_money_totals(),
    )


def fields_with_rollups() -> list[tuple[Field, rules.Rollup]]:
    by_field: dict[int, list[Milestone]] = {}
    for milestone in public_queries.published_top_level_milestones():
        by_field.setdefault(milestone.field_id, []).append(milestone)
    return [(f, rules.Rollup(by_field.get(f.id, []))) for f in db.session.scalars(Field.select_ordered())]


def departments():
    """Every department with its published milestones (as on the departments page)."""
    return department_overviews()


def filter_choices() -> tuple[list[Field], list[Department]]:
    return public_queries.filter_choices()


def milestone_page(filters: MilestoneFilters, page: int, per_page: int) -> Pagination:
    return public_queries.milestone_list(filters, page, per_page)


def all_milestones(filters: MilestoneFilters) -> list[Milestone]:
    """Every milestone matching the filters, for the CSV download."""
    return list(db.session.scalars(
        public_queries.select_milestones(filters).options(
            joinedload(Milestone.field),
            joinedload(Milestone.department),
            joinedload(Milestone.parent),
            Milestone.load_sub_milestones(),
        )
    ).unique())


def published_milestone(milestone_id: int) -> Milestone | None:
    """A published milestone with everything its detail answer shows."""
    return db.session.scalar(
        Milestone.select_published().where(Milestone.id == milestone_id).options(*milestone_details())
    )


def milestone_history(milestone: Milestone) -> list[MilestoneChange]:
    """The milestone's changes, newest first, with the update that recorded each."""
    return list(db.session.scalars(
        select(MilestoneChange)
        .where(MilestoneChange.milestone_id == milestone.id, MilestoneChange.in_history())
        .options(joinedload(MilestoneChange.progress_update))
        .order_by(MilestoneChange.changed_on.desc(), MilestoneChange.id.desc())
    ))


def is_published_milestone(milestone_id: int) -> bool:
    found = db.session.scalar(
        Milestone.select_published().where(Milestone.id == milestone_id).with_only_columns(Milestone.id)
    )
    return found is not None


def progress_updates(page: int, per_page: int, milestone_id: int | None) -> Pagination:
    """Published updates of published milestones, newest first, with their changes."""
    query = ProgressUpdate.select_published().options(
        contains_eager(ProgressUpdate.milestone), selectinload(ProgressUpdate.changes)
    )
    if milestone_id is not None:
        query = query.where(ProgressUpdate.milestone_id == milestone_id)
    query = query.order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
