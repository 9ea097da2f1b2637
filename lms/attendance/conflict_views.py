"""Admin pages for completions that attendance no longer supports (URLs in blueprint.py)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.attendance import completion
from lms.attendance.forms import ResolveForm
from lms.auth.models import Role
from lms.courses.models import Enrollment
from lms.web import attempt, loads, requires


@requires(Role.ADMIN)
def conflicts():
    """Completions whose attendance fell below the threshold after a document was issued."""
    return render_template("attendance/conflicts.html", items=completion.pending_conflicts(),
                           form=ResolveForm())


@requires(Role.ADMIN)
@loads("enrollment_id", Enrollment)
def resolve(enrollment: Enrollment):
    """Keep the completion (clear the flag) or undo it (only once no document is valid)."""
    form = ResolveForm()
    if not form.validate():
        flash(_("Elija una decisión."), "error")
        return redirect(url_for(".conflicts"))
    with attempt() as done:
        completion.resolve_conflict(enrollment, form.action.data)
    if done:
        flash(_("Conflicto resuelto."), "success")
    return redirect(url_for(".conflicts"))
