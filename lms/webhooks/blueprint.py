"""The webhook admin URLs."""

from flask import Blueprint

from lms.webhooks import views

bp = Blueprint("webhooks", __name__)

bp.add_url_rule("/admin/webhooks", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/admin/webhooks/<int:endpoint_id>", "endpoint", views.endpoint)
bp.add_url_rule("/admin/webhooks/<int:endpoint_id>/estado", "toggle", views.toggle,
                methods=["POST"])
bp.add_url_rule("/admin/webhooks/<int:endpoint_id>/secreto", "rotate", views.rotate,
                methods=["POST"])
bp.add_url_rule("/admin/webhooks/<int:endpoint_id>/eliminar", "delete", views.delete,
                methods=["POST"])
bp.add_url_rule("/admin/webhooks/entregas/<int:delivery_id>/reenviar", "resend",
                views.resend, methods=["POST"])
