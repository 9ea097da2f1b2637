"""`lms verify` on the compact QR text, a bare code and the earlier JWS form; the /V/ route."""

from lms.certificates.codes import new_code
from tests.certificates.conftest import legacy_jws, qr_text


def _verify(runner, *args):
    return runner.invoke(args=["lms", "verify", *args])


def test_compact_text_verifies_and_a_changed_byte_is_rejected(runner, issued):
    text = qr_text(issued)
    ok = _verify(runner, text)
    assert ok.exit_code == 0, ok.output
    assert "AUTÉNTICO Y VIGENTE" in ok.output and f"jti: {issued.code}" in ok.output
    assert "name: María José Núñez Ibáñez" in ok.output and "doc: CC3456" in ok.output
    head, digits = text.split("#")
    changed_digit = f"{head}#{digits[:40]}{(int(digits[40]) + 1) % 10}{digits[41:]}"
    changed_code = f"{head[:-1]}{'1' if head[-1] != '1' else '2'}#{digits}"
    for forged in (changed_digit, changed_code):
        out = _verify(runner, forged)
        assert out.exit_code == 1 and "NO AUTÉNTICO" in out.output, out.output
    assert "emisor esperado: localhost" in out.output


def test_another_issuer_is_rejected_naming_the_expected_one(runner, issued, app, monkeypatch):
    text = qr_text(issued)
    monkeypatch.setitem(app.config, "BASE_URL", "https://formaciontic.cucuta.gov.co")
    out = _verify(runner, text)
    assert out.exit_code == 1, out.output
    assert "Firmado para otro emisor (localhost); se esperaba formaciontic.cucuta.gov.co" \
        in out.output


def test_bare_code_is_answered_by_the_registry(runner, issued, tmp_path):
    ok = _verify(runner, issued.code.lower())
    assert ok.exit_code == 0 and "AUTÉNTICO Y VIGENTE" in ok.output, ok.output
    assert _verify(runner, issued.code.replace("-", "")[:16]).exit_code == 0
    unknown = _verify(runner, new_code())
    assert unknown.exit_code == 1 and "No existe un documento" in unknown.output
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    offline = _verify(runner, issued.code, "--jwks", str(jwks))
    assert offline.exit_code == 1 and "solo se comprueba en el registro" in offline.output
    runner.invoke(args=["lms", "revoke-certificate", issued.code, "--reason", "Emitido por error"])
    revoked = _verify(runner, issued.code)
    assert revoked.exit_code == 1 and "REVOCADO" in revoked.output


def test_earlier_jws_documents_still_verify(client, runner, issued):
    text = legacy_jws(issued)
    ok = _verify(runner, text)
    assert ok.exit_code == 0 and "AUTÉNTICO Y VIGENTE" in ok.output, ok.output
    assert client.get(f"/v/{issued.code}.json").get_json()["status"] == "valid"
    page = client.get(f"/v/{issued.code}").get_data(as_text=True)
    assert "verify.js" in page and issued.code in page


def test_qr_address_answers_in_any_case(client, issued):
    code16 = issued.code.replace("-", "")[:16]
    for variant in (code16, code16.lower()):
        page = client.get(f"/V/{variant}")
        assert page.status_code == 200, variant
        html = page.get_data(as_text=True)
        assert issued.code in html and 'data-issuer="localhost"' in html
        assert 'id="veredicto"' in html and html.index('id="veredicto"') < html.index("<h1")
    assert client.get("/V/ABCDEFGHJKMNPQRS").status_code == 404
    assert client.get("/V/NOTACODE").status_code == 404
