"""Who may do what. Services call these; a refusal raises PermissionDenied (a 403 in views)."""
from __future__ import annotations

from app.models import Milestone, Role, User


class PermissionDenied(Exception):
    """The acting user may not do this."""


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.ADMIN)


def can_edit_milestone(user: User | None, milestone: Milestone) -> bool:
    """Admins edit every milestone; editors those of their own departments."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.EDITOR):
        return False
    own = {d.id for d in user.departments}
    return milestone.department_id in own


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def require_role(user: User | None, *roles: Role) -> None:
    require(user is not None and user.is_authenticated and user.active and user.has_role(*roles))
