"""The auditor's window on the trail, and its XLSX (rules in blueprint.py); both filter
through ``search.parse`` and ``search.entries``, as the API does."""

import io

from flask import render_template, request, send_file
from sqlalchemy.orm import joinedload

from lms.audit import export, labels, search
from lms.audit.models import AuditEntry
from lms.auth.models import Role
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import local
from lms.timeutil import utcnow
from lms.web import requires

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters():
    """The request's filters and the error refusing them (one of the two is None)."""
    try:
        return search.parse(request.args), None
    except ValidationError as exc:
        return None, exc


def _page(filters, error, status=200):
    page = None
    if filters is not None:
        query = search.entries(filters).options(joinedload(AuditEntry.actor))
        page = db.paginate(query, per_page=PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v.strip()}
    return render_template("audit/log.html", page=page, error=error, args=args, filters=filters,
                           entities=labels.ENTITIES, actors=search.actors(), labels=labels,
                           actor_name=export.actor_name, system=search.SYSTEM), status


@requires(Role.ADMIN)
def index():
    """Browse the trail, newest first, filtered by entity, actor, dates and record."""
    filters, error = _filters()
    return _page(filters, error, 422 if error else 200)


@requires(Role.ADMIN)
def export_xlsx():
    """The filtered trail as an XLSX, one row per changed field."""
    filters, error = _filters()
    if error is not None:
        return _page(None, error, 422)
    data, cut = export.workbook(filters)
    stamp = local(utcnow()).strftime("%Y%m%d-%H%M")
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"auditoria-{stamp}.xlsx")
    if cut:
        response.headers["X-Truncated"] = str(export.MAX_ENTRIES)
    return response
