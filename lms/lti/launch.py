"""OIDC third-party login and the validation of an LTI 1.3 launch (IMS Security Framework).

The login stores its state and nonce in the database (``LoginState``); the launch deletes
that row in the same statement that checks it, so a token is accepted once, on whichever
worker it arrives. The nonce check comes last: a forged token cannot burn a real login.

The browser binding is the state cookie, or, when the platform offers LTI client-side
postMessage storage and the cookie is blocked, the state and nonce the tool's page stored in
the platform's frame at login and read back at launch (``stored``); either way the nonce is
then consumed by the same single statement.
"""

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app
from joserfc import jws, jwt
from joserfc.errors import JoseError
from sqlalchemy import delete

from lms.extensions import db
from lms.lti import platform_keys, platforms
from lms.lti.models import LoginState, Platform
from lms.timeutil import utcnow

#: Minutes a login may take between initiation and launch.
LOGIN_MINUTES = 10
#: Clock skew tolerated on exp/iat (seconds).
LEEWAY = 60
#: Prefix of the browser cookie that binds a state to the browser that started the login.
STATE_COOKIE = "lti1p3-state-"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
NONCE_USED = ("Este ingreso ya fue usado o venció (nonce). Vuelva a abrir la actividad desde "
              "su plataforma.")
MESSAGE_TYPES = {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}


class LaunchError(Exception):
    """A login or launch refused; the message is shown to the person (Spanish)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message, self.reason = message, reason


@dataclass
class Launch:
    """A validated launch: the platform and the id_token's claims."""

    platform: Platform
    claims: dict = field(repr=False)

    def claim(self, name: str, default=None):
        """The LTI claim ``name`` (without the IMS prefix)."""
        return self.claims.get(LTI + name, default)

    @property
    def message_type(self) -> str:
        """LtiResourceLinkRequest or LtiDeepLinkingRequest."""
        return self.claim("message_type")

    @property
    def deployment_id(self) -> str:
        """The deployment the launch came from."""
        return self.claim("deployment_id")


def redirect_uri() -> str:
    """Where the platform posts the id_token."""
    return current_app.config["BASE_URL"] + "/lti/launch"


def begin_login(params: dict) -> tuple[str, str, str]:
    """Start a login for the platform ``params`` name: (URL to redirect to, state, nonce)."""
    issuer, hint = params.get("iss"), params.get("login_hint")
    if not issuer or not hint:
        raise LaunchError("La plataforma no envió el emisor (iss) ni el login_hint.",
                          "missing_params")
    platform = platforms.find(issuer, params.get("client_id"))
    if platform is None or not platform.approved:
        raise LaunchError("Esta plataforma no está registrada (o no ha sido aprobada) en el "
                          "servicio. Pida al administrador que la registre.", "unknown_platform")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.session.add(LoginState(state=state, nonce=nonce, platform_id=platform.id,
                              expires_at=utcnow() + timedelta(minutes=LOGIN_MINUTES)))
    db.session.execute(delete(LoginState).where(LoginState.expires_at < utcnow()))
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": platform.client_id, "redirect_uri": redirect_uri(),
        "state": state, "nonce": nonce, "login_hint": hint,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return platform.auth_login_url + separator + urlencode(query), state, nonce


def _unverified(id_token: str) -> tuple[dict, dict]:
    try:
        compact = jws.extract_compact(id_token.encode())
        return compact.headers(), json.loads(compact.payload)
    except (JoseError, ValueError, TypeError) as exc:
        raise LaunchError("El token de la plataforma no es un JWT válido.", "malformed") from exc


def _audience(claims: dict) -> list[str]:
    aud = claims.get("aud")
    return [aud] if isinstance(aud, str) else list(aud or [])


def _platform_of(unverified: dict) -> Platform | None:
    audience = _audience(unverified)
    platform = next((p for p in (platforms.find(str(unverified.get("iss")), c)
                                 for c in audience[:5]) if p is not None), None)
    return platform if platform is not None and platform.approved else None


