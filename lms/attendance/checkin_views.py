"""The rotating-QR self check-in: the trainer's QR screen, the public form, and the queue
of requests the trainer settles (URLs and rate limits in blueprint.py)."""

from flask import abort, flash, g, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from lms import policy
from lms.attendance import checkin
from lms.attendance.forms import CheckinForm, RequestForm
from lms.attendance.models import CheckinRequest
from lms.auth.models import Role
from lms.courses.models import CourseSession
from lms.web import attempt, loads, requires


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def qr(session: CourseSession):
    """Full-screen rotating QR for the participants to scan."""
    return render_template("attendance/qr.html", session=session,
                           qr=checkin.qr_payload(session.id))


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def qr_json(session: CourseSession):
    """The current code, its URL and QR image; the QR page polls it every 20 seconds."""
    response = jsonify(checkin.qr_payload(session.id))
    response.headers["Cache-Control"] = "no-store"
    return response


def _expired(session: CourseSession, used: bool = False):
    return render_template("attendance/checkin.html", session=session, expired=not used,
                           used=used, form=None), 409 if used else 410


@loads("session_id", CourseSession)
def checkin_form(session: CourseSession, code: str):
    """Public page opened from the QR: no account, just the document; one person a scan."""
    form = CheckinForm()
    if not form.is_submitted():
        if not checkin.code_is_valid(session.id, code):
            return _expired(session)
        form.ticket.data = checkin.issue_ticket(session.id, code)
        return render_template("attendance/checkin.html", session=session, form=form)
    nonce = checkin.read_ticket(session.id, code, form.ticket.data or "")
    if nonce is None:
        return _expired(session)
    g.checkin_counted = True  # the rate limits count only requests with a good ticket
    if checkin.ticket_used(nonce):
        return _expired(session, used=True)
    if form.validate():
        with attempt(form) as done:
            result = checkin.self_checkin(session, nonce, form.document_type.data,
                                          form.document_number.data)
        if done:
            return render_template("attendance/checkin.html", session=session, result=result,
                                   form=None, again=url_for(".checkin_form",
                                                            session_id=session.id, code=code))
    return render_template("attendance/checkin.html", session=session, form=form), 422


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
@loads("request_id", CheckinRequest)
def reject_request(session: CourseSession, request: CheckinRequest):
    """The trainer rejects a queued self check-in."""
    if request.session_id != session.id:
        abort(404)
    if not RequestForm().validate():
        abort(400)
    with attempt() as done:
        checkin.reject_request(request)
    if done:
        flash(_("Solicitud rechazada."), "success")
    return redirect(url_for(".roster", session_id=session.id))
