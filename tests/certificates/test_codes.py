"""Check symbols that read aloud (letters and digits only), and codes already issued with
Crockford's mod-37 symbols (* ~ $ = U) verifying everywhere: /v/, .json, /V/, the API,
the CLI (registry and offline), the status list."""

import re

from lms.certificates import codes
from lms.certificates.codes import ALPHABET, new_code, normalize
from lms.certificates.issue import issue_for
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from tests.certificates.conftest import completed_enrollment, old_scheme, qr_text

SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$")


def _one_symbol_changes(code: str):
    raw = code.replace("-", "")
    for i, ch in enumerate(raw):
        for other in ALPHABET:
            if other != ch:
                yield raw[:i] + other + raw[i + 1 :]


def test_new_codes_end_in_a_letter_or_digit_and_catch_every_single_slip():
    issued = [new_code() for _ in range(20_000)]
    assert len(set(issued)) == len(issued)
    assert all(SHAPE.match(code) for code in issued), [c for c in issued if not SHAPE.match(c)]
    # Every check value occurs: nothing is left out of the 32 letters and digits.
    assert {code[-1] for code in issued} == set(ALPHABET)
    assert codes.RANDOM_BITS >= 80 and codes.LENGTH * 5 == codes.RANDOM_BITS
    for code in issued[:40]:
        assert normalize(code) == code
        for wrong in _one_symbol_changes(code):  # 17 positions x 31 other symbols
            assert not _current_check_holds(wrong), wrong
        raw = code.replace("-", "")
        for i in range(len(raw)):  # swapping any two different symbols, the check included
            for j in range(i + 1, len(raw)):
                if raw[i] != raw[j]:
                    swapped = raw[:i] + raw[j] + raw[i + 1 : j] + raw[i] + raw[j + 1 :]
                    assert not _current_check_holds(swapped), swapped


def _current_check_holds(raw: str) -> bool:
    return codes.spellings(raw[:16])[0].replace("-", "") == raw


def test_both_schemes_normalise_the_same_way():
    code = new_code()
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize(sloppy) == code
    current, *old = codes.spellings(code.replace("-", "")[:16])
    assert current == code
    for spelled in old:  # the same 16 symbols with Crockford's check also read as a code
        assert normalize(spelled.lower()) == spelled
        assert codes.same_document(spelled, code)
    assert normalize("") is None and normalize("hola") is None and not codes.looks_mistyped("x")


def test_an_old_code_verifies_on_every_public_route(client, db):
    cert = issue_for(completed_enrollment())
    text = old_scheme(cert)
    _db.session.commit()
    old = cert.code
    assert old[-1] in "*~$=U"
    for typed in (old, old.lower().replace("-", ""), old.replace("0", "O")):
        body = client.get(f"/v/{typed}.json").get_json()
        assert body["code"] == old and body["status"] == "valid", typed
    page = client.get(f"/v/{old}")
    assert page.status_code == 200 and old in page.get_data(as_text=True)
    code16 = old.replace("-", "")[:16]
    assert client.get(f"/V/{code16}").status_code == 200
    assert client.get(f"/v/{code16.lower()}.json").get_json()["code"] == old
    # The same document typed with the current check symbol is found too.
    current = codes.spellings(code16)[0]
    assert client.get(f"/v/{current}.json").get_json()["code"] == old
    assert text.split("#")[0].endswith(code16)


def test_an_old_code_verifies_in_the_cli_online_and_offline(client, runner, db, tmp_path):
    cert = issue_for(completed_enrollment())
    text = old_scheme(cert)
    _db.session.commit()
    old = cert.code
    for typed in (old, old.lower()):
        out = runner.invoke(args=["lms", "verify", typed])
        assert out.exit_code == 0 and "AUTÉNTICO Y VIGENTE" in out.output, out.output
        assert f"jti: {old}" in out.output
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    listing = tmp_path / "status.jws"
    listing.write_text(client.get("/.well-known/status-list").get_data(as_text=True))
    offline = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks),
                                  "--status-list", str(listing)])
    assert offline.exit_code == 0 and "AUTÉNTICO Y VIGENTE" in offline.output, offline.output
    revoke = runner.invoke(args=["lms", "revoke-certificate", old.lower(), "--reason",
                                 "Emitido por error"])
    assert revoke.exit_code == 0, revoke.output
    assert _db.session.get(Certificate, cert.id).revoked_at is not None
    # The signed status list names the old code; the offline check matches its 16 symbols.
    listing.write_text(client.get("/.well-known/status-list").get_data(as_text=True))
    revoked = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks),
                                  "--status-list", str(listing)])
    assert revoked.exit_code == 1 and "REVOCADO" in revoked.output, revoked.output
    assert client.get(f"/v/{old}.json").get_json()["status"] == "revoked"


def test_a_mistyped_code_is_refused_in_spanish(client, runner, db, issued):
    code = issued.code
    raw = code.replace("-", "")
    wrong = next(w for w in _one_symbol_changes(code) if normalize(w) is None)
    assert codes.looks_mistyped(wrong) and not codes.looks_mistyped(raw)
    as_json, page = client.get(f"/v/{wrong}.json"), client.get(f"/v/{wrong}")
    assert as_json.status_code == page.status_code == 404
    assert "el carácter final de control no corresponde" in as_json.get_json()["detail"]
    assert "el carácter final de control no corresponde" in page.get_data(as_text=True)
    out = runner.invoke(args=["lms", "verify", wrong])
    assert out.exit_code != 0 and "el carácter final de control no corresponde" in out.output
    out = runner.invoke(args=["lms", "revoke-certificate", wrong, "--reason", "Emitido por error"])
    assert out.exit_code != 0 and "no es válido" in out.output
    assert _db.session.get(Certificate, issued.id).revoked_at is None


def test_qr_text_of_a_new_document_names_its_code(runner, issued):
    out = runner.invoke(args=["lms", "verify", qr_text(issued)])
    assert out.exit_code == 0 and f"jti: {issued.code}" in out.output
    assert issued.code[-1] in ALPHABET


def test_admin_pages_and_the_api_find_an_old_code_either_way(client, login, admin, db):
    from lms.auth.services import create_token

    cert = issue_for(completed_enrollment())
    old_scheme(cert)
    _db.session.commit()
    current = codes.spellings(cert.code.replace("-", "")[:16])[0]
    login(admin)
    for typed in (cert.code, current, cert.code.lower()):
        page = client.get(f"/admin/certificados/{typed}")
        assert page.status_code == 200 and cert.code in page.get_data(as_text=True), typed
    headers = {"Authorization": f"Bearer {create_token(admin, 'pruebas')}"}
    body = client.get(f"/api/v1/certificates/{current}", headers=headers).get_json()
    assert body["code"] == cert.code
    search = client.get("/admin/certificados", query_string={"q": current})
    assert cert.code in search.get_data(as_text=True)
