"""The LTI URLs: the endpoints platforms call, the framed landing page, the admin pages."""

from flask import Blueprint

from lms.certificates.blueprint import PORTAL_LIMIT
from lms.extensions import csrf
from lms.lti import admin_views, frame, framed_views, registration_views, views
from lms.ratelimit import limit

bp = Blueprint("lti", __name__)
bp.record_once(lambda state: frame.install(state.app))

# The platform posts cross-site (no CSRF token of ours): the state cookie and the signed
# id_token are what bind these requests. Logins write a row: limited per address.
bp.add_url_rule("/lti/login", "login", limit("60 per minute")(csrf.exempt(views.login)),
                methods=["GET", "POST"])
bp.add_url_rule("/lti/launch", "launch", csrf.exempt(views.launch), methods=["POST"])
bp.add_url_rule("/lti/jwks", "jwks", views.jwks)
bp.add_url_rule("/lti/config.json", "config_json", views.config_json)
bp.add_url_rule("/lti/inicio", "home", views.home)
bp.add_url_rule("/lti/enlace-profundo", "deep_link", framed_views.deep_link,
                methods=["GET", "POST"])
bp.add_url_rule("/lti/enlazar", "link", framed_views.link, methods=["GET", "POST"])
# The one-time match by document and birth date: the citizen portal's limits.
bp.add_url_rule("/lti/mi-avance", "learner",
                limit(PORTAL_LIMIT, methods=("POST",))(framed_views.learner),
                methods=["GET", "POST"])
bp.add_url_rule("/lti/participantes", "roster", framed_views.roster, methods=["POST"])
# Dynamic Registration: an LMS opens it once per registration; each one writes a row.
bp.add_url_rule("/lti/registro", "register_start",
                limit("10 per minute")(registration_views.start))
bp.add_url_rule("/admin/lti/enlace-registro", "registration_link", registration_views.new_link,
                methods=["POST"])
bp.add_url_rule("/admin/lti/<int:platform_id>/aprobar", "approve", registration_views.approve,
                methods=["POST"])
bp.add_url_rule("/lti/registrarme", "learner_register",
                limit(PORTAL_LIMIT, methods=("POST",))(framed_views.learner_register),
                methods=["GET", "POST"])
bp.add_url_rule("/admin/lti", "platforms", admin_views.index)
bp.add_url_rule("/admin/lti/notas", "failed_grades", admin_views.failed_grades)
bp.add_url_rule("/admin/lti/nueva", "platform_new", admin_views.new, methods=["GET", "POST"])
