"""Dynamic Registration: the URL an LMS admin pastes, and the admin's approval (rules in
blueprint.py)."""

from flask import flash, redirect, render_template, request, url_for

from lms.auth.models import Role
from lms.errors import ValidationError
from lms.lti import registration
from lms.lti.models import Platform
from lms.web import attempt, fail_request, loads, requires


def start():
    """The LMS opens this with ``openid_configuration`` and ``registration_token``."""
    try:
        platform = registration.register(request.args.get("openid_configuration", ""),
                                         request.args.get("registration_token"))
    except ValidationError as exc:
        fail_request()
        return render_template("lti/error.html", message=exc.message), 400
    return render_template("lti/registered.html", platform=platform)


@requires(Role.ADMIN)
@loads("platform_id", Platform)
def approve(platform: Platform):
    """Accept launches from a dynamically registered platform."""
    with attempt() as done:
        registration.approve(platform)
    if done:
        flash(f"Plataforma {platform.issuer} aprobada.", "success")
    return redirect(url_for("lti.platforms"))
