"""``GET /api/v1/me``: who a token acts as, so LMS administrators can check their setup."""

from flask import jsonify
from flask_login import current_user

from lms.api import bp
from lms.api.openapi import doc

USER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["admin", "trainer", "analyst"]},
    },
}


@bp.route("/me")
@doc("Usuario del token", response=USER, tags=("auth",))
def me():
    """Return the user the bearer token acts as."""
    user = current_user
    return jsonify(id=user.id, email=user.email, name=user.name, role=user.role)