def storage_request(id_token: str | None) -> tuple[str, str]:
    """For a launch without the state cookie: (platform origin, nonce) the page asks the
    platform's storage for; the token is only read here, ``validate`` checks it."""
    _header, unverified = _unverified(id_token or "")
    platform = _platform_of(unverified)
    if platform is None:
        raise LaunchError("El token no está dirigido a este servicio o la plataforma no está "
                          "registrada (iss/aud).", "audience")
    return platforms.origin(platform.auth_login_url), str(unverified.get("nonce") or "")


def validate(id_token: str | None, state: str | None, cookies: dict,
             stored: dict | None = None) -> Launch:
    """Check everything the spec requires of a launch, then consume its state and nonce;
    ``stored`` holds the state and nonce read back from the platform's postMessage storage."""
    if not id_token or not state:
        raise LaunchError("La plataforma no envió el id_token y el state.", "missing_params")
    stored = stored or {}
    by_storage = cookies.get(STATE_COOKIE + state) != state and stored.get("state") == state
    if cookies.get(STATE_COOKIE + state) != state and not by_storage:
        raise LaunchError("Este navegador no inició el ingreso (falta la cookie de estado). "
                          "Vuelva a abrir la actividad desde su plataforma; si el navegador "
                          "bloquea cookies de terceros, ábrala en una pestaña nueva.",
                          "state_cookie")
    header, unverified = _unverified(id_token)
    platform = _platform_of(unverified)
    if platform is None:
        raise LaunchError("El token no está dirigido a este servicio o la plataforma no está "
                          "registrada (iss/aud).", "audience")
    claims = _verified(id_token, header, platform)
    _check_claims(claims, platform)
    launch = Launch(platform, claims)
    if not platforms.has_deployment(platform, str(launch.deployment_id)):
        raise LaunchError("La instalación (deployment) de la plataforma no está registrada.",
                          "deployment")
    if launch.message_type not in MESSAGE_TYPES or launch.claim("version") != "1.3.0":
        raise LaunchError("Tipo de mensaje o versión de LTI no admitidos.", "message_type")
    if by_storage and stored.get("nonce") != claims.get("nonce"):
        raise LaunchError(NONCE_USED, "nonce")
    _consume(state, str(claims.get("nonce") or ""), platform)
    return launch


def _verified(id_token: str, header: dict, platform: Platform) -> dict:
    try:
        keys = platform_keys.key_set(platform.jwks_url, header.get("kid"))
    except platform_keys.KeyFetchError as exc:
        raise LaunchError("No se pudieron obtener las claves públicas de la plataforma.",
                          "jwks") from exc
    try:
        return jwt.decode(id_token, keys, algorithms=["RS256", "RS384", "RS512",
                                                     "ES256"]).claims
    except (JoseError, ValueError) as exc:
        raise LaunchError("La firma del token no es válida.", "signature") from exc


def _check_claims(claims: dict, platform: Platform) -> None:
    audience, now = _audience(claims), time.time()
    if platform.client_id not in audience or (
        len(audience) > 1 and claims.get("azp") != platform.client_id
    ) or ("azp" in claims and claims["azp"] != platform.client_id):
        raise LaunchError("El token no está dirigido a este servicio (aud/azp).", "audience")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp < now - LEEWAY:
        raise LaunchError("El ingreso venció. Vuelva a abrir la actividad desde su "
                          "plataforma.", "expired")
    if not isinstance(iat, int | float) or iat > now + LEEWAY:
        raise LaunchError("La fecha de emisión del token no es válida.", "iat")
    if not claims.get("sub") and claims.get(LTI + "message_type") == "LtiResourceLinkRequest":
        raise LaunchError("El token no identifica a la persona (sub).", "sub")


def _consume(state: str, nonce: str, platform: Platform) -> None:
    # One statement checks and uses the pair: a second launch (any worker) deletes nothing.
    deleted = db.session.execute(delete(LoginState).where(
        LoginState.state == state, LoginState.nonce == nonce,
        LoginState.platform_id == platform.id, LoginState.expires_at >= utcnow(),
    )).rowcount
    if deleted != 1:
        raise LaunchError(NONCE_USED, "nonce")
