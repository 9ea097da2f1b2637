"""The indicator dashboard, drill-downs and exports."""

from flask import Blueprint, render_template

from lms.auth.decorators import roles_required

bp = Blueprint("indicators", __name__)


@bp.route("/indicadores")
@roles_required("admin", "analyst")
def dashboard():
    """Dashboard."""
    return render_template("placeholder.html", title="Indicadores")
