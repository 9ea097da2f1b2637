"""One live document per enrollment (issue 16 part 1): the unique partial index, the
migration that resolves existing duplicates, and every issue path answering "already
issued" with the same document, also under concurrent requests on PostgreSQL."""

import threading

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from lms.audit.models import AuditEntry
from lms.auth.services import create_token
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment, standalone_app
from tests.conftest import at_once


def _live(enrollment_id):
    return _db.session.scalars(select(Certificate.code).where(
        Certificate.enrollment_id == enrollment_id, Certificate.is_valid)).all()


def test_api_issue_twice_answers_the_same_document(client, admin, completed):
    headers = {"Authorization": f"Bearer {create_token(admin, 'doble')}"}
    first = client.post("/api/v1/certificates", json={"enrollment_id": completed.id},
                        headers=headers)
    again = client.post("/api/v1/certificates", json={"enrollment_id": completed.id},
                        headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["code"] == again.get_json()["code"]
    assert _live(completed.id) == [first.get_json()["code"]]


def test_admin_page_issue_twice_says_already_issued(client, login, admin, completed):
    login(admin)
    client.post("/admin/certificados/emitir", data={"enrollment_id": completed.id})
    again = client.post("/admin/certificados/emitir", data={"enrollment_id": completed.id},
                        follow_redirects=True)
    (code,) = _live(completed.id)
    assert again.status_code == 200
    assert f"ya tenía el documento {code}" in again.get_data(as_text=True)


def test_the_database_refuses_a_second_live_document(db, issued):
    from sqlalchemy.exc import IntegrityError

    from lms.certificates import issue

    record = issue.frozen_from_enrollments([issued.enrollment_id])[0]
    # materialize absorbs the conflict and hands back the live one...
    stored = issue.materialize([record])
    assert stored.ids == [issued.id] and stored.created == set()
    # ...because the index refuses a plain second insert.
    copy = {c.name: getattr(issued, c.key) for c in Certificate.__table__.columns
            if c.name not in ("id", "code", "status_index", "subject_id")}
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.execute(Certificate.__table__.insert().values(
            **copy, code="DUPLICADOXXXXXXX", status_index=123456789 % 131072,
            subject_id="urn:uuid:dup"))


def test_correction_keeps_one_live_document(db, issued):
    from lms.certificates import lifecycle

    new = lifecycle.supersede(issued, {"holder_name": "María José Núñez de Ibáñez"})
    assert _live(issued.enrollment_id) == [new.code]
    trail = _db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "certificates", AuditEntry.entity_id == issued.id,
        AuditEntry.action == "update")).all()
    assert [e.changes["superseded_by_id"] for e in trail] == [[None, new.id]]
    with pytest.raises(Exception, match="ya fue reemplazado"):
        lifecycle.supersede(issued, {"holder_name": "Otra"})


def test_migration_keeps_the_oldest_and_supersedes_the_rest(tmp_path):
    from lms.certificates.issue import issue_for

    with standalone_app(tmp_path, tables=False) as app, app.app_context():
        upgrade()
        first = issue_for(completed_enrollment())
        other = issue_for(completed_enrollment())
        _db.session.commit()
        ids = (first.id, other.id, first.enrollment_id)
        _db.session.close()
        downgrade(revision="0007")
        # Two later duplicates of the first enrollment's document, as the race left them.
        for n in (1, 2):
            _db.session.execute(text(
                "INSERT INTO certificates (code, enrollment_id, kind, holder_name, "
                "document_type, document_number, course_code, course_name, hours, "
                "completed_on, site_name, trainer_name, issued_at, pdf, sha256, jws, kid, "
                "subject_id, status_index) SELECT :code, enrollment_id, kind, holder_name, "
                "document_type, document_number, course_code, course_name, hours, "
                "completed_on, site_name, trainer_name, issued_at, pdf, sha256, jws, kid, "
                ":subject, :index FROM certificates WHERE id = :id"),
                {"code": f"DUPLICADO{n}XXXXXX", "subject": f"urn:uuid:d{n}", "index": n,
                 "id": ids[0]})
        _db.session.commit()
        _db.session.close()
        upgrade()
        rows = _db.session.execute(text(
            "SELECT id, code, superseded_by_id FROM certificates WHERE enrollment_id = :e "
            "ORDER BY id"), {"e": ids[2]}).all()
        assert [(r.code, r.superseded_by_id) for r in rows] == [
            (first.code, None), ("DUPLICADO1XXXXXX", ids[0]), ("DUPLICADO2XXXXXX", ids[0])]
        audited = _db.session.execute(text(
            "SELECT entity_id FROM audit_entries WHERE action = 'supersede' "
            "ORDER BY entity_id")).scalars().all()
        assert audited == [rows[1].id, rows[2].id]
        assert _db.session.scalar(text(
            "SELECT superseded_by_id FROM certificates WHERE id = :id"), {"id": ids[1]}) is None


