"""The people domain's URLs: search, registration, corrections and the holder's rights.

The person page (``/personas/<id>``) and the enrollment actions are courses' URLs.
"""

from flask import Blueprint

from lms.people import admin_views, views

bp = Blueprint("people", __name__, url_prefix="/personas")

FORM = ["GET", "POST"]

# The search posts: a document number never lands in a URL or an access log.
bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/nueva", "register", views.register, methods=FORM)
bp.add_url_rule("/<int:person_id>/editar", "edit", views.edit, methods=FORM)
bp.add_url_rule("/<int:person_id>/exportar.json", "export", admin_views.export)
bp.add_url_rule("/<int:person_id>/anonimizar", "anonymize", admin_views.anonymize, methods=FORM)
bp.add_url_rule("/<int:person_id>/fusionar", "merge", admin_views.merge, methods=FORM)
bp.add_url_rule("/<int:person_id>/fusiones/<int:entry_id>/deshacer", "unmerge",
                admin_views.unmerge, methods=["POST"])
bp.add_url_rule("/<int:person_id>/revocar", "revoke", admin_views.revoke, methods=["POST"])
bp.add_url_rule("/<int:person_id>/autorizacion", "consent", admin_views.consent, methods=FORM)
