"""Issue, verify and download certificates."""

from flask import Blueprint, render_template

from lms.auth.decorators import admin_required

bp = Blueprint("certificates", __name__)


@bp.route("/admin/certificados")
@admin_required
def index():
    """List issued documents."""
    return render_template("placeholder.html", title="Certificados")


@bp.route("/certificados")
def portal():
    """Citizen portal."""
    return render_template("placeholder.html", title="Certificados")
