"""All models, importable from one place so Alembic sees the whole metadata."""
from app.models.audit import AuditEntry
from app.models.base import Base, Money, utcnow
from app.models.milestones import (
    ChangeKind, FundingSource, Milestone, MilestoneChange, MilestoneFunding, MilestoneSlug, ProgressUpdate,
    milestone_champion, milestone_department,
)
from app.models.site import ContentPage, Setting
from app.models.strategy import Champion, Department, DepartmentSlug, Field, FieldSlug, Strategy, StrategyBudgetYear
from app.models.users import STAFF_ROLES, RecoveryCode, RevokedSession, Role, User, UserRole, user_department
from app.models.tokens import ActionToken, TokenPurpose
from app.models.branding import SiteLogo
from app.models.mail import OutboxMail
from app.models.transfer import ImportBatch
from app.models.moderation import (
    BlockedAddress,
    HoldPattern,
    ModerationAction,
    ModerationDecision,
    ReasonTemplate,
    UserBlock,
)
from app.models.reports import Report, ReportFile, ReportVariant
from app.models.participation import (
    AnswerStatus,
    Comment,
    CommentRating,
    CommentStatus,
    Flag,
    FlagReason,
    SupportVote,
    Subscription,
)
from app.models.internal import Light, TrafficLight, TrafficLightChange

__all__ = [
    "AuditEntry", "Base", "Money", "utcnow", "ChangeKind", "FundingSource", "Milestone", "MilestoneChange",
    "MilestoneFunding", "MilestoneSlug", "ProgressUpdate", "milestone_champion",
    "milestone_department", "ContentPage", "Setting", "Champion", "Department", "DepartmentSlug", "Field",
    "FieldSlug",
    "Strategy", "StrategyBudgetYear", "STAFF_ROLES", "Role", "User", "UserRole",
    "user_department", "RecoveryCode", "RevokedSession", "ActionToken", "TokenPurpose", "OutboxMail", "SiteLogo", "ImportBatch",
    "BlockedAddress", "HoldPattern", "ModerationAction", "ModerationDecision", "ReasonTemplate", "UserBlock",
    "AnswerStatus", "Comment", "CommentRating", "CommentStatus", "Flag", "FlagReason",
    "SupportVote", "Subscription", "Light", "TrafficLight", "TrafficLightChange",
    "Report", "ReportFile", "ReportVariant",
]
