"""The audit domain's URLs."""

from flask import Blueprint

from lms.audit import views

bp = Blueprint("audit", __name__, url_prefix="/auditoria")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/auditoria.xlsx", "export", views.export_xlsx)
