"""Online and offline verification, revocation, supersede chains, key rotation, rate limit."""

import base64
import io
import json
from decimal import Decimal

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.certificates.issue import issue_for
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment, legacy_jws, qr_text

KEYS = ["code", "status", "kind", "name", "doc", "course", "course_name", "hours", "completed",
        "issued", "sha256", "replaced_by"]


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_json_contract(client, issued):
    data = client.get(f"/v/{issued.code}.json").get_json()
    assert list(data) == KEYS
    assert data["status"] == "valid" and data["replaced_by"] is None
    assert data["doc"] == "CC ****3456" and data["name"] == "María José Núñez Ibáñez"
    assert data["kind"] == "constancia" and data["hours"] == 20
    assert data["completed"] == "2021-05-15" and data["sha256"] == issued.sha256
    # Lower case, no dashes and O for 0 still find it.
    sloppy = issued.code.lower().replace("-", "").replace("0", "o")
    assert client.get(f"/v/{sloppy}.json").get_json()["code"] == issued.code


def test_hours_in_the_record_are_the_signed_claim(client, db):
    for hours, shown in (("20", '"hours": 20,'), ("12.5", '"hours": 12.5,')):
        course = factories.course(hours=Decimal(hours))
        cert = issue_for(completed_enrollment(factories.cohort(course=course)))
        legacy_jws(cert)  # the JSON claim of documents issued before the compact QR
        body = client.get(f"/v/{cert.code}.json").get_data(as_text=True)
        assert shown in body  # 20, never 20.0
        payload = cert.jws.split(".")[1]
        signed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert repr(json.loads(body)["hours"]) == repr(signed["hours"])


def test_unknown_code_is_a_clear_404(client, db):
    response = client.get("/v/ABCD-EFGH-JKMN-PQRS-G.json")  # well formed, never issued
    assert response.status_code == 404
    assert "No existe un documento con el código" in response.get_json()["detail"]
    page = client.get("/v/ABCD-EFGH-JKMN-PQRS-G")
    assert page.status_code == 404
    assert "No existe un documento con el código" in page.get_data(as_text=True)
    # A check symbol that fits neither scheme: a typing mistake, said so.
    mistyped = client.get("/v/ABCD-EFGH-JKMN-PQRS-T.json")
    assert mistyped.status_code == 404 and "no es válido" in mistyped.get_json()["detail"]


def test_public_page_masks_document_and_shows_fields(client, issued):
    page = client.get(f"/v/{issued.code}").get_data(as_text=True)
    for expected in ("VÁLIDO", "María José Núñez Ibáñez", "CC ****3456", "Uso básico de las TIC",
                     issued.sha256, issued.site_name, "Pedro Peña", "verify.js"):
        assert expected in page, expected
    assert "1090123456" not in page


