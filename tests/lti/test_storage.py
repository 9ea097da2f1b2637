"""LTI client-side postMessage storage through the HTTP client: the login page that stores
state and nonce in the platform's frame, and the launch that reads them back without the
state cookie (the browser side is tests/browser/test_lti_storage.py)."""

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from lms.lti.models import Account, LoginState


def _storage_login(client, platform) -> dict:
    response = client.get("/lti/login", query_string=platform.login_params())
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "/static/lti-storage.js" in body
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert any(h.startswith("lti1p3-state-") for h in response.headers.getlist("Set-Cookie"))
    data = dict(re.findall(r'data-(\w+)="([^"]*)"', body))
    assert data["mode"] == "login" and data["target"] == "_parent"
    assert data["origin"] == platform.base
    url = data["url"].replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["state"] == data["state"] and query["nonce"] == data["nonce"]
    return query


def _post(app, token, state, **stored):
    # A fresh client: the browser that blocks third-party cookies sends no state cookie.
    form = {"id_token": token, "state": state, "lti_storage_target": "_parent", **stored}
    return app.test_client().post("/lti/launch", data=form)


def test_launch_without_the_cookie_reads_state_and_nonce_back_from_the_platform(
        app, client, db, registered):
    registered.storage = True
    query = _storage_login(client, registered)
    token = registered.authorize(query)
    page = _post(app, token, query["state"])
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body
    assert f'data-nonce="{query["nonce"]}"' in body and 'name="lti_storage_checked"' in body
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    stored = {"lti_storage_checked": "1", "lti_storage_state": query["state"],
              "lti_storage_nonce": query["nonce"]}
    done = _post(app, token, query["state"], **stored)
    assert done.status_code == 302 and done.headers["Location"].endswith("/lti/inicio")
    assert db.session.scalar(select(func.count()).select_from(LoginState)) == 0
    replay = _post(app, token, query["state"], **stored)
    assert replay.status_code == 400 and "ya fue usado" in replay.get_data(as_text=True)


def test_launch_refused_when_the_platform_storage_does_not_hold_the_pair(app, client, db,
                                                                         registered):
    registered.storage = True
    query = _storage_login(client, registered)
    token = registered.authorize(query)
    checked = {"lti_storage_checked": "1"}
    for stored, words in (({}, "cookie de estado"),
                          ({"lti_storage_state": "otro"}, "cookie de estado"),
                          ({"lti_storage_state": query["state"],
                            "lti_storage_nonce": "otro"}, "ya fue usado")):
        refused = _post(app, token, query["state"], **checked, **stored)
        assert refused.status_code == 400 and words in refused.get_data(as_text=True)
        assert not [h for h in refused.headers.getlist("Set-Cookie")
                    if h.startswith("session=") and not h.startswith("session=;")]
    # The login is still there: the refusals consumed nothing.
    assert db.session.scalar(select(func.count()).select_from(LoginState)) == 1
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
