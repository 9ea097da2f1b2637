"""Views of the rotating-QR self check-in and of its queue of requests."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from lms.attendance import checkin
from lms.attendance.forms import CheckinForm, RequestForm
from lms.attendance.models import CheckinRequest
from lms.attendance.views import bp, load_session, trainer_or_admin
from lms.courses.models import CourseSession
from lms.errors import ValidationError
from lms.extensions import db, limiter


def _checkin_url(session_id: int, code: str) -> str:
    return url_for("attendance.checkin_form", session_id=session_id, code=code, _external=True)


def _payload(session_id: int) -> dict:
    code, expires_in = checkin.current_code(session_id)
    url = _checkin_url(session_id, code)
    return {"code": code, "url": url, "expires_in": expires_in, "svg": checkin.qr_svg(url)}


@bp.route("/sesiones/<int:session_id>/qr")
@trainer_or_admin
def qr(session_id: int):
    """Full-screen rotating QR for the participants to scan."""
    session = load_session(session_id)
    return render_template("attendance/qr.html", session=session, qr=_payload(session_id))


@bp.route("/sesiones/<int:session_id>/qr.json")
@trainer_or_admin
def qr_json(session_id: int):
    """The current code, its URL and QR image; the QR page polls it every 20 seconds."""
    load_session(session_id)
    response = jsonify(_payload(session_id))
    response.headers["Cache-Control"] = "no-store"
    return response


def _session_key() -> str:
    # One centre shares one IP address: limit per session scanned, never per address.
    return f"checkin:{request.view_args.get('session_id')}"


def _document_key() -> str:
    number = request.form.get("document_number", "").strip()
    return f"checkin:{request.view_args.get('session_id')}:{number}"


@bp.route("/asistencia/<int:session_id>/<code>", methods=["GET", "POST"])
@limiter.limit("240 per minute", key_func=_session_key, methods=["POST"])
@limiter.limit("6 per minute", key_func=_document_key, methods=["POST"])
def checkin_form(session_id: int, code: str):
    """Public page opened from the QR: no account, just the document."""
    session = db.session.get(CourseSession, session_id)
    if session is None:
        abort(404)
    form = CheckinForm()
    if request.method == "GET":
        if not checkin.code_is_valid(session_id, code):
            return render_template("attendance/checkin.html", session=session,
                                   expired=True, form=None), 410
        form.ticket.data = checkin.issue_ticket(session_id)
        return render_template("attendance/checkin.html", session=session, form=form)
    if not checkin.ticket_is_valid(session_id, form.ticket.data or ""):
        return render_template("attendance/checkin.html", session=session,
                               expired=True, form=None), 410
    if form.validate():
        try:
            result = checkin.self_checkin(session, form.document_type.data,
                                          form.document_number.data)
        except ValidationError as exc:
            db.session.rollback()
            exc.attach(form)
        else:
            db.session.commit()
            return render_template("attendance/checkin.html", session=session,
                                   outcome=result.outcome, form=None)
    return render_template("attendance/checkin.html", session=session, form=form), 422


def _load_request(session_id: int, request_id: int) -> CheckinRequest:
    item = db.get_or_404(CheckinRequest, request_id)
    if item.session_id != session_id:
        abort(404)
    return item


@bp.route("/sesiones/<int:session_id>/solicitudes/<int:request_id>/rechazar", methods=["POST"])
@trainer_or_admin
def reject_request(session_id: int, request_id: int):
    """The trainer rejects a queued self check-in."""
    load_session(session_id)
    item = _load_request(session_id, request_id)
    form = RequestForm()
    if not form.validate():
        abort(400)
    try:
        checkin.reject_request(item)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("Solicitud rechazada.", "success")
    return redirect(url_for(".roster", session_id=session_id))
