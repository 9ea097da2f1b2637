"""Commands: revoke and correct."""

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.extensions import db as _db


def test_revoke_certificate_command(runner, client, issued, admin):
    short = runner.invoke(args=["lms", "revoke-certificate", issued.code, "--reason", "no"])
    assert short.exit_code == 1 and "al menos 5 caracteres" in short.output
    assert _db.session.get(Certificate, issued.id).revoked_at is None
    missing = runner.invoke(args=["lms", "revoke-certificate", "ABCD-EFGH-JKMN-PQRS-T",
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
