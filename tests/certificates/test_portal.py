"""Citizen portal, download links, export CLI and anonymisation of frozen copies."""

import hashlib
import re

from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.extensions import db as _db

NOTHING = "No encontramos documentos con esos datos"


def _lookup(client, number="1090123456", birth="1990-03-04", doc_type="CC"):
    return client.post("/certificados", data={"document_type": doc_type,
                                              "document_number": number, "birth_date": birth})


def test_citizen_finds_and_downloads_their_document(client, issued):
    page = client.get("/certificados")
    assert page.status_code == 200 and "Fecha de nacimiento" in page.get_data(as_text=True)
    html = _lookup(client, number="1.090.123.456").get_data(as_text=True)
    assert issued.code in html
    link = re.search(r'href="(/certificados/descargar/[^"]+)"', html).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == issued.sha256
    assert "vencen una hora después" in html
    assert client.get("/certificados/descargar/adivinado").status_code == 404
    # Signed: changing any character of the link (here another document's id) breaks it.
    token = link.rsplit("/", 1)[1]
    forged = str(issued.id + 1) + token[len(str(issued.id)):]
    assert client.get(f"/certificados/descargar/{forged}").status_code == 404
    # A link works only while its document is valid.
    from lms.certificates.lifecycle import revoke

    revoke(issued, "Emitido por error")
    assert client.get(link).status_code == 404


def test_a_download_link_works_for_an_hour(client, issued, monkeypatch):
    import time

    html = _lookup(client).get_data(as_text=True)
    link = re.search(r'href="(/certificados/descargar/[^"]+)"', html).group(1)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3590)
    assert client.get(link).status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 3610)
    assert client.get(link).status_code == 404


def test_wrong_combination_reveals_nothing(client, issued):
    wrong_birth = _lookup(client, birth="1990-03-05").get_data(as_text=True)
    nobody = _lookup(client, number="99999999").get_data(as_text=True)
    wrong_type = _lookup(client, doc_type="TI").get_data(as_text=True)
    for html in (wrong_birth, nobody, wrong_type):
        assert NOTHING in html and issued.code not in html
    strip = lambda h: re.sub(r'value="[^"]*"|<option[^>]*>[^<]*</option>|csrf_token[^>]*', "", h)  # noqa: E731
    assert strip(wrong_birth) == strip(nobody) == strip(wrong_type)
    missing = client.post("/certificados", data={"document_type": "CC"})
    assert missing.status_code == 422
    assert "Escriba el número de documento." in missing.get_data(as_text=True)


def _tag(html: str, field: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*id="{field}"[^>]*>', html).group(0)


def test_bad_input_names_each_field_and_keeps_what_was_typed(client, issued):
    response = _lookup(client, number="", birth="1990-02-30", doc_type="PPT")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and issued.code not in html
    assert re.search(r'<option selected value="PPT">Permiso por protección temporal</option>', html)
    birth, number, kind = (_tag(html, f)
                           for f in ("birth_date", "document_number", "document_type"))
    for attribute in ('value="1990-02-30"', 'aria-invalid="true"', 'type="date"', " required",
                      'aria-describedby="birth_date-err"', "is-invalid"):
        assert attribute in birth
    assert 'aria-describedby="document_number-err"' in number and 'maxlength="30"' in number
    assert "aria-invalid" not in kind
    assert 'id="birth_date-err" class="invalid-feedback d-block">No es una fecha válida.' in html
    assert 'id="document_number-err" class="invalid-feedback d-block">Escriba el número' in html
    wrong_type = _lookup(client, doc_type="XX").get_data(as_text=True)
    assert 'aria-invalid="true"' in _tag(wrong_type, "document_type")


def test_export_cli_writes_the_issued_bytes(runner, issued, tmp_path):
    out = tmp_path / "copia.pdf"
    result = runner.invoke(args=["lms", "export-certificate", issued.code.lower(),
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == issued.pdf
    missing = runner.invoke(args=["lms", "export-certificate", "ABCD-EFGH-JKMN-PQRS-G",
                                  "--output", str(out)])
    assert missing.exit_code != 0 and "No existe un documento" in missing.output


def test_anonymisation_scrubs_copies_but_keeps_status(client, login, admin, issued, completed):
    from lms.certificates.lifecycle import revoke
    from lms.people.rights import anonymize_person

    revoke(issued, "Prueba de anonimización")
    anonymize_person(completed.person)
    _db.session.expire_all()
    cert = _db.session.get(Certificate, issued.id)
    assert cert.status == "revoked"
    assert cert.holder_name == "[anonimizado]" and cert.document_number == ""
    assert cert.pdf == b"" and cert.jws == "" and cert.sha256 == issued.sha256
    data = client.get(f"/v/{cert.code}.json").get_json()
    assert data["status"] == "revoked" and data["name"] == "[anonimizado]"
    assert data["doc"] == "CC ****"
    login(admin)
    assert client.get(f"/admin/certificados/{cert.code}/pdf").status_code == 410
    from lms.audit.models import AuditEntry

    trail = _db.session.scalars(select(AuditEntry).filter_by(entity="certificates",
                                                             entity_id=cert.id))
    assert "Núñez" not in str([e.changes for e in trail])
    assert NOTHING in _lookup(client).get_data(as_text=True)


def test_portal_links_only_the_valid_document_of_a_chain(client, issued):
    from lms.certificates.lifecycle import supersede

    new = supersede(issued, {"holder_name": "María Josefa Núñez Ibáñez"})
    html = _lookup(client).get_data(as_text=True)
    assert issued.code in html and new.code in html
    links = re.findall(r'/certificados/descargar/[^"]+">Descargar PDF<span class="visually-hidden">'
                       r' ([^<]+)</span>', html)
    assert links == [new.code]


def test_is_valid_is_one_rule_in_python_and_sql(db, issued):
    from lms.certificates.lifecycle import revoke, supersede

    new = supersede(issued, {"holder_name": "María Josefa Núñez Ibáñez"})
    other = supersede(new, {"holder_name": "María J. Núñez Ibáñez"})
    revoke(other, "Prueba de validez")
    from lms.certificates.issue import issue_for
    from tests.certificates.conftest import completed_enrollment

    fine = issue_for(completed_enrollment())
    valid_sql = set(_db.session.scalars(select(Certificate.id).where(Certificate.is_valid)))
    rows = _db.session.scalars(select(Certificate)).all()
    assert {c.id for c in rows if c.is_valid} == valid_sql
    assert valid_sql == {fine.id}
