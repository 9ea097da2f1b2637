"""Deep Linking 2.0: the instructor picks a cohort; the tool answers the platform with a
signed LtiDeepLinkingResponse whose content item carries the cohort (custom ``cohort``)."""

import secrets
import time

from flask import current_app
from joserfc import jwt

from lms.audit.services import record
from lms.courses.models import Cohort
from lms.extensions import db
from lms.lti import keys
from lms.lti.launch import LTI
from lms.lti.linking import managed_cohort
from lms.lti.models import Platform

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
#: The custom parameter naming the cohort in the links the tool hands out.
COHORT_PARAM = "cohort"


def settings_of(claims: dict) -> dict:
    """What the session keeps of a deep-linking request (return URL and opaque data)."""
    settings = claims.get(DL + "deep_linking_settings") or {}
    return {"return_url": settings.get("deep_link_return_url"), "data": settings.get("data")}


def title(cohort: Cohort) -> str:
    """The link's title in the LMS."""
    return f"Asistencia y certificado del grupo {cohort.code}"


def answer(platform_id: int, deployment_id: str, settings: dict, cohort_id, user) -> str:
    """The signed answer for the cohort the instructor picked (one they manage)."""
    cohort = managed_cohort(cohort_id, user)
    return response_token(db.session.get(Platform, platform_id), deployment_id, settings, cohort)


def response_token(platform: Platform, deployment_id: str, settings: dict,
                   cohort: Cohort) -> str:
    """The signed LtiDeepLinkingResponse carrying one link to ``cohort``."""
    key, now = keys.signing_key(), int(time.time())
    item = {
        "type": "ltiResourceLink", "title": title(cohort),
        "url": current_app.config["BASE_URL"] + "/lti/launch",
        "custom": {COHORT_PARAM: cohort.code},
        "lineItem": {"label": "Asistencia (%)", "scoreMaximum": 100, "resourceId": cohort.code,
                     "tag": "asistencia"},
    }
    claims = {
        "iss": platform.client_id, "aud": platform.issuer, "iat": now, "exp": now + 600,
        "nonce": secrets.token_urlsafe(16), "azp": platform.client_id,
        LTI + "deployment_id": deployment_id, LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0", DL + "content_items": [item],
    }
    if settings.get("data"):
        claims[DL + "data"] = settings["data"]
    record("lti_deep_link", cohort, {"platform_id": platform.id})
    return jwt.encode({"alg": keys.ALG, "kid": key.kid, "typ": "JWT"}, claims, key)