def test_uploaded_pdf_is_compared_by_hash(client, issued):
    good = client.post(f"/v/{issued.code}", data={"pdf": (io.BytesIO(issued.pdf), "c.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "idéntico al documento emitido" in good
    bad = client.post(f"/v/{issued.code}",
                      data={"pdf": (io.BytesIO(issued.pdf + b"\n"), "c.pdf")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "NO es el documento emitido" in bad
    missing = client.post(f"/v/{issued.code}", data={})
    assert missing.status_code == 422
    assert "Elija el archivo PDF." in missing.get_data(as_text=True)


def test_revoke_then_online_and_offline_say_revoked(client, login, admin, runner, issued,
                                                     tmp_path):
    text = qr_text(issued)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    before = tmp_path / "before.jws"
    before.write_text(client.get("/.well-known/status-list").get_data(as_text=True))
    ok = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks),
                             "--status-list", str(before)])
    assert ok.exit_code == 0, ok.output
    assert "AUTÉNTICO Y VIGENTE" in ok.output and "name: María José Núñez Ibáñez" in ok.output

    # Fetched (and micro-cached) before the revocation: the change must still show at once.
    assert client.get(f"/v/{issued.code}.json").get_json()["status"] == "valid"
    login(admin)
    short = client.post(f"/admin/certificados/{issued.code}/revocar", data={"reason": "x"})
    assert short.status_code == 422 and "entre 5 y 300" in short.get_data(as_text=True)
    response = client.post(f"/admin/certificados/{issued.code}/revocar",
                           data={"reason": "Asistencia registrada por error"})
    assert response.status_code == 302
    cert = _db.session.get(Certificate, issued.id)
    assert cert.revoked_at is not None  # never deleted
    audit = _db.session.scalar(select(AuditEntry).filter_by(action="revoke", entity_id=cert.id))
    assert audit.changes["reason"] == "Asistencia registrada por error"
    assert audit.actor_id == admin.id
    assert _db.session.scalar(select(AuditEntry).filter_by(action="update", entity_id=cert.id))

    assert client.get(f"/v/{cert.code}.json").get_json()["status"] == "revoked"
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "REVOCADO" in page and "Asistencia registrada por error" in page

    # Offline with the old list: still looks valid; with the refreshed list: revoked.
    stale = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks),
                                "--status-list", str(before)])
    assert stale.exit_code == 0
    after = tmp_path / "after.jws"
    after.write_text(client.get("/.well-known/status-list").get_data(as_text=True))
    revoked = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks),
                                  "--status-list", str(after)])
    assert revoked.exit_code == 1 and "REVOCADO" in revoked.output
    # Without files the CLI uses the local keys and the database.
    local = runner.invoke(args=["lms", "verify", text])
    assert local.exit_code == 1 and "REVOCADO" in local.output


def test_verify_cli_reads_a_pdf_and_rejects_forgeries(runner, issued, tmp_path, client):
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(issued.pdf)
    result = runner.invoke(args=["lms", "verify", str(pdf)])
    assert result.exit_code == 0, result.output
    assert f"jti: {issued.code}" in result.output
    legacy_jws(issued)  # forgeries of the JWS form that earlier documents carry
    header, payload, signature = issued.jws.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = {
        "payload": f"{header}.{_b64({**claims, 'name': 'Otra Persona'})}.{signature}",
        "none": f"{_b64({'alg': 'none', 'kid': issued.kid})}.{payload}.",
        "hs256": f"{_b64({'alg': 'HS256', 'kid': issued.kid})}.{payload}.{signature}",
        "kid": f"{_b64({'alg': 'ES256', 'kid': 'desconocida'})}.{payload}.{signature}",
        "signature": f"{header}.{payload}.{signature[:-4]}AAAA",
    }
    reasons = {}
    for name, token in forged.items():
        out = runner.invoke(args=["lms", "verify", f"http://localhost/v/{issued.code}#{token}"])
        assert out.exit_code == 1, name
        assert "NO AUTÉNTICO" in out.output, name
        reasons[name] = out.output
    assert "Algoritmo no permitido" in reasons["none"] and "ES256" in reasons["hs256"]
    assert "Clave desconocida" in reasons["kid"]
    other = runner.invoke(args=["lms", "verify", f"http://localhost/v/ABCD-EFGH-JKMN-PQRS-T"
                                                 f"#{issued.jws}"])
    assert other.exit_code == 1 and "no coincide" in other.output
    empty = tmp_path / "blank.pdf"
    empty.write_bytes(b"not a pdf")
    unreadable = runner.invoke(args=["lms", "verify", str(empty)])
    assert unreadable.exit_code == 1 and "No se encontró un código QR" in unreadable.output


