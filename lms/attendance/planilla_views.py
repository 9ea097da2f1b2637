"""The planilla upload page (the same import as ``lms import-attendance``)."""

from flask import render_template

from lms.attendance.forms import ImportForm
from lms.attendance.planilla_import import import_planilla
from lms.attendance.views import bp
from lms.auth.decorators import admin_required
from lms.extensions import db
from lms.tabular import TabularError


@bp.route("/planillas/importar", methods=["GET", "POST"], endpoint="import_planilla")
@admin_required
def import_planilla_view():
    """Upload a planilla; show every row error, or the counts (dry run: nothing saved)."""
    form = ImportForm()
    result = errors = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_planilla(upload, upload.filename or "", dry_run=form.dry_run.data)
        except TabularError as exc:
            db.session.rollback()
            errors = [str(e) for e in exc.errors]
            status = 422
        else:
            if result.dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    elif form.is_submitted():
        status = 422
    return render_template("attendance/import.html", form=form, result=result,
                           errors=errors), status
