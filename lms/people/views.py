"""People: registration with consent, search, and Ley 1581 rights."""

from flask import Blueprint, render_template

from lms.auth.decorators import admin_required

bp = Blueprint("people", __name__, url_prefix="/personas")


@bp.route("/")
@admin_required
def index():
    """Search people by document or name."""
    return render_template("placeholder.html", title="Personas")
