"""Access checks for views: log in first, then the role."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Allow only logged-in users holding one of ``roles``; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


admin_required = roles_required("admin")
staff_required = roles_required("admin", "trainer", "analyst")


def forbid_unless(condition: bool) -> None:
    """Abort with 403 unless the condition holds (object-level permission checks)."""
    if not condition:
        abort(403)
