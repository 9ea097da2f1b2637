"""Deep Linking 2.0: the instructor picks a cohort; the link lands on it later."""

import re
from html import unescape

from joserfc import jwt
from joserfc.jwk import KeySet

from tests import factories
from tests.lti.conftest import launch
from tests.lti.platform import LTI
from tests.lti.test_framed import _lti_trainer

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def test_deep_link_picker_answers_a_signed_content_item(client, db, registered):
    request = {LTI + "message_type": "LtiDeepLinkingRequest",
               DL + "deep_linking_settings": {
                   "deep_link_return_url": registered.base + "/dl-return",
                   "accept_types": ["ltiResourceLink"], "data": "opaco-123"}}
    launch(client, registered, "profe", **request)
    cohort = factories.cohort(trainers=[_lti_trainer(db)], code="G-DL-1")
    other = factories.cohort(code="G-AJENO")
    assert client.get("/lti/inicio").headers["Location"].endswith("/lti/enlace-profundo")
    page = client.get("/lti/enlace-profundo").get_data(as_text=True)
    assert "G-DL-1" in page and "G-AJENO" not in page
    refused = client.post("/lti/enlace-profundo", data={"cohort_id": other.id})
    assert refused.status_code == 422
    answer = client.post("/lti/enlace-profundo", data={"cohort_id": cohort.id})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'action="{registered.base}/dl-return"' in body
    assert f"form-action 'self' {registered.base}" in answer.headers["Content-Security-Policy"]
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', body).group(1))
    claims = jwt.decode(token, KeySet.import_key_set(client.get("/lti/jwks").get_json()),
                        algorithms=["RS256"]).claims
    assert claims["aud"] == registered.issuer and claims["iss"] == registered.client_id
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[DL + "data"] == "opaco-123"
    [item] = claims[DL + "content_items"]
    assert item["title"] == "Asistencia y certificado del grupo G-DL-1"
    assert item["custom"] == {"cohort": "G-DL-1"}
    # The link the LMS stored carries the cohort: a launch of it opens the cohort directly.
    registered.users["profe"]["custom"] = item["custom"]
    launch(client, registered, "profe")
    assert client.get("/lti/inicio").headers["Location"].endswith(f"/grupos/{cohort.id}")
