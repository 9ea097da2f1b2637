"""``GET /api/v1/me``: who a token acts as, so LMS administrators can check their setup."""

from flask import jsonify
from flask_login import current_user

from lms.api import bp
from lms.api.openapi import doc
from lms.api.serialize import INT, STR, enum, obj
from lms.policy import Role

USER = obj(id=INT, email=STR, name=STR, role=enum(*Role))


@bp.route("/me")
@doc("Usuario del token", response=USER, tags=("auth",))
def me():
    """Return the user the bearer token acts as."""
    user = current_user
    return jsonify(id=user.id, email=user.email, name=user.name, role=user.role)
