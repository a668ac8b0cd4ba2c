"""How progress is measured: the one place for every derived progress rule.

The public page "Wie wir Fortschritt messen" explains the same rules in plain language:

1. A milestone is *overdue* when its current target date lies before today
   (Europe/Berlin) and it is neither completed nor cancelled.
2. A *completed* milestone is at 100 %; the database refuses anything else.
3. A milestone with published sub-milestones takes the weighted mean of their
   progress (cancelled sub-milestones left out); its own stored percent is then unused.
4. The progress of a field of action and of the whole strategy is the weighted mean of
   their published top-level milestones, cancelled ones left out and listed separately.
5. Weights are whole numbers >= 1 (default 1); a milestone of weight 2 counts twice.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, not_

MUNICIPAL_TZ = ZoneInfo("Europe/Berlin")


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


# Statuses whose milestones can no longer become overdue.
CLOSED_STATUSES = (MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED)


class _Rated(Protocol):
    status: str
    progress: int
    weight: int
    published: bool
    target_date: date | None

    @property
    def children(self) -> list[_Rated]: ...


def today() -> date:
    """The municipality's calendar day."""
    return datetime.now(MUNICIPAL_TZ).date()


def is_overdue(milestone: _Rated, on: date | None = None) -> bool:
    on = on or today()
    return (
        milestone.target_date is not None
        and milestone.target_date < on
        and milestone.status not in CLOSED_STATUSES
    )


def overdue_clause(milestone_cls, on: date | None = None):
    """The same rule as is_overdue(), as an SQL condition on the Milestone class."""
    on = on or today()
    return and_(
        milestone_cls.target_date.is_not(None),
        milestone_cls.target_date < on,
        not_(milestone_cls.status.in_([s.value for s in CLOSED_STATUSES])),
    )


def counted_children(milestone: _Rated) -> list[_Rated]:
    return [
        child
        for child in milestone.children
        if child.published and child.status != MilestoneStatus.CANCELLED
    ]


def effective_progress(milestone: _Rated) -> float:
    """Progress in percent as shown to the public (0-100, may have decimals)."""
    if milestone.status == MilestoneStatus.COMPLETED:
        return 100.0
    children = counted_children(milestone)
    if children:
        return weighted_mean(children)
    return float(milestone.progress)


def weighted_mean(milestones: Iterable[_Rated]) -> float:
    total_weight = 0
    total = 0.0
    for milestone in milestones:
        if milestone.status == MilestoneStatus.CANCELLED:
            continue
        total_weight += milestone.weight
        total += milestone.weight * effective_progress(milestone)
    if total_weight == 0:
        return 0.0
    return total / total_weight


class RatedByRules:
    """The rules' derived values as properties: for the Milestone model and the stand-ins that
    quack like it (a milestone's state on a past day, the worked example of the rules page)."""

    @property
    def effective_progress(self) -> float:
        return effective_progress(self)

    @property
    def counted_children(self) -> list[_Rated]:
        return counted_children(self)


class Rollup:
    """Progress of a group of top-level milestones (a field, a department, the strategy)."""

    def __init__(self, milestones: Iterable[_Rated], on: date | None = None):
        self.milestones = list(milestones)
        self.counted = [m for m in self.milestones if m.status != MilestoneStatus.CANCELLED]
        self.cancelled = [m for m in self.milestones if m.status == MilestoneStatus.CANCELLED]
        self.progress = weighted_mean(self.counted)
        self.by_status = {status: 0 for status in MilestoneStatus}
        for milestone in self.milestones:
            self.by_status[MilestoneStatus(milestone.status)] += 1
        on = on or today()
        self.overdue = [m for m in self.milestones if is_overdue(m, on)]

    def __len__(self) -> int:
        return len(self.milestones)


def is_stale(milestone, days: int, on: date | None = None) -> bool:
    """No published progress update for more than `days` days (open milestones only)."""
    if milestone.status in CLOSED_STATUSES:
        return False
    return days_since_update(milestone, on) > days


def days_since_update(milestone, on: date | None = None) -> int:
    on = on or today()
    last = milestone.last_update_on or milestone.created_at.date()
    return (on - last).days
