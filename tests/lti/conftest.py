"""LTI fixtures: a test platform on 127.0.0.1, registered with the tool."""

from urllib.parse import parse_qs, urlsplit

import pytest

from lms.lti import platform_keys, platforms
from tests.lti.platform import Platform


@pytest.fixture
def platform(app):
    """A running test platform (not yet registered)."""
    running = Platform(app.config["BASE_URL"]).start()
    platform_keys.forget()
    yield running
    running.stop()


@pytest.fixture
def registered(db, platform):
    """The test platform, registered with the tool."""
    platforms.register(**platform.registration())
    return platform


def login(client, platform, user="profe"):
    """Start a login as the platform would; the authorization request's parameters."""
    response = client.get("/lti/login", query_string=platform.login_params(user))
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == platform.base + "/auth"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def launch(client, platform, user="profe", **overrides):
    """A whole login → launch; the launch response."""
    query = login(client, platform, user)
    token = platform.authorize(query, **overrides)
    return client.post("/lti/launch", data={"id_token": token, "state": query["state"]})
