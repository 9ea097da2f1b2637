"""The LTI endpoints platforms call: login initiation, launch, key set, configuration;
and the landing page of a launched session (rules in blueprint.py)."""

from flask import jsonify, make_response, redirect, render_template, request, session, url_for

from lms import log
from lms.extensions import db
from lms.lti import accounts, frame, keys, platforms
from lms.lti.launch import (
    STATE_COOKIE,
    LaunchError,
    begin_login,
    redirect_uri,
    storage_request,
    validate,
)
from lms.lti.models import Context
from lms.security import frameable
from lms.web import fail_request

framers = frameable(platforms.frame_origins)
#: The parameter naming the platform's frame for LTI client-side postMessage storage.
STORAGE_TARGET = "lti_storage_target"


def _refused(exc: LaunchError):
    # Nothing the launch wrote is kept, and no session is opened.
    log.failure("lti.refused", reason=exc.reason)
    fail_request()
    session.clear()
    return render_template("lti/error.html", message=exc.message), 400


@framers
def login():
    """OIDC login initiation: remember state and nonce, send the browser to the platform."""
    try:
        url, state, nonce = begin_login(request.values)
    except LaunchError as exc:
        return _refused(exc)
    target = request.values.get(STORAGE_TARGET)
    if target:
        # The platform offers postMessage storage: a page stores state and nonce there too.
        response = make_response(render_template(
            "lti/storage_login.html", url=url, state=state, nonce=nonce, target=target[:100],
            origin=platforms.origin(url)))
    else:
        response = redirect(url)
    frame.set_state_cookie(response, state)
    return response


@framers
def launch():
    """The platform posts the id_token here: validate it and open the framed session."""
    form, state = request.form, request.form.get("state") or ""
    try:
        if (form.get(STORAGE_TARGET) and "lti_storage_checked" not in form
                and request.cookies.get(STATE_COOKIE + state) != state):
            # No state cookie (blocked in the frame): read state and nonce back first.
            origin, nonce = storage_request(form.get("id_token"))
            return render_template("lti/storage_launch.html", origin=origin, nonce=nonce,
                                   state=state, target=form[STORAGE_TARGET][:100],
                                   id_token=form.get("id_token"))
        message = validate(form.get("id_token"), state, request.cookies, {
            "state": form.get("lti_storage_state"), "nonce": form.get("lti_storage_nonce")})
    except LaunchError as exc:
        return _refused(exc)
    account, user, context = accounts.admit(message)
    frame.start(message, account, user, context, accounts.return_origin(message))
    response = redirect(url_for("lti.home"))
    response.delete_cookie(STATE_COOKIE + state, path="/lti/", secure=True,
                           samesite="None", partitioned=True)
    return response


@framers
def home():
    """Where a launch lands: the instructor's cohort or the learner's progress."""
    data = frame.launch_data()
    if not data:
        return render_template("lti/error.html", message=(
            "Esta página se abre desde la plataforma de aprendizaje (LMS).")), 403
    if data.get("deep_link") and data["role"] == "instructor":
        return redirect(url_for("lti.deep_link"))
    if data["role"] == "learner":
        return redirect(url_for("lti.learner"))
    cohort = accounts.cohort_by_code(data.get("cohort"))
    if cohort is not None:
        return redirect(url_for("courses.cohort", cohort_id=cohort.id))
    context = db.session.get(Context, data["context"]) if data.get("context") else None
    if context is not None and context.cohort_id:
        return redirect(url_for("courses.cohort", cohort_id=context.cohort_id))
    if context is not None:
        return redirect(url_for("lti.link"))
    return render_template("lti/home.html", lti=data)


def jwks():
    """The tool's public keys (platforms verify our client assertions with them)."""
    response = jsonify(keys.public_jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def config_json():
    """The tool configuration to paste into Canvas (Developer Keys → LTI Key → paste JSON)."""
    base = redirect_uri().removesuffix("/lti/launch")
    return jsonify({
        "title": "Formación TIC Cúcuta",
        "description": "Asistencia, constancias y certificados de la Oficina TIC de Cúcuta.",
        "oidc_initiation_url": f"{base}/lti/login",
        "target_link_uri": f"{base}/lti/launch",
        "public_jwk_url": f"{base}/lti/jwks",
        "scopes": list(accounts.TOOL_SCOPES),
        "extensions": [{
            "platform": "canvas.instructure.com",
            "privacy_level": "public",
            "settings": {"placements": [
                {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest",
                 "text": "Asistencia y certificados"},
                {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest",
                 "text": "Asistencia y certificado del grupo"},
            ]},
        }],
        "custom_fields": {},
    })
