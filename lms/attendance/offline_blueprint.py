"""The offline app's URLs: everything under /app/, the service worker's scope."""

from flask import Blueprint

from lms.attendance import offline_views as views

bp = Blueprint("offline", __name__)

bp.add_url_rule("/app/hoy", "today", views.today)
bp.add_url_rule("/app/sesiones/<int:session_id>", "session", views.session_page)
bp.add_url_rule("/app/sw.js", "service_worker", views.service_worker)
bp.add_url_rule("/app/manifest.webmanifest", "manifest", views.manifest)
bp.add_url_rule("/app/datos.json", "data", views.data)
bp.add_url_rule("/app/sincronizar", "sync", views.sync, methods=["POST"])
bp.add_url_rule("/app/importar", "import_queue", views.import_queue, methods=["GET", "POST"])
