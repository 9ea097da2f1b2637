"""Dynamic Registration: the URL an LMS admin pastes, and the admin's approval (rules in
blueprint.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import Role
from lms.errors import ValidationError
from lms.lti import registration
from lms.lti.launch import redirect_uri
from lms.lti.models import Platform
from lms.web import attempt, fail_request, loads, requires

#: The query parameter carrying the admin's one-time registration token.
INVITE_PARAM = "invite"


def start():
    """The LMS opens this with ``openid_configuration`` and ``registration_token``."""
    try:
        platform = registration.register(request.args.get("openid_configuration", ""),
                                         request.args.get("registration_token"),
                                         request.args.get(INVITE_PARAM))
    except ValidationError as exc:
        fail_request()
        return render_template("lti/error.html", message=exc.message), 400
    return render_template("lti/registered.html", platform=platform)


@requires(Role.ADMIN)
def new_link():
    """Create a one-time registration link to paste into an LMS (shown once)."""
    token, expires_at = registration.new_token(current_user.id)
    base = redirect_uri().removesuffix("/lti/launch")
    return render_template("lti/registration_link.html", expires_at=expires_at,
                           url=f"{base}/lti/registro?{INVITE_PARAM}={token}")


@requires(Role.ADMIN)
@loads("platform_id", Platform)
def approve(platform: Platform):
    """Accept launches from a dynamically registered platform."""
    with attempt() as done:
        registration.approve(platform)
    if done:
        flash(_("Plataforma %(issuer)s aprobada.", issuer=platform.issuer), "success")
    return redirect(url_for("lti.platforms"))
