"""Admin pages for completions that attendance no longer supports."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from lms.attendance.completion import resolve_conflict
from lms.attendance.forms import ResolveForm
from lms.attendance.views import bp
from lms.auth.decorators import admin_required
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.extensions import db


@bp.route("/asistencia/conflictos")
@admin_required
def conflicts():
    """Completions whose attendance fell below the threshold after a document was issued."""
    items = db.session.scalars(
        select(Enrollment).where(Enrollment.completion_conflict.is_(True)).order_by(Enrollment.id)
    ).all()
    return render_template("attendance/conflicts.html", items=items, form=ResolveForm())


@bp.route("/asistencia/conflictos/<int:enrollment_id>", methods=["POST"])
@admin_required
def resolve(enrollment_id: int):
    """Keep the completion (clear the flag) or undo it (only once no document is valid)."""
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    form = ResolveForm()
    if not form.validate():
        flash("Elija una decisión.", "error")
        return redirect(url_for(".conflicts"))
    try:
        resolve_conflict(enrollment, form.action.data)
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("Conflicto resuelto.", "success")
    return redirect(url_for(".conflicts"))
