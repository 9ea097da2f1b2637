"""Security headers on every route of the URL map, anonymous and signed in."""

import pytest

from tests.test_access import _client_as, _method, _rules, _url, world  # noqa: F401 - fixture

PUBLIC_CACHE = {
    "certificates.jwks", "certificates.status_list", "certificates.status_list_credential",
    "lti.jwks",
}


def _check(response, endpoint):
    h = response.headers
    problems = []
    csp = h.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'"):
        if directive not in csp:
            problems.append(f"CSP without {directive}")
    if "unsafe-inline" in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP not strict: {csp}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    problems += [f"{k}={h.get(k)}" for k, v in expected.items() if h.get(k) != v]
    if "camera=()" not in h.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    cache = h.get("Cache-Control", "")
    if endpoint in PUBLIC_CACHE:
        if "public" not in cache:
            problems.append(f"Cache-Control {cache!r}")
    elif "no-store" not in cache:
        problems.append(f"Cache-Control {cache!r}")
    return problems


@pytest.mark.parametrize("who", ["anonymous", "A", "T", "N"])
def test_every_route_sends_the_security_headers(app, client, world, who):  # noqa: F811
    users, tokens, args, indicator = world
    browser = client if who == "anonymous" else _client_as(app, users[who])
    failures = []
    for rule in _rules(app):
        url = _url(rule, args, indicator)
        headers = {}
        if rule.endpoint.startswith("api.") and who != "anonymous":
            headers["Authorization"] = f"Bearer {tokens[who]}"
        response = browser.open(url, method=_method(rule), headers=headers)
        failures += [f"{rule.endpoint} {url}: {p}" for p in _check(response, rule.endpoint)]
    assert not failures, "\n".join(failures)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://formacion.example.gov.co")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_stay_cacheable(client):
    response = client.get("/static/app.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        "/grupos/2147483648",
        "/sesiones/99999999999999999999999/asistencia",
        "/asistencia/9223372036854775808/ABC",
        "/personas/2147483648",
        "/admin/certificados/lotes/2147483648",
    ],
)
def test_ids_beyond_the_integer_range_are_404_not_500(client, login, admin, url):
    login(admin)
    assert client.get(url).status_code == 404
