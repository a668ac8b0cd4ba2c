"""The worked example on "Wie wir Fortschritt messen", computed with the real rules.

The numbers on that page come from app/progress.py, so the explanation cannot drift
from what the portal actually calculates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from app import progress as rules
from app.progress import MilestoneStatus


@dataclass
class ExampleMilestone(rules.RatedByRules):
    """An in-memory milestone with just what the progress rules read."""

    title: str
    status: str
    progress: int
    weight: int = 1
    published: bool = True
    target_date: date | None = None
    children: list[ExampleMilestone] = field(default_factory=list)


@dataclass
class Example:
    milestones: list[ExampleMilestone]
    rollup: rules.Rollup

    @property
    def total_weight(self) -> int:
        return sum(m.weight for m in self.rollup.counted)


def example_rollup() -> Example:
    """A small field of action: weights, a completed, a parent and a cancelled milestone."""
    milestones = [
        ExampleMilestone(_l("Online-Terminvergabe"), MilestoneStatus.IN_PROGRESS, 50, weight=2),
        ExampleMilestone(_l("E-Akte im Bürgeramt"), MilestoneStatus.COMPLETED, 100),
        ExampleMilestone(
            _l("Digitale Antragsformulare"),
            MilestoneStatus.IN_PROGRESS,
            # the parent's own percent is not used once it has sub-milestones
            5,
            children=[
                ExampleMilestone(_l("Formulare für Gewerbe"), MilestoneStatus.IN_PROGRESS, 30),
                ExampleMilestone(_l("Formulare für Familien"), MilestoneStatus.IN_PROGRESS, 10),
                ExampleMilestone(_l("Formulare per Fax"), MilestoneStatus.CANCELLED, 0),
            ],
        ),
        ExampleMilestone(_l("Chatbot im Bürgerservice"), MilestoneStatus.CANCELLED, 40, weight=3),
    ]
    return Example(milestones, rules.Rollup(milestones))
