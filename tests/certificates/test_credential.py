"""Open Badges 3.0 credential of every document: schema, JWT with joserfc, status bit, LinkedIn."""

import base64
import calendar
import gzip
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet
from jsonschema import Draft201909Validator

from lms.certificates.statuslist import SIZE, bit
from tests.certificates.conftest import completed_enrollment

SCHEMA = json.loads((Path(__file__).parent.parent / "data" /
                     "ob_v3p0_achievementcredential_schema.json").read_text())


def _keys(client) -> KeySet:
    return KeySet.import_key_set(client.get("/.well-known/jwks.json").get_json())


def _status_bit(client, index: int) -> int:
    token = client.get("/.well-known/status-list/credential.jwt").get_data(as_text=True)
    listing = jwt.decode(token, _keys(client), algorithms=["ES256"]).claims
    assert "BitstringStatusListCredential" in listing["type"]
    subject = listing["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    return bit(subject["encodedList"], index)


def test_credential_json_validates_against_the_official_schema(client, issued, completed):
    response = client.get(f"/v/{issued.code}/credential.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    errors = sorted(Draft201909Validator(SCHEMA).iter_errors(body), key=str)
    assert not errors, [e.message for e in errors]
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    issuer = body["issuer"]
    assert issuer["name"].startswith("Alcaldía") and issuer["url"] == "http://localhost"
    assert issuer["otherIdentifier"][0]["identifierType"] == "ext:NIT"
    subject = body["credentialSubject"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", subject["id"]) and subject["id"] == \
        issued.subject_id
    assert completed.person.document_number not in json.dumps(body)
    achievement = subject["achievement"]
    assert achievement["name"] == issued.course_name
    assert "20 horas" in achievement["description"]
    assert "80 %" in achievement["criteria"]["narrative"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["tag"] == [f"MGA:{completed.cohort.course.product_code}"]
    status = body["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert int(status["statusListIndex"]) == issued.status_index
    # Broken on purpose: the schema must be able to say no.
    assert list(Draft201909Validator(SCHEMA).iter_errors({**body, "type": ["Badge"]}))


def test_credential_jwt_verifies_with_joserfc_against_the_published_keys(client, issued):
    response = client.get(f"/v/{issued.code}/credential.jwt")
    assert response.status_code == 200
    token = response.get_data(as_text=True)
    decoded = jwt.decode(token, _keys(client), algorithms=["ES256"])
    assert decoded.header == {"alg": "ES256", "kid": issued.kid, "typ": "JWT"}
    claims = decoded.claims
    body = client.get(f"/v/{issued.code}/credential.json").get_json()
    assert claims["iss"] == body["issuer"]["id"]
    assert claims["jti"] == body["id"] == f"http://localhost/v/{issued.code}"
    assert claims["sub"] == body["credentialSubject"]["id"]
    assert claims["nbf"] == calendar.timegm(issued.issued_at.timetuple())
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub")} == body
    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    try:
        jwt.decode(forged, _keys(client), algorithms=["ES256"])
    except Exception:  # noqa: BLE001 - any refusal will do
        pass
    else:
        raise AssertionError("a forged credential verified")
    assert client.get("/v/ABCD-EFGH-JKMN-PQRS-T/credential.jwt").status_code == 404


def test_revoking_and_correcting_flip_the_status_bit(client, issued, login, admin):
    from lms.certificates.issue import issue_for
    from lms.certificates.lifecycle import supersede

    other = issue_for(completed_enrollment())
    assert other.status_index != issued.status_index
    assert 0 <= issued.status_index < SIZE >= 131_072
    assert _status_bit(client, issued.status_index) == 0
    assert _status_bit(client, other.status_index) == 0
    login(admin)
    client.post(f"/admin/certificados/{issued.code}/revocar",
                data={"reason": "Asistencia registrada por error"})
    assert _status_bit(client, issued.status_index) == 1
    assert _status_bit(client, other.status_index) == 0
    new = supersede(other, {"holder_name": "Nombre Corregido"})
    assert _status_bit(client, other.status_index) == 1
    assert _status_bit(client, new.status_index) == 0


def test_list_holds_every_index_and_hides_the_count(client, issued):
    token = client.get("/.well-known/status-list/credential.jwt").get_data(as_text=True)
    encoded = jwt.decode(token, _keys(client)).claims["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == SIZE


def test_portal_offers_the_credential_and_linkedin(client, issued):
    html = client.post("/certificados", data={"document_type": "CC",
                                              "document_number": "1090123456",
                                              "birth_date": "1990-03-04"}).get_data(as_text=True)
    assert "Descargar credencial digital" in html
    assert f"/v/{issued.code}/credential.jwt" in html
    link = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [issued.course_name]
    assert query["organizationName"][0].startswith("Alcaldía")
    assert query["issueYear"] == [str(issued.issued_at.year)]
    assert query["issueMonth"] == [str(issued.issued_at.month)]
    assert query["certUrl"] == [f"http://localhost/v/{issued.code}"]
    assert query["certId"] == [issued.code]
    page = client.get(f"/v/{issued.code}").get_data(as_text=True)
    assert "Descargar credencial digital" in page
