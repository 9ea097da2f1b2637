"""Each domain's part of a person's rights, through the pages: documents in the export,
documents and replay keys following a merge, and documents keeping their enrollment."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.attendance.models import AttendanceMarkId
from lms.auth.services import create_token
from lms.certificates.issue import issue_for
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from tests import factories


def _completed(cohort, person, hours="20"):
    return factories.enrollment(
        cohort, person, status="completo", hours_credited=Decimal(hours),
        completed_on=date(2021, 5, 15),
    )


def test_export_lists_the_documents_without_the_file_or_its_secrets(client, login, admin, db):
    login(admin)
    person = factories.person()
    cert = issue_for(_completed(factories.cohort(), person))
    data = json.loads(client.get(f"/personas/{person.id}/exportar.json").data)
    (document,) = data["certificates"]
    assert (document["code"], document["enrollment_id"]) == (cert.code, cert.enrollment_id)
    assert document["holder_name"] == person.full_name
    assert document["completed_on"] == "2021-05-15"
    assert not {"pdf", "jws", "download_token_hash"} & set(document)
    assert [e["cohort"] for e in data["enrollments"]] == [cert.enrollment.cohort.code]


def test_merge_moves_documents_and_replay_keys_to_the_kept_enrollment(client, login, admin, db):
    login(admin)
    survivor, duplicate = factories.person(), factories.person()
    cohort = factories.cohort()
    session = factories.session(cohort)
    kept = _completed(cohort, survivor, hours="20")
    lost = _completed(cohort, duplicate, hours="16")
    cert = issue_for(lost)
    db.session.add(AttendanceMarkId(mark_id="clave-1", session_id=session.id,
                                    enrollment_id=lost.id))
    db.session.flush()
    kept_id, lost_id, cert_id = kept.id, lost.id, cert.id
    response = client.post(f"/personas/{survivor.id}/fusionar", data={"duplicate_id": duplicate.id,
                                                  "confirm_document": survivor.document_number})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, lost_id) is None
    assert db.session.get(Certificate, cert_id).enrollment_id == kept_id
    assert db.session.get(AttendanceMarkId, "clave-1").enrollment_id == kept_id


def test_an_enrollment_with_a_document_cannot_be_deleted(client, admin, db):
    enrollment = _completed(factories.cohort(), factories.person())
    issue_for(enrollment)
    headers = {"Authorization": f"Bearer {create_token(admin, 'pruebas')}"}
    response = client.delete(f"/api/v1/enrollments/{enrollment.id}", headers=headers)
    assert response.status_code == 422
    assert "documentos expedidos" in response.json["detail"]
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.id == enrollment.id))
