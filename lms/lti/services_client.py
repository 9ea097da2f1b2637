"""Calling a platform's LTI Advantage services (AGS, NRPS) as the tool.

The access token comes from the platform's token URL through the client-credentials grant
with the tool's signed client assertion (RFC 7523), and is cached per platform and scopes
until shortly before it expires.
"""

import json
import secrets
import threading
import time
from urllib.parse import urlencode

from joserfc import jwt

from lms.lti import keys
from lms.lti.models import Platform
from lms.lti.platform_keys import fetch_json

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Seconds before expiry at which a cached token is renewed.
MARGIN = 60

_tokens: dict[tuple[int, str], tuple[str, float]] = {}
_lock = threading.Lock()


class ServiceError(Exception):
    """The platform refused or failed a service call (the task retries it)."""


def client_assertion(platform: Platform) -> str:
    """A short-lived JWT, signed with the tool's key, naming the tool to the token URL."""
    key = keys.signing_key()
    now = int(time.time())
    claims = {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url,
              "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(16)}
    return jwt.encode({"alg": keys.ALG, "kid": key.kid}, claims, key)


def access_token(platform: Platform, scopes: list[str]) -> str:
    """A bearer token for ``scopes``, from the cache or the platform's token URL."""
    cache_key = (platform.id, " ".join(sorted(scopes)))
    with _lock:
        cached = _tokens.get(cache_key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    body = urlencode({"grant_type": "client_credentials", "client_assertion_type":
                      ASSERTION_TYPE, "client_assertion": client_assertion(platform),
                      "scope": " ".join(scopes)}).encode()
    status, answer, _ = fetch_json(platform.token_url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    token = answer.get("access_token") if status == 200 else None
    if not token:
        raise ServiceError(f"token: HTTP {status}")
    expires = time.monotonic() + max(int(answer.get("expires_in") or 3600) - MARGIN, 1)
    with _lock:
        _tokens[cache_key] = (token, expires)
    return token


def call(platform: Platform, scopes: list[str], url: str, *, payload=None,
         content_type: str | None = None, accept: str = "application/json"):
    """GET ``url`` (or POST ``payload`` as JSON) with a bearer token; the JSON answer."""
    headers = {"Authorization": f"Bearer {access_token(platform, scopes)}", "Accept": accept}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = content_type or "application/json"
    status, answer, head = fetch_json(url, data=data, headers=headers)
    if status >= 300:
        raise ServiceError(f"{url.split('?')[0]}: HTTP {status}")
    return answer, head


def forget_tokens() -> None:
    """Empty the token cache (tests)."""
    with _lock:
        _tokens.clear()
