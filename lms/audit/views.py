"""The admin's window on the audit trail."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.auth.decorators import admin_required
from lms.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/auditoria")
PAGE = 50


@bp.route("/")
@admin_required
def index():
    """Browse the newest audit entries, filtered by entity and id."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    entity = request.args.get("entidad", "").strip()
    entity_id = request.args.get("id", type=int)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    page = db.paginate(query, per_page=PAGE, error_out=False)
    return render_template("audit/index.html", page=page, entity=entity, entity_id=entity_id)
