"""Operations pages: the admin's task list ("Tareas") and the health check (rules in
blueprint.py)."""

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from lms import mail, tasks
from lms.auth.models import Role
from lms.ops import services
from lms.tasks import TaskRecord
from lms.web import attempt, loads, requires


@requires(Role.ADMIN)
def index():
    """Running, scheduled, failed and retried background tasks, with their errors."""
    return render_template("ops/tasks.html", groups=services.overview(), label=tasks.label,
                           undelivered=services.undelivered(), mail_states=mail.STATES,
                           masked=mail.masked)


@requires(Role.ADMIN)
@loads("record_id", TaskRecord)
def retry(record: TaskRecord):
    """Send a failed task again."""
    with attempt() as done:
        services.retry(record)
    if done:
        flash(_("La tarea %(id)s se volvió a enviar.", id=record.id), "success")
    return redirect(url_for("ops.index"))


def healthz():
    """Database and queue reachable: 200, or 503 naming which check failed."""
    ok, checks = services.health()
    return jsonify({"status": "ok" if ok else "error", **checks}), 200 if ok else 503
