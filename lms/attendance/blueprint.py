"""The attendance domain's URLs: rosters, QR self check-in, planillas and conflicts."""

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l

from lms import navigation
from lms.attendance import (
    checkin_views,
    completion,
    conflict_views,
    planilla_jobs,
    planilla_views,
    views,
)
from lms.ratelimit import client_address, limit

bp = Blueprint("attendance", __name__)


def _per_client() -> str:
    # Per session and client: a flood from one address does not lock out the others.
    # A whole centre may share one address, hence the generous limit below.
    return f"checkin:{request.view_args.get('session_id')}:{client_address()}"


def _per_document() -> str:
    number = request.form.get("document_number", "").strip()
    return f"checkin:{request.view_args.get('session_id')}:{number}"


def _ticket_checked(_response) -> bool:
    # Counted only once the ticket proved a recent scan: anonymous junk costs nothing.
    return bool(g.get("checkin_counted"))


# Searches travel in POST bodies: document numbers never reach URLs or access logs.
bp.add_url_rule("/sesiones/<int:session_id>/asistencia", "roster", views.roster,
                methods=["GET", "POST"])
bp.add_url_rule("/sesiones/<int:session_id>/asistencia/marcar", "mark", views.mark,
                methods=["POST"])
bp.add_url_rule("/sesiones/<int:session_id>/asistencia/nota", "note", views.note,
                methods=["POST"])
bp.add_url_rule("/sesiones/<int:session_id>/asistencia/buscar", "lookup", views.lookup,
                methods=["POST"])
bp.add_url_rule("/sesiones/<int:session_id>/asistencia/ingreso", "walk_in", views.walk_in,
                methods=["POST"])
bp.add_url_rule("/sesiones/<int:session_id>/planilla.pdf", "planilla", views.planilla)
bp.add_url_rule("/sesiones/<int:session_id>/planilla.xlsx", "planilla_xlsx",
                planilla_views.planilla_xlsx_view)
bp.add_url_rule("/asistencia/hoy", "today", views.today)

bp.add_url_rule("/sesiones/<int:session_id>/qr", "qr", checkin_views.qr)
bp.add_url_rule("/sesiones/<int:session_id>/qr.json", "qr_json", checkin_views.qr_json)
bp.add_url_rule(
    "/asistencia/<int:session_id>/<code>",
    "checkin_form",
    limit("240 per minute", key=_per_client, methods=("POST",),
          deduct_when=_ticket_checked)(
        limit("6 per minute", key=_per_document, methods=("POST",),
              deduct_when=_ticket_checked)(
            checkin_views.checkin_form
        )
    ),
    methods=["GET", "POST"],
)
bp.add_url_rule("/sesiones/<int:session_id>/solicitudes/<int:request_id>/rechazar",
                "reject_request", checkin_views.reject_request, methods=["POST"])

bp.add_url_rule("/asistencia/conflictos", "conflicts", conflict_views.conflicts)
bp.add_url_rule("/asistencia/conflictos/<int:enrollment_id>", "resolve",
                conflict_views.resolve, methods=["POST"])

bp.add_url_rule("/planillas/importar", "import_planilla", planilla_views.import_planilla_view,
                methods=["GET", "POST"])
bp.add_url_rule("/planillas/importaciones/<int:upload_id>", "import_job", planilla_views.import_job)

navigation.pending("attendance.conflicts", _l("Conflictos de asistencia por resolver"),
                   completion.conflict_count)
navigation.pending("attendance.import_planilla", _l("Planillas en importación"),
                   planilla_jobs.unfinished_count)
