"""View decorators for the staff backend. Services still check permissions themselves."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.models import Role


def roles_required(*roles: Role):
    """Signed-in, active and holding one of the roles; else the login page or a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.ADMIN, Role.EDITOR, Role.MODERATOR)
admin_required = roles_required(Role.ADMIN)
