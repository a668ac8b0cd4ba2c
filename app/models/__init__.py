"""All models, importable from one place so Alembic sees the whole metadata."""
from app.models.base import Base, Money, utcnow
from app.models.milestones import (
    ChangeKind,
    FundingSource,
    Milestone,
    MilestoneChange,
    MilestoneFunding,
    MilestoneSlug,
    ProgressUpdate,
    milestone_champion,
    milestone_department,
)
from app.models.site import ContentPage, Setting
from app.models.strategy import Champion, Department, Field, Strategy, StrategyBudgetYear
from app.models.users import STAFF_ROLES, Role, User, UserRole, user_department

__all__ = [
    "Base", "Money", "utcnow", "ChangeKind", "FundingSource", "Milestone", "MilestoneChange",
    "MilestoneFunding", "MilestoneSlug", "ProgressUpdate", "milestone_champion",
    "milestone_department", "ContentPage", "Setting", "Champion", "Department", "Field",
    "Strategy", "StrategyBudgetYear", "STAFF_ROLES", "Role", "User", "UserRole",
    "user_department",
]
