"""The roster of a session, walk-ins, the printable planilla and today's sessions.

The roster works as plain HTML forms; attendance.js upgrades the same forms to
fetch() calls so a trainer marks a whole group without a reload per person.
URLs are in blueprint.py.
"""

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import policy
from lms.attendance import roster as roster_service
from lms.attendance.checkin import pending_requests
from lms.attendance.forms import MarkForm, NoteForm, RequestForm, WalkInForm
from lms.attendance.models import STATUSES
from lms.attendance.planilla_pdf import planilla_pdf
from lms.attendance.today import todays_sessions
from lms.auth.models import Role
from lms.courses.models import CourseSession
from lms.errors import ValidationError, take_warnings
from lms.formatting import labels
from lms.people.services import current_notice
from lms.web import attempt, fail_request, flash_warnings, loads, requires

#: Fields of the walk-in form that are not the person's data.
_NOT_PERSON = ("csrf_token", "consent", "guardian_name", "guardian_document", "birth_year")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _render_roster(session, walk_in=None, status=200, open_walk_in=False):
    rows = roster_service.lines(session)
    # The search form posts (a document number must not land in a URL); the page itself
    # is a GET, and a walk-in that failed posts no search.
    search = request.form.get("q", "").strip() if request.method == "POST" else ""
    shown = roster_service.search(rows, search)
    if walk_in is None:
        walk_in = WalkInForm()
        # Nobody matched a document number: it is probably a walk-in; offer it there.
        if search and not shown:
            walk_in.document_number.data = roster_service.looks_like_document(search)
    return render_template(
        "attendance/roster.html", session=session, rows=rows, shown=shown,
        statuses=labels(STATUSES), walk_in=walk_in, requests=pending_requests(session.id),
        request_form=RequestForm(), notice=current_notice(), search=search,
        open_walk_in=open_walk_in, counts=roster_service.status_counts(rows),
    ), status


def _refuse_mark(session, message: str):
    if _wants_json():
        return jsonify({"ok": False, "message": message}), 422
    flash(message, "error")
    return redirect(url_for(".roster", session_id=session.id))


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def roster(session: CourseSession):
    """Roster of a session: one tap per person (POST: filtered by the search form)."""
    return _render_roster(session)


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def mark(session: CourseSession):
    """Set one person's status (fetch() from the roster, or a plain form POST)."""
    form = MarkForm()
    if not form.validate():
        return _refuse_mark(session, str(next(iter(form.errors.values()))[0]))
    with attempt(form) as done:
        enrollment = roster_service.mark_one(session, form.enrollment_id.data, form.status.data)
    if not done:
        return _refuse_mark(session, done.error.message)
    if _wants_json():
        return jsonify({"ok": True, "status": form.status.data,
                        "hours_credited": str(enrollment.hours_credited),
                        "completed": enrollment.is_complete})
    return redirect(url_for(".roster", session_id=session.id) + f"#e{enrollment.id}")


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def note(session: CourseSession):
    """Set or clear the short note on one person's mark (fetch() or a plain form POST)."""
    form = NoteForm()
    if not form.validate():
        return _refuse_mark(session, str(next(iter(form.errors.values()))[0]))
    with attempt(form) as done:
        mark = roster_service.note_one(session, form.enrollment_id.data, form.note.data or "")
    if not done:
        return _refuse_mark(session, done.error.message)
    if _wants_json():
        return jsonify({"ok": True, "note": mark.note or ""})
    flash(_("Nota guardada.") if mark.note else _("Nota borrada."), "success")
    return redirect(url_for(".roster", session_id=session.id) + f"#e{mark.enrollment_id}")


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def lookup(session: CourseSession):
    """Whether a typed document is enrolled here, registered or new (JSON for the roster);
    never whose it is: the walk-in confirms a registered person by their birth year."""
    try:
        return jsonify(roster_service.lookup(
            session, request.form.get("document_type", ""),
            request.form.get("document_number", "")))
    except ValidationError as exc:
        return jsonify({"state": "invalid", "message": exc.message}), 422


def _show_errors(exc: ValidationError, form) -> None:
    # Registering a walk-in can fail on several fields at once: each gets its messages.
    for name, messages in (exc.fields or {None: [exc.message]}).items():
        target = form._fields.get(name) if name else None
        if target is not None:
            target.errors = [*target.errors, *messages]
        else:
            form.form_errors.extend(messages)


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def walk_in(session: CourseSession):
    """Enroll a walk-in (registering them with consent if new) and mark them present."""
    form = WalkInForm()
    if form.validate():
        data = {name: field.data for name, field in form._fields.items() if name not in _NOT_PERSON}
        try:
            row = roster_service.walk_in(
                session, data, birth_year=form.birth_year.data, consent=form.consent.data,
                guardian_name=form.guardian_name.data,
                guardian_document=form.guardian_document.data)
        except ValidationError as exc:
            fail_request()
            _show_errors(exc, form)
        else:
            if _wants_json():
                html = render_template("attendance/_rows.html", session=session,
                                       lines=[roster_service.line_of(row)],
                                       statuses=labels(STATUSES))
                return jsonify({"ok": True, "html": html, "enrollment_id": row.enrollment.id,
                                "name": row.person.full_name, "warnings": take_warnings()})
            flash_warnings()
            flash(_("Se inscribió a %(name)s y se marcó presente.", name=row.person.full_name),
                  "success")
            return redirect(url_for(".roster", session_id=session.id) + f"#e{row.enrollment.id}")
    if _wants_json():
        errors = {name: [str(m) for m in f.errors] for name, f in form._fields.items()
                  if f.errors}
        return jsonify({"ok": False, "errors": errors,
                        "form_errors": [str(m) for m in form.form_errors]}), 422
    return _render_roster(session, walk_in=form, status=422, open_walk_in=True)


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def planilla(session: CourseSession):
    """The printable planilla of a session."""
    pdf = planilla_pdf(session, roster_service.roster(session))
    name = f"planilla-{session.cohort.code}-{session.date.isoformat()}.pdf"
    return send_file(pdf, mimetype="application/pdf", download_name=name, as_attachment=False)


@requires(Role.ADMIN, Role.TRAINER)
def today():
    """Today's sessions of my cohorts (all cohorts for an admin), each linking to its roster."""
    return render_template("attendance/today.html", sessions=todays_sessions(current_user))
