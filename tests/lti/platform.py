"""A small LTI 1.3 platform for the tests, built on joserfc: its own key pair, a JWKS, an
OIDC authorization endpoint, an OAuth2 token endpoint checking the tool's signed client
assertion, AGS line items and scores, and an NRPS roster, served on 127.0.0.1."""

import json
import secrets
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
]

#: The platform page's side of LTI client-side postMessage storage: it answers
#: lti.capabilities, lti.put_data and lti.get_data, keeping values per tool origin.
STORAGE_SCRIPT = """<script>
window.ltiStored = {};
window.addEventListener("message", function (event) {
  var m = event.data || {}, reply = {message_id: m.message_id, subject: m.subject + ".response"};
  var key = event.origin + " " + m.key;
  if (m.subject === "lti.capabilities") {
    reply.supported_messages = [{subject: "lti.capabilities"}, {subject: "lti.put_data"},
                                {subject: "lti.get_data"}];
    return event.source.postMessage(reply, event.origin);
  }
  if (m.subject === "lti.put_data") { window.ltiStored[key] = m.value; }
  if (m.subject !== "lti.put_data" && m.subject !== "lti.get_data") { return; }
  reply.key = m.key;
  reply.value = window.ltiStored[key];
  event.source.postMessage(reply, event.origin);
});
</script>"""


class Platform:
    """The platform: registration values, users, and what its services received."""

    def __init__(self, tool_base: str, client_id: str = "cliente-123",
                 deployment_id: str = "dep-1", host: str = "127.0.0.1"):
        self.key = RSAKey.generate_key(2048, parameters={"alg": "RS256", "use": "sig"},
                                       private=True)
        self.kid = self.key.thumbprint()
        self.client_id, self.deployment_id, self.tool_base = client_id, deployment_id, tool_base
        self.users = {
            "profe": {"sub": "u-profe", "name": "Ana Docente", "roles": [INSTRUCTOR]},
            "estudiante": {"sub": "u-est", "name": "Luis Estudiante", "roles": [LEARNER]},
        }
        self.context = {"id": "curso-42", "title": "Alfabetización digital 2026"}
        self.tool_jwks: dict | None = None  # set by the test (the tool's /lti/jwks)
        self.lineitems: list[dict] = []
        self.scores: list[dict] = []
        self.tokens_issued = 0
        self.fail_scores = 0  # answer 500 to this many score posts
        self.members: list[dict] = []
        self.registrations: list[dict] = []
        self.registration_auth: str | None = None
        self.config_fetches = 0  # GETs of the OpenID configuration
        #: Offer LTI client-side postMessage storage (``lti_storage_target``).
        self.storage = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        # ``host="localhost"`` puts the platform on another site than a tool on 127.0.0.1.
        self.base = f"http://{host}:{self.server.server_port}"
        # Checks for shutdown every 50 ms, not the default 0.5 s that every test waited out.
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    # Registration values, as an LMS shows them to its admin.
    @property
    def issuer(self) -> str:
        """The platform's iss."""
        return self.base

    def registration(self) -> dict:
        """Arguments of the tool's platform registration."""
        return {"issuer": self.issuer, "client_id": self.client_id,
                "deployment_ids": [self.deployment_id],
                "auth_login_url": self.base + "/auth", "token_url": self.base + "/token",
                "jwks_url": self.base + "/jwks"}

    def start(self) -> "Platform":
        """Serve in a thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def jwks(self) -> dict:
        """The platform's public key set."""
        return KeySet([self.key]).as_dict(private=False)

    def login_params(self, user: str = "profe") -> dict:
        """What the platform sends to the tool's login initiation URL."""
        params = {"iss": self.issuer, "login_hint": user, "lti_message_hint": "ctx-42",
                  "target_link_uri": self.tool_base + "/lti/launch", "client_id": self.client_id}
        return params | ({"lti_storage_target": "_parent"} if self.storage else {})

    def claims(self, user: str, nonce: str, message_type: str = "LtiResourceLinkRequest",
               **overrides) -> dict:
        """The id_token claims of a launch of ``user``."""
        now = int(time.time())
        person = self.users[user]
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": person["sub"],
            "name": person["name"], "iat": now, "exp": now + 300, "nonce": nonce,
            LTI + "message_type": message_type, LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": self.tool_base + "/lti/launch",
            LTI + "resource_link": {"id": "rl-1", "title": "Asistencia"},
            LTI + "roles": person["roles"], LTI + "context": self.context,
            LTI + "custom": person.get("custom", {}),
            AGS: {"scope": SCOPES, "lineitems": self.base + "/lineitems"},
            NRPS: {"context_memberships_url": self.base + "/memberships",
                   "service_versions": ["2.0"]},
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict, key: RSAKey | None = None) -> str:
        """Sign ``claims`` with the platform's key (or ``key``, with the platform's kid)."""
        return jwt.encode({"alg": "RS256", "kid": self.kid}, claims, key or self.key)

    def authorize(self, query: dict, **overrides) -> str:
        """The OIDC authorization endpoint: check the request, return the id_token."""
        assert query["scope"] == "openid" and query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post" and query["prompt"] == "none"
        assert query["client_id"] == self.client_id
        assert query["redirect_uri"] == self.tool_base + "/lti/launch"
        return self.sign(self.claims(query["login_hint"], query["nonce"], **overrides))

    def check_assertion(self, assertion: str) -> None:
        """Verify the tool's client assertion with the tool's published keys."""
        token = jwt.decode(assertion, KeySet.import_key_set(self.tool_jwks),
                           algorithms=["RS256"])
        claims = token.claims
        assert claims["iss"] == claims["sub"] == self.client_id
        assert claims["aud"] in (self.base + "/token", [self.base + "/token"])
        assert claims["exp"] > time.time()


