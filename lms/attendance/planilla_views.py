"""The planilla upload page: the same import as ``lms import-attendance`` (URL in
blueprint.py), and the page of a big planilla imported in the background."""

import io
from types import SimpleNamespace

from flask import redirect, render_template, send_file, url_for
from flask_login import current_user

from lms import policy, tasks
from lms.attendance.forms import ImportForm
from lms.attendance.planilla_jobs import submit_planilla
from lms.attendance.planilla_xlsx import planilla_xlsx
from lms.attendance.roster import roster
from lms.auth.models import Role
from lms.courses.models import CourseSession
from lms.tabular import TabularError
from lms.tabular.jobs import ImportJob, progress_key
from lms.web import fail_request, loads, requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires(Role.ADMIN)
def import_planilla_view():
    """Upload a planilla; show every row error, or the counts (dry run: nothing saved).

    A big file goes to the background queue and the browser to the job's page.
    """
    form = ImportForm()
    result = failure = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = submit_planilla(upload, upload.filename or "", dry_run=form.dry_run.data,
                                     create_new=form.create_new.data, actor_id=current_user.id)
            if isinstance(result, ImportJob):
                return redirect(url_for(".import_job", upload_id=result.id))
        except TabularError as exc:
            # Every row's problem in a list, not one message on the file field.
            fail_request()
            failure = exc
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("attendance/import.html", form=form, result=result,
                           failure=failure), status


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def planilla_xlsx_view(session: CourseSession):
    """The planilla of a session as an XLSX pre-filled with its roster, to type the paper in."""
    data = planilla_xlsx(session, roster(session))
    name = f"planilla-{session.cohort.code}-{session.date.isoformat()}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, download_name=name, as_attachment=True)


@requires(Role.ADMIN)
@loads("upload_id", ImportJob)
def import_job(upload: ImportJob):
    """A background import: its progress, then its counts or its first errors."""
    job, failure, result = upload, None, None
    if job.state == "failed":
        failure = SimpleNamespace(errors=job.errors or [], count=job.error_count,
                                  more=job.error_count - len(job.errors or []),
                                  saved=(job.result or {}).get("applied"))
    if job.state == "done":
        data = dict(job.result)
        counts = data.pop("summary")
        result = SimpleNamespace(**data, summary=lambda: counts)
    return render_template("attendance/import_job.html", job=job, failure=failure,
                           result=result, rows=tasks.noted(progress_key(job.id), 0))
