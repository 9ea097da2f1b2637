"""The admin's window on the audit trail (rules in blueprint.py)."""

from flask import render_template, request
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.auth.models import Role
from lms.extensions import db
from lms.web import requires

PAGE = 50


@requires(Role.ADMIN)
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