def _completed_cohort(app, size):
    """A committed cohort of ``size`` completed enrollments, and an admin's API headers."""
    with app.app_context():
        admin = factories.user(role="admin")
        cohort = factories.cohort()
        ids = [completed_enrollment(cohort).id for _ in range(size)]
        token = create_token(admin, "carrera")
        _db.session.commit()
        return cohort.id, ids, {"Authorization": f"Bearer {token}"}


@pytest.mark.postgres
def test_sixteen_concurrent_issues_leave_one_live_document_each(committed):
    app = committed
    _cohort_id, ids, headers = _completed_cohort(app, 3)
    order = iter(ids * 16)
    lock = threading.Lock()

    def send(client):
        with lock:
            enrollment_id = next(order)
        response = client.post("/api/v1/certificates", headers=headers,
                               json={"enrollment_id": enrollment_id})
        return enrollment_id, response.status_code, (response.get_json() or {}).get("code")

    answers = at_once(app, send, count=len(ids) * 16)
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert {status for _, status, _ in answers} <= {200, 201}, answers
    with app.app_context():
        for enrollment_id in ids:
            codes = {code for e, _, code in answers if e == enrollment_id}
            assert codes == set(_live(enrollment_id)) and len(codes) == 1
            assert _db.session.scalar(select(func.count(Certificate.id)).where(
                Certificate.enrollment_id == enrollment_id)) == 1
        assert sum(1 for _, status, _ in answers if status == 201) == len(ids)


@pytest.mark.postgres
def test_concurrent_cohort_issues_never_duplicate(committed):
    app = committed
    cohort_id, ids, headers = _completed_cohort(app, 4)

    def send(client):
        return client.post(f"/api/v1/cohorts/{cohort_id}/certificates", headers=headers)

    answers = at_once(app, send, count=16)
    assert {r.status_code for r in answers} == {201}, answers
    with app.app_context():
        for enrollment_id in ids:
            assert len(_live(enrollment_id)) == 1
    issued = {c["code"] for r in answers for c in r.get_json()["issued"]}
    assert len(issued) == len(ids)


def test_merge_joining_two_documented_enrollments_keeps_one_live(client, login, admin, db):
    from lms.certificates.issue import issue_for

    cohort = factories.cohort()
    survivor = factories.person(document_number="1090000011", first_names="Ana")
    duplicate = factories.person(document_number="1090000012", first_names="Ana")
    kept = issue_for(completed_enrollment(cohort, survivor))
    joined = issue_for(completed_enrollment(cohort, duplicate))
    ids = (kept.id, joined.id, kept.enrollment_id, joined.enrollment_id)
    login(admin)
    merged = client.post(f"/personas/{survivor.id}/fusionar",
                         data={"duplicate_id": duplicate.id, "confirm_document": "1090000011"})
    assert merged.status_code == 302
    _db.session.expire_all()
    assert _live(ids[2]) == [kept.code]
    assert _db.session.get(Certificate, ids[1]).superseded_by_id == ids[0]
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    client.post(f"/personas/{survivor.id}/fusiones/{entry.id}/deshacer")
    _db.session.expire_all()
    assert _live(ids[2]) == [kept.code] and _live(ids[3]) == [joined.code]
