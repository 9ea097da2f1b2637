"""The tool's key set and configuration."""


def test_jwks_publishes_the_tool_key_and_keeps_the_previous_one_after_rotation(client, runner):
    first = client.get("/lti/jwks").get_json()["keys"]
    assert len(first) >= 1 and all("d" not in k for k in first)
    result = runner.invoke(args=["lms", "lti-rotate-key"])
    assert result.exit_code == 0
    new_kid = result.output.strip().split()[-1]
    after = [k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]]
    assert after[0] == new_kid and first[0]["kid"] in after


def test_jwks_is_not_the_certificate_key_set(client):
    lti = {k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]}
    certificates = client.get("/.well-known/jwks.json")
    assert certificates.status_code == 200
    assert not lti & {k.get("kid") for k in certificates.get_json()["keys"]}


def test_config_json_for_canvas(client):
    config = client.get("/lti/config.json").get_json()
    assert config["oidc_initiation_url"] == "http://localhost/lti/login"
    assert config["target_link_uri"] == "http://localhost/lti/launch"
    assert config["public_jwk_url"] == "http://localhost/lti/jwks"
    assert any("lti-ags/scope/score" in s for s in config["scopes"])
