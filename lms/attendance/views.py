"""Rosters, self check-in and the paper planilla.

The roster works as plain HTML forms; attendance.js upgrades the same forms to
fetch() calls so a trainer marks a whole group without a reload per person.
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms.attendance import roster as roster_service
from lms.attendance.checkin import pending_requests
from lms.attendance.forms import MarkForm, RequestForm, WalkInForm
from lms.attendance.models import STATUSES
from lms.attendance.planilla_pdf import planilla_pdf
from lms.auth.decorators import forbid_unless, roles_required
from lms.courses.models import CourseSession
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.services import current_notice

bp = Blueprint("attendance", __name__)
trainer_or_admin = roles_required("admin", "trainer")


def load_session(session_id: int) -> CourseSession:
    """The session (404) if the current user manages its cohort (403)."""
    session = db.get_or_404(CourseSession, session_id)
    forbid_unless(session.cohort.can_manage(current_user))
    return session


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _render_roster(session, walk_in=None, status=200, open_walk_in=False):
    rows = roster_service.roster(session)
    search = request.args.get("q", "").strip()
    shown = roster_service.search(rows, search)
    if walk_in is None:
        walk_in = WalkInForm()
        # Nobody matched a document number: it is probably a walk-in; offer it there.
        if search and not shown:
            walk_in.document_number.data = roster_service.looks_like_document(search)
    return render_template(
        "attendance/roster.html", session=session, rows=rows, shown=shown,
        statuses=STATUSES, walk_in=walk_in, requests=pending_requests(session.id),
        request_form=RequestForm(), notice=current_notice(), search=search,
        open_walk_in=open_walk_in, counts=_counts(rows),
    ), status


def _counts(rows) -> dict:
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        if row.mark is not None:
            counts[row.mark.status] += 1
    return counts


@bp.route("/sesiones/<int:session_id>/asistencia")
@trainer_or_admin
def roster(session_id: int):
    """Roster of a session: one tap per person."""
    return _render_roster(load_session(session_id))


@bp.route("/sesiones/<int:session_id>/asistencia/marcar", methods=["POST"])
@trainer_or_admin
def mark(session_id: int):
    """Set one person's status (fetch() from the roster, or a plain form POST)."""
    session = load_session(session_id)
    form = MarkForm()
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        if _wants_json():
            return jsonify({"ok": False, "message": str(message)}), 422
        flash(str(message), "error")
        return redirect(url_for(".roster", session_id=session_id))
    try:
        enrollment = roster_service.mark_one(session, form.enrollment_id.data, form.status.data)
    except ValidationError as exc:
        if _wants_json():
            return jsonify({"ok": False, "message": exc.message}), 422
        flash(exc.message, "error")
        return redirect(url_for(".roster", session_id=session_id))
    db.session.commit()
    if _wants_json():
        return jsonify({"ok": True, "status": form.status.data,
                        "hours_credited": str(enrollment.hours_credited),
                        "completed": enrollment.is_complete})
    return redirect(url_for(".roster", session_id=session_id) + f"#e{enrollment.id}")


@bp.route("/sesiones/<int:session_id>/asistencia/buscar")
@trainer_or_admin
def lookup(session_id: int):
    """Whether a typed document is enrolled, registered or new (JSON for the roster)."""
    session = load_session(session_id)
    try:
        return jsonify(roster_service.lookup(
            session, request.args.get("document_type", ""),
            request.args.get("document_number", "")))
    except ValidationError as exc:
        return jsonify({"state": "invalid", "message": exc.message}), 422


@bp.route("/sesiones/<int:session_id>/asistencia/ingreso", methods=["POST"])
@trainer_or_admin
def walk_in(session_id: int):
    """Enroll a walk-in (registering them with consent if new) and mark them present."""
    session = load_session(session_id)
    form = WalkInForm()
    if form.validate():
        data = {name: field.data for name, field in form._fields.items()
                if name not in ("csrf_token", "consent", "guardian_name", "guardian_document")}
        try:
            row = roster_service.walk_in(
                session, data, consent=form.consent.data,
                guardian_name=form.guardian_name.data,
                guardian_document=form.guardian_document.data)
        except ValidationError as exc:
            for name, messages in (exc.fields or {None: [exc.message]}).items():
                target = form._fields.get(name) if name else None
                if target is not None:
                    target.errors = [*target.errors, *messages]
                else:
                    form.form_errors.extend(messages)
        else:
            db.session.commit()
            if _wants_json():
                html = render_template("attendance/_row.html", row=row, session=session,
                                       statuses=STATUSES)
                return jsonify({"ok": True, "html": html, "enrollment_id": row.enrollment.id,
                                "name": row.person.full_name})
            flash(f"{row.person.full_name} quedó inscrita y presente.", "success")
            return redirect(url_for(".roster", session_id=session_id) + f"#e{row.enrollment.id}")
    db.session.rollback()
    if _wants_json():
        errors = {name: [str(m) for m in f.errors] for name, f in form._fields.items()
                  if f.errors}
        return jsonify({"ok": False, "errors": errors,
                        "form_errors": [str(m) for m in form.form_errors]}), 422
    return _render_roster(session, walk_in=form, status=422, open_walk_in=True)


@bp.route("/sesiones/<int:session_id>/planilla.pdf")
@trainer_or_admin
def planilla(session_id: int):
    """The printable planilla of a session."""
    session = load_session(session_id)
    pdf = planilla_pdf(session, roster_service.roster(session))
    name = f"planilla-{session.cohort.code}-{session.date.isoformat()}.pdf"
    return send_file(pdf, mimetype="application/pdf", download_name=name, as_attachment=False)


@bp.route("/asistencia/hoy")
@trainer_or_admin
def today():
    """Today's sessions of my cohorts (all cohorts for an admin), each linking to its roster."""
    from lms.attendance.today import todays_sessions

    return render_template("attendance/today.html", sessions=todays_sessions(current_user))


# Imported last: these modules add their routes to ``bp``.
from lms.attendance import (  # noqa: E402, F401
    checkin_views,
    conflict_views,
    planilla_views,
)
