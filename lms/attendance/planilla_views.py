"""The planilla upload page: the same import as ``lms import-attendance`` (URL in
blueprint.py)."""

from flask import render_template

from lms.attendance.forms import ImportForm
from lms.attendance.planilla_import import import_planilla
from lms.auth.models import Role
from lms.tabular import TabularError
from lms.web import fail_request, requires


@requires(Role.ADMIN)
def import_planilla_view():
    """Upload a planilla; show every row error, or the counts (dry run: nothing saved)."""
    form = ImportForm()
    result = failure = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_planilla(upload, upload.filename or "", dry_run=form.dry_run.data,
                                     create_new=form.create_new.data)
        except TabularError as exc:
            # Every row's problem in a list, not one message on the file field.
            fail_request()
            failure = exc
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("attendance/import.html", form=form, result=result,
                           failure=failure), status
