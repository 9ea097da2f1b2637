"""Rosters, self check-in and the paper planilla."""

from flask import Blueprint, render_template

from lms.auth.decorators import admin_required

bp = Blueprint("attendance", __name__)


@bp.route("/planillas/importar")
@admin_required
def import_planilla():
    """Upload a planilla."""
    return render_template("placeholder.html", title="Importar planilla")


@bp.route("/sesiones/<int:session_id>/asistencia")
@admin_required
def roster(session_id: int):
    """Roster of a session."""
    return render_template("placeholder.html", title="Asistencia")
