"""The operations URLs: the task list for admins and the public health check."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms import navigation
from lms.ops import services, views

bp = Blueprint("ops", __name__)

bp.add_url_rule("/admin/tareas", "index", views.index)
bp.add_url_rule("/admin/tareas/<int:record_id>/reintentar", "retry", views.retry,
                methods=["POST"])
# Load balancers poll it every few seconds from one address: never rate-limited.
bp.add_url_rule("/healthz", "healthz", views.healthz)

navigation.pending("ops.index", _l("Tareas fallidas"), services.failed_count)
