"""The shapes of the demo data. Days are counted relative to the day the demo is loaded.

A milestone's current status, percent, target date and (where the history mentions them)
committed and spent amounts are not written down twice: the loader replays the history,
starting from "planned", 0 %, the original target date and the amounts of the spec, and
records one MilestoneChange per changed value. So the history always ends at the
current values.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Update:
    """A progress update; the optional values change the milestone on that day."""

    day: int
    title: str
    body: str
    author_role: str
    status: str | None = None
    progress: int | None = None
    target: int | None = None  # a re-planning: the new target date, relative to today
    committed: str | None = None
    spent: str | None = None
    reason: str = ""  # why, for every change this update records
    edited_after_days: int | None = None


@dataclass(frozen=True)
class Replan:
    """A re-planning recorded on its own, without a progress update."""

    day: int
    target: int
    reason: str
    author_role: str


@dataclass(frozen=True)
class MilestoneSpec:
    """One milestone. `funding` maps funding source keys to amounts; their sum is the plan."""

    slug: str
    title: str
    field: str
    department: str
    contact_role: str
    summary: str
    description: str
    progress_method: str
    start: int | None
    target: int | None
    budget_year: int | None = None  # relative to the current year
    funding: dict[str, str] = field(default_factory=dict)
    committed: str = "0"
    spent: str = "0"
    weight: int = 1
    participating: tuple[str, ...] = ()
    champions: tuple[str, ...] = ()
    easy_summary: str = ""
    published: bool = True
    parent: str | None = None
    history: tuple[Update | Replan, ...] = ()
