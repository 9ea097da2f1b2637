"""Sites, catalog (indicators and courses), cohorts and sessions."""

from flask import Blueprint, render_template

from lms.auth.decorators import admin_required, staff_required

bp = Blueprint("courses", __name__)


@bp.route("/grupos")
@staff_required
def cohorts():
    """List cohorts (a trainer sees only their own)."""
    return render_template("placeholder.html", title="Grupos")


@bp.route("/sedes")
@admin_required
def sites():
    """List sites."""
    return render_template("placeholder.html", title="Sedes")


@bp.route("/catalogo")
@admin_required
def catalog():
    """List plan indicators and courses."""
    return render_template("placeholder.html", title="Catálogo")
