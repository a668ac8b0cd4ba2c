"""Read-only queries for the strategy-wide pages, each a fixed number of SQL statements."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from app import progress as rules
from app.extensions import db
from app.models import Champion, Department, Milestone, Strategy, milestone_department
from app.strategy.roadmap import RoadmapLayout, layout_roadmap

# Photo types the champion photo route serves; anything else is treated as no photo.
PHOTO_MIMETYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def current_strategy() -> Strategy | None:
    return db.session.scalar(Strategy.select_current())


def roadmap(on: date | None = None) -> tuple[RoadmapLayout, Strategy | None]:
    """The chart layout of all published milestones, and the strategy giving its period."""
    strategy = current_strategy()
    milestones = db.session.scalars(
        Milestone.select_published().options(joinedload(Milestone.field), Milestone.load_sub_milestones())
    ).all()
    period = (strategy.period_from, strategy.period_to) if strategy else None
    return layout_roadmap(milestones, period, on), strategy


@dataclass
class DepartmentOverview:
    """A department, the published milestones it leads or takes part in, and its progress."""

    department: Department
    responsible: list[Milestone] = field(default_factory=list)
    participating: list[Milestone] = field(default_factory=list)

    @cached_property
    def rollup(self) -> rules.Rollup:
        # Like a field: over top-level milestones; a sub-milestone counts inside its parent.
        return rules.Rollup(m for m in self.responsible if m.parent_id is None)

    @cached_property
    def overdue(self) -> list[Milestone]:
        return [m for m in self.responsible if m.is_overdue]


def department_overviews() -> list[DepartmentOverview]:
    """Every department with the published milestones it leads or takes part in."""
    overviews = {
        d.id: DepartmentOverview(d) for d in db.session.scalars(Department.select_ordered())
    }
    responsible = db.session.scalars(
        Milestone.select_published()
        .where(Milestone.department_id.is_not(None))
        .options(Milestone.load_sub_milestones())
        .order_by(
            Milestone.target_date.is_(None), Milestone.target_date, Milestone.sort_title, Milestone.title
        )
    ).all()
    for milestone in responsible:
        overviews[milestone.department_id].responsible.append(milestone)

    participating = db.session.execute(
        select(milestone_department.c.department_id, Milestone)
        .join(Milestone, Milestone.id == milestone_department.c.milestone_id)
        .where(Milestone.published.is_(True))
        .order_by(Milestone.sort_title, Milestone.title)
    ).all()
    for department_id, milestone in participating:
        overviews[department_id].participating.append(milestone)
    return list(overviews.values())


def champions() -> list[Champion]:
    """All champions with their department and the published milestones they drive."""
    return db.session.scalars(
        Champion.select_ordered().options(
            joinedload(Champion.department),
            selectinload(Champion.milestones.and_(Milestone.published.is_(True))),
        )
    ).all()


def champion_photo(champion_id: int) -> Champion | None:
    """The champion with the photo loaded, if a photo may be shown (stored with consent)."""
    champion = db.session.get(Champion, champion_id, options=[undefer(Champion.photo)])
    if (
        champion is None
        or not champion.photo
        or champion.photo_consent_on is None
        or champion.photo_mimetype not in PHOTO_MIMETYPES
    ):
        return None
    return champion
