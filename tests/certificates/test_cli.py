"""Commands: offline verification (files only), exit statuses, revoke and correct."""

from datetime import timedelta

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.certificates import status
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from lms.timeutil import utcnow
from tests.certificates.conftest import completed_enrollment, qr_text, standalone_app

UNCHECKED = "AUTÉNTICO (estado de revocación sin comprobar)"


def _issue_on_server(server, out):
    """Issue one document on ``server`` through its commands; save its PDF and keys in ``out``."""
    with server.app_context():
        completed_enrollment()
        _db.session.commit()
    runner = server.test_cli_runner()
    assert "Se emitió 1 documento." in runner.invoke(args=["lms", "issue-certificates"]).output
    with server.app_context():
        code = _db.session.scalar(select(Certificate.code))
    pdf, jwks, status = out / "doc.pdf", out / "jwks.json", out / "status.jws"
    exported = runner.invoke(args=["lms", "export-certificate", code, "--output", str(pdf)])
    assert exported.exit_code == 0, exported.output
    client = server.test_client()
    jwks.write_bytes(client.get("/.well-known/jwks.json").data)
    status.write_bytes(client.get("/.well-known/status-list").data)
    return code, pdf, jwks, status


def test_offline_verify_touches_neither_database_nor_keys(tmp_path):
    server_dir, offline_dir, bare_dir = (tmp_path / n for n in ("server", "offline", "bare"))
    for directory in (server_dir, offline_dir, bare_dir):
        directory.mkdir()
    with standalone_app(server_dir) as server:
        code, pdf, jwks, status = _issue_on_server(server, tmp_path)
    server_keys = sorted(p.name for p in (server_dir / "keys").iterdir())

    # A fresh installation: no keys, no tables, not even a database file.
    with standalone_app(offline_dir, tables=False) as offline:
        runner = offline.test_cli_runner()
        result = runner.invoke(args=["lms", "verify", str(pdf), "--jwks", str(jwks)])
        assert result.exit_code == 3, result.output
        assert isinstance(result.exception, SystemExit)  # a verdict, not a crash
        assert f"Veredicto: {UNCHECKED}" in result.output
        assert "indique --status-list" in result.output and f"jti: {code}" in result.output
        checked = runner.invoke(args=["lms", "verify", str(pdf), "--jwks", str(jwks),
                                      "--status-list", str(status)])
        assert checked.exit_code == 0 and "AUTÉNTICO Y VIGENTE" in checked.output
        local = runner.invoke(args=["lms", "verify", str(pdf)])
        assert local.exit_code == 1 and "No hay claves locales; indique --jwks." in local.output
        usage = " ".join(runner.invoke(args=["lms", "verify", "--help"]).output.split())
        assert "3 auténtico pero sin comprobar la revocación (--jwks sin --status-list" \
            in usage
        # Publishing keys does not create one either.
        assert offline.test_client().get("/.well-known/jwks.json").get_json() == {"keys": []}
    assert not (offline_dir / "keys").exists()
    assert not (offline_dir / "lms.sqlite3").exists()

    # The server's keys but a database without tables: unchecked, with the reason.
    with standalone_app(bare_dir, tables=False, SIGNING_KEY_DIR=str(server_dir / "keys")) as bare:
        result = bare.test_cli_runner().invoke(args=["lms", "verify", str(pdf)])
        assert result.exit_code == 3, result.output
        assert "No se pudo leer la base de datos" in result.output and UNCHECKED in result.output
    assert sorted(p.name for p in (server_dir / "keys").iterdir()) == server_keys


def _status_list(client, path, monkeypatch, age=timedelta(0)):
    # A list signed ``age`` ago, by the function the queue publishes with (the endpoint
    # serves the published list, signed at the real time).
    with monkeypatch.context() as patch:
        patch.setattr("lms.certificates.status.utcnow", lambda: utcnow() - age)
        path.write_text(status.status_list())
    return str(path)


def test_expired_status_list_never_passes_for_valid(client, runner, issued, tmp_path,
                                                    monkeypatch):
    text = qr_text(issued)
    jwks = tmp_path / "jwks.json"
    jwks.write_bytes(client.get("/.well-known/jwks.json").data)
    old = _status_list(client, tmp_path / "old.jws", monkeypatch, timedelta(days=2))
    result = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks), "--status-list", old])
    assert result.exit_code == 3, result.output
    assert "(VENCIDA)" in result.output and "La lista de estado venció" in result.output
    assert UNCHECKED in result.output

    revoked = runner.invoke(args=["lms", "revoke-certificate", issued.code,
                                  "--reason", "Emitido por error"])
    assert revoked.exit_code == 0, revoked.output
    # A revocation is final: even an expired list that names it rejects the document.
    old = _status_list(client, tmp_path / "old2.jws", monkeypatch, timedelta(days=2))
    result = runner.invoke(args=["lms", "verify", text, "--jwks", str(jwks), "--status-list", old])
    assert result.exit_code == 1 and "REVOCADO" in result.output


def test_revoke_certificate_command(runner, client, issued, admin):
    short = runner.invoke(args=["lms", "revoke-certificate", issued.code, "--reason", "no"])
    assert short.exit_code == 1 and "al menos 5 caracteres" in short.output
    assert _db.session.get(Certificate, issued.id).revoked_at is None
    missing = runner.invoke(args=["lms", "revoke-certificate", "ABCD-EFGH-JKMN-PQRS-G",
                                  "--reason", "Emitido por error"])
    assert missing.exit_code == 1 and "No existe un documento" in missing.output
    done = runner.invoke(args=["lms", "revoke-certificate", issued.code.lower(),
                               "--reason", "Asistencia mal registrada", "--actor", admin.email])
    assert done.exit_code == 0, done.output
    assert f"Documento {issued.code} revocado." in done.output
    audit = _db.session.scalar(select(AuditEntry).filter_by(action="revoke",
                                                            entity_id=issued.id))
    assert audit.actor_id == admin.id and audit.changes["reason"] == "Asistencia mal registrada"
    record = client.get(f"/v/{issued.code}.json").get_json()
    assert record["status"] == "revoked"
    again = runner.invoke(args=["lms", "revoke-certificate", issued.code, "--reason", "otra vez"])
    assert again.exit_code == 1 and "ya estaba revocado" in again.output


def test_correct_certificate_reissues_from_current_data(runner, client, issued, completed):
    unchanged = runner.invoke(args=["lms", "correct-certificate", issued.code])
    assert unchanged.exit_code == 1 and "No cambió ningún dato" in unchanged.output
    completed.person.first_names = "María Josefa"
    _db.session.flush()
    result = runner.invoke(args=["lms", "correct-certificate", issued.code])
    assert result.exit_code == 0, result.output
    old = _db.session.get(Certificate, issued.id)
    new = _db.session.get(Certificate, old.superseded_by_id)
    assert f"Se emitió {new.code}, que reemplaza a {old.code}." in result.output
    assert new.holder_name == "María Josefa Núñez Ibáñez"
    assert new.enrollment_id == old.enrollment_id and new.jws != old.jws
    record = client.get(f"/v/{old.code}.json").get_json()
    assert record["status"] == "superseded" and record["replaced_by"] == new.code
    assert record["name"] == "María José Núñez Ibáñez"
    again = runner.invoke(args=["lms", "correct-certificate", old.code])
    assert again.exit_code == 1 and "ya fue reemplazado" in again.output
    missing = runner.invoke(args=["lms", "correct-certificate", "nada"])
    assert missing.exit_code == 1 and "No existe un documento" in missing.output
