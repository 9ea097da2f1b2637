"""People: registration with consent, search, and Ley 1581 rights."""

from flask import Blueprint, render_template

from lms.auth.decorators import admin_required

bp = Blueprint("people", __name__, url_prefix="/personas")


@bp.route("/")
@admin_required
def index():
    """Search people by document or name."""
    return render_template("placeholder.html", title="Personas")


@bp.route("/nueva")
@admin_required
def register():
    """Register a person with consent (optionally enrolling them: ?grupo=<cohort id>)."""
    return render_template("placeholder.html", title="Registrar persona")
