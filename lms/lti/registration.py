"""LTI Dynamic Registration 1.0: the LMS opens our registration URL with its OpenID
configuration and a one-time token; we register ourselves with it and keep the platform
waiting for an admin's approval before any launch is accepted.

The URL is only honoured with a one-time token an admin created on /admin/lti (``invite``):
the token is spent in the statement that checks it, before any URL is fetched, so nobody
else can make the server fetch URLs of their choosing."""

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.lti import platforms
from lms.lti.accounts import TOOL_SCOPES
from lms.lti.models import Platform, RegistrationToken
from lms.lti.platform_keys import fetch_json
from lms.timeutil import utcnow

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
#: Hours a registration link stays valid.
TOKEN_HOURS = 24
REFUSED = N_("Este enlace de registro no es válido, ya fue usado o venció. Pida al "
             "administrador del servicio un enlace de registro nuevo (se crea en "
             "Administración → LTI).")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user_id: int) -> tuple[str, datetime]:
    """Create a one-time registration token: (the clear token, shown once; its expiry)."""
    token, expires_at = secrets.token_urlsafe(32), utcnow() + timedelta(hours=TOKEN_HOURS)
    db.session.add(RegistrationToken(token_hash=_digest(token), created_by_id=user_id,
                                     expires_at=expires_at))
    return token, expires_at


def _spend(token: str | None) -> None:
    # One statement checks and uses the token: a second registration (any worker) updates
    # nothing. A refused registration rolls back, so its token can still be used.
    used = db.session.execute(update(RegistrationToken).where(
        RegistrationToken.token_hash == _digest(token or ""),
        RegistrationToken.used_at.is_(None), RegistrationToken.expires_at >= utcnow(),
    ).values(used_at=utcnow())).rowcount if token else 0
    if used != 1:
        raise ValidationError(label(REFUSED))


def tool_registration(base: str, scopes: list[str]) -> dict:
    """The client registration the tool sends to the platform."""
    host = base.split("://", 1)[1].split("/", 1)[0]
    return {
        "application_type": "web", "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{base}/lti/login", "redirect_uris": [f"{base}/lti/launch"],
        "client_name": "Formación TIC Cúcuta", "jwks_uri": f"{base}/lti/jwks",
        "token_endpoint_auth_method": "private_key_jwt", "scope": " ".join(scopes),
        TOOL_CONFIG: {
            "domain": host, "target_link_uri": f"{base}/lti/launch",
            "claims": ["iss", "sub", "name"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri":
                          f"{base}/lti/launch", "label": "Asistencia y certificado del grupo"}],
            "custom_parameters": {},
        },
    }


def register(openid_configuration: str, registration_token: str | None,
             invite: str | None) -> Platform:
    """Register with the platform whose configuration URL the LMS gave, pending approval;
    only with an admin's unused, unexpired one-time token (``invite``)."""
    _spend(invite)
    url = platforms.check_url(openid_configuration, "openid_configuration")
    try:
        status, config, _headers = fetch_json(url)
    except Exception as exc:  # network errors: a clear message, nothing written
        raise ValidationError(_("No se pudo leer la configuración de la plataforma.")) from exc
    issuer = str(config.get("issuer") or "")
    if status != 200 or not issuer or not url.startswith(issuer.rstrip("/")):
        raise ValidationError(_("La configuración de la plataforma no es válida (issuer)."))
    offered = set(config.get("scopes_supported") or TOOL_SCOPES)
    body = tool_registration(current_app.config["BASE_URL"],
                             [s for s in TOOL_SCOPES if s in offered])
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        status, answer, _headers = fetch_json(platforms.check_url(
            str(config.get("registration_endpoint") or ""), "registration_endpoint"),
            data=json.dumps(body).encode(), headers=headers)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_("La plataforma no respondió al registro.")) from exc
    client_id = answer.get("client_id") if status in (200, 201) else None
    if not client_id:
        raise ValidationError(_(
            "La plataforma rechazó el registro (HTTP %(status)s).",
            status=status,
        ))
    deployment = (answer.get(TOOL_CONFIG) or {}).get("deployment_id")
    product = (config.get(PLATFORM_CONFIG) or {}).get("product_family_code") or ""
    return platforms.register(
        issuer=issuer, client_id=str(client_id), deployment_ids=[str(deployment or "1")],
        auth_login_url=str(config.get("authorization_endpoint") or ""),
        token_url=str(config.get("token_endpoint") or ""),
        jwks_url=str(config.get("jwks_uri") or ""), name=str(product), approved=False)


def approve(platform: Platform) -> None:
    """Accept launches from a dynamically registered platform."""
    if platform.approved:
        raise ValidationError(_("La plataforma ya estaba aprobada."))
    platform.approved = True