def test_supersede_chain(client, login, admin, issued):
    login(admin)
    form = client.get(f"/admin/certificados/{issued.code}/corregir").get_data(as_text=True)
    assert "María José Núñez Ibáñez" in form
    data = {"holder_name": "María Josefa Núñez Ibáñez", "document_type": "CC",
            "document_number": "1090123456", "course_name": issued.course_name, "hours": "20",
            "completed_on": "2021-05-15", "site_name": issued.site_name,
            "trainer_name": issued.trainer_name}
    response = client.post(f"/admin/certificados/{issued.code}/corregir", data=data)
    assert response.status_code == 302
    old = _db.session.get(Certificate, issued.id)
    new = _db.session.get(Certificate, old.superseded_by_id)
    assert new.code != old.code and new.holder_name == "María Josefa Núñez Ibáñez"
    assert new.enrollment_id == old.enrollment_id and new.sha256 != old.sha256
    old_json = client.get(f"/v/{old.code}.json").get_json()
    assert old_json["status"] == "superseded" and old_json["replaced_by"] == new.code
    assert old_json["name"] == "María José Núñez Ibáñez"  # the old record is unchanged
    assert client.get(f"/v/{new.code}.json").get_json()["status"] == "valid"
    page = client.get(f"/v/{old.code}").get_data(as_text=True)
    assert "REEMPLAZADO" in page and f"/v/{new.code}" in page
    # A second correction must start from the current document.
    again = client.post(f"/admin/certificados/{old.code}/corregir", data=data)
    assert "ya fue reemplazado" in again.get_data(as_text=True)
    unchanged = client.post(f"/admin/certificados/{new.code}/corregir",
                            data={**data, "holder_name": new.holder_name})
    assert "No cambió ningún dato" in unchanged.get_data(as_text=True)
    chain = client.get(f"/admin/certificados/{new.code}").get_data(as_text=True)
    assert "Cadena de correcciones" in chain and old.code in chain
    # Offline: the status list names the replacement.
    from lms.certificates.verify import verify_text

    jwks = client.get("/.well-known/jwks.json").get_json()
    status = client.get("/.well-known/status-list").get_data(as_text=True)
    verdict = verify_text(qr_text(old), jwks, status)
    assert verdict.status == "superseded" and new.code in verdict.reason


def test_rotation_keeps_old_documents_verifying(client, runner, issued, app):
    from lms.certificates.verify import verify_text

    compact_text = qr_text(issued)
    legacy_jws(issued)  # both forms signed with the key about to be retired
    result = runner.invoke(args=["lms", "rotate-signing-key"])
    assert result.exit_code == 0 and "Nueva clave de firma" in result.output
    newer = issue_for(completed_enrollment())
    assert newer.kid != issued.kid
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert [k["kid"] for k in jwks["keys"]][0] == newer.kid
    assert {issued.kid, newer.kid} <= {k["kid"] for k in jwks["keys"]}
    assert all("d" not in k for k in jwks["keys"])  # never the private part
    assert verify_text(compact_text, jwks).genuine and verify_text(qr_text(newer), jwks).genuine
    assert verify_text(issued.jws, jwks).genuine


def test_status_list_is_signed_with_iat_and_ttl(client, issued):
    from lms.certificates.verify import verify_jws

    jwks = client.get("/.well-known/jwks.json").get_json()
    listing, _ = verify_jws(client.get("/.well-known/status-list").get_data(as_text=True), jwks)
    assert listing["exp"] - listing["iat"] == listing["ttl"] > 0
    assert listing["revoked"] == []


def test_verification_is_rate_limited(tmp_path):
    from tests.certificates.conftest import standalone_app

    with standalone_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        client = app.test_client()
        codes = [client.get("/v/ABCD-EFGH-JKMN-PQRS-T.json").status_code for _ in range(125)]
        assert codes[0] == 404 and codes[-1] == 429
        refused = client.get("/v/ABCD-EFGH-JKMN-PQRS-T.json")
        assert refused.get_json()["code"] == "rate_limited"
        assert refused.headers["Retry-After"] == "60"  # the minute of the limit
        pages = [client.get("/v/ABCD-EFGH-JKMN-PQRS-T").status_code for _ in range(125)]
        assert pages[0] == 404 and pages[-1] == 429
        form = {"document_type": "CC", "document_number": "123456",
                "birth_date": "1990-01-01"}
        portal = [client.post("/certificados", data=form).status_code for _ in range(12)]
        assert portal[0] == 200 and portal[-1] == 429