def _handler(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body, content_type="application/json", headers=None):
            data = body if isinstance(body, bytes) else (
                body.encode() if isinstance(body, str) else json.dumps(body).encode())
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _authorized(self) -> bool:
            return self.headers.get("Authorization", "").startswith("Bearer tok-")

        def do_GET(self):  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/jwks":
                return self._send(200, platform.jwks())
            if url.path == "/.well-known/openid-configuration":
                platform.config_fetches += 1
                return self._send(200, {
                    "issuer": platform.issuer, "authorization_endpoint": platform.base + "/auth",
                    "token_endpoint": platform.base + "/token", "jwks_uri": platform.base + "/jwks",
                    "registration_endpoint": platform.base + "/register",
                    "scopes_supported": ["openid", *SCOPES],
                    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                        "product_family_code": "moodle", "version": "4.3"}})
            if url.path == "/auth":
                token = platform.authorize(query)
                page = (f'<!doctype html><html lang="es"><head><title>Plataforma</title></head>'
                        '<body><form id="f" method="post" '
                        f'action="{escape(query["redirect_uri"])}">'
                        f'<input type="hidden" name="id_token" value="{token}">'
                        f'<input type="hidden" name="state" value="{escape(query["state"])}">'
                        + ('<input type="hidden" name="lti_storage_target" value="_parent">'
                           if platform.storage else '') +
                        '</form><script>document.getElementById("f").submit()</script></body></html>')
                return self._send(200, page, "text/html; charset=utf-8")
            if url.path == "/course":
                params = platform.login_params(query.get("user", "profe"))
                src = platform.tool_base + "/lti/login?" + "&".join(
                    f"{k}={escape(v)}" for k, v in params.items())
                page = ('<!doctype html><html lang="es"><head><title>Curso en la plataforma</title>'
                        '</head><body><main><h1>Curso</h1>'
                        f'<iframe id="tool" title="Herramienta" src="{src}" '
                        'width="1100" height="800">'
                        '</iframe></main>' + (STORAGE_SCRIPT if platform.storage else '')
                        + '</body></html>')
                return self._send(200, page, "text/html; charset=utf-8")
            if not self._authorized():
                return self._send(401, {"error": "unauthorized"})
            if url.path == "/lineitems":
                items = [i for i in platform.lineitems
                         if not query.get("resource_id") or i["resourceId"] == query["resource_id"]]
                return self._send(200, items, "application/vnd.ims.lis.v2.lineitemcontainer+json")
            if url.path == "/memberships":
                return self._send(200, {"id": platform.base + "/memberships",
                                        "context": platform.context, "members": platform.members},
                                  "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
            return self._send(404, {"error": "not found"})

        def do_POST(self):  # noqa: N802
            url = urlsplit(self.path)
            body = self._body()
            if url.path == "/register":
                platform.registration_auth = self.headers.get("Authorization")
                platform.registrations.append(json.loads(body))
                return self._send(200, {
                    "client_id": platform.client_id, **platform.registrations[-1],
                    "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                        "deployment_id": platform.deployment_id}})
            if url.path == "/token":
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                assert form["grant_type"] == "client_credentials"
                assert form["client_assertion_type"] == (
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                platform.check_assertion(form["client_assertion"])
                platform.tokens_issued += 1
                return self._send(200, {"access_token": f"tok-{secrets.token_hex(8)}",
                                        "token_type": "Bearer", "expires_in": 3600,
                                        "scope": form.get("scope", "")})
            if not self._authorized():
                return self._send(401, {"error": "unauthorized"})
            if url.path == "/lineitems":
                item = json.loads(body)
                item["id"] = f"{platform.base}/lineitems/{len(platform.lineitems) + 1}"
                platform.lineitems.append(item)
                return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
            if url.path.startswith("/lineitems/") and url.path.endswith("/scores"):
                if platform.fail_scores > 0:
                    platform.fail_scores -= 1
                    return self._send(500, {"error": "boom"})
                score = json.loads(body)
                score["lineitem"] = platform.base + url.path.removesuffix("/scores")
                platform.scores.append(score)
                return self._send(200, {})
            return self._send(404, {"error": "not found"})

    return Handler
