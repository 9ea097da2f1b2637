"""Merging safely (issue 9 part 16): both records side by side with their differences
marked, the kept document number typed to confirm, and the merge undone from the audit
trail within 30 days, giving both people back their enrollments, marks and documents."""

from datetime import date, timedelta

from sqlalchemy import select

from lms.attendance.completion import recompute
from lms.attendance.models import Attendance, AttendanceMarkId
from lms.audit.models import AuditEntry
from lms.certificates.issue import issue_for
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from lms.people.models import Consent, Person, PersonSensitive
from lms.timeutil import utcnow
from tests import factories
from tests.people.helpers import merge_pair


def _merge(client, survivor, duplicate, typed):
    return client.post(f"/personas/{survivor.id}/fusionar",
                       data={"duplicate_id": duplicate.id, "confirm_document": typed})


def test_both_records_are_shown_side_by_side_with_differences(client, login, admin, db):
    survivor, duplicate = merge_pair()
    login(admin)
    page = client.get(f"/personas/{survivor.id}/fusionar?duplicado={duplicate.id}").text
    assert "Compare los dos registros" in page
    assert "1990-04-04" in page and "2012-08-08" in page
    assert "Cédula de ciudadanía" in page and "Tarjeta de identidad" in page
    for field in ("document_type", "birth_date", "first_names", "last_names", "email"):
        assert f'data-field="{field}" data-differs="true"' in page, field
    assert 'data-field="zone" data-differs' not in page
    assert "Puede tratarse de dos personas distintas" in page
    assert "tipo de documento, nombres, apellidos, fecha de nacimiento" in page


def test_merging_needs_the_kept_document_typed(client, login, admin, db):
    survivor, duplicate = merge_pair()
    login(admin)
    for typed in ("", "1090000002", "109000000"):
        response = _merge(client, survivor, duplicate, typed)
        assert response.status_code == 200
        assert "escriba el número de documento del registro que se conserva" in response.text
        assert f'value="{duplicate.id}"' in response.text  # still comparing the same pair
    assert db.session.get(Person, duplicate.id) is not None
    response = _merge(client, survivor, duplicate, "1.090.000.001")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, duplicate.id) is None


def _mark(enrollment, session, status="presente"):
    _db.session.add(Attendance(session=session, enrollment=enrollment, status=status,
                               source="web"))


def _history(survivor, duplicate):
    """Both people with enrollments, marks, a document, a replay key, consents, answers."""
    cohort = factories.cohort()
    sessions = [factories.session(cohort, day=date(2021, 2, d), hours="4") for d in range(1, 7)]
    mine = factories.enrollment(cohort, survivor)
    theirs = factories.enrollment(cohort, duplicate)
    for s in sessions[:5]:
        _mark(mine, s)
    for s in (sessions[1], sessions[2], sessions[3], sessions[5]):
        _mark(theirs, s, "tarde" if s is sessions[5] else "presente")
    only_theirs = factories.enrollment(person_=duplicate)
    _mark(only_theirs, factories.session(only_theirs.cohort, day=date(2021, 3, 1)))
    _db.session.add(PersonSensitive(person=duplicate, disability=True, victim=False))
    _db.session.add(AttendanceMarkId(mark_id="clave-undo", session_id=sessions[1].id,
                                     enrollment_id=theirs.id))
    _db.session.flush()
    recompute([mine.id, theirs.id, only_theirs.id])
    issue_for(theirs)  # 16 h of 20: complete, with its document
    _db.session.commit()


def _state(db):
    """Every row the merge touches, as plain tuples."""
    def rows(model, order):
        table = model.__table__
        return [tuple(r) for r in db.session.execute(select(table).order_by(*order))]

    return {
        "people": rows(Person, [Person.id]),
        "sensitive": rows(PersonSensitive, [PersonSensitive.person_id]),
        "consents": rows(Consent, [Consent.id]),
        "enrollments": rows(Enrollment, [Enrollment.id]),
        "marks": rows(Attendance, [Attendance.id]),
        "keys": rows(AttendanceMarkId, [AttendanceMarkId.mark_id]),
        "documents": [tuple(r) for r in db.session.execute(
            select(Certificate.id, Certificate.enrollment_id).order_by(Certificate.id))],
    }


def test_undo_restores_both_people_as_they_were(client, login, admin, db):
    survivor, duplicate = merge_pair()
    _history(survivor, duplicate)
    before = _state(db)
    survivor_id, duplicate_id = survivor.id, duplicate.id
    login(admin)
    assert _merge(client, survivor, duplicate, "1090000001").status_code == 302
    db.session.expire_all()
    merged = _state(db)
    assert merged != before and db.session.get(Person, duplicate_id) is None
    page = client.get(f"/personas/{survivor_id}/fusionar").text
    assert "Deshacer la fusión" in page and "TI 1090000002" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    response = client.post(f"/personas/{survivor_id}/fusiones/{entry.id}/deshacer")
    assert response.status_code == 302
    assert "Fusión deshecha" in client.get(response.headers["Location"]).text
    db.session.expire_all()
    assert _state(db) == before
    undone = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unmerge"))
    assert undone.actor_id == admin.id and undone.changes["merge_entry_id"] == entry.id
    # Once undone, there is nothing left to undo.
    again = client.post(f"/personas/{survivor_id}/fusiones/{entry.id}/deshacer",
                        follow_redirects=True)
    assert "Solo se puede deshacer la última fusión" in again.text
    assert _state(db) == before


def test_undo_is_refused_after_thirty_days(client, login, admin, db):
    survivor, duplicate = merge_pair()
    login(admin)
    _merge(client, survivor, duplicate, "1090000001")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    entry.at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert "Deshacer la fusión" not in client.get(f"/personas/{survivor.id}/fusionar").text
    response = client.post(f"/personas/{survivor.id}/fusiones/{entry.id}/deshacer",
                           follow_redirects=True)
    assert "durante 30 días" in response.text
    assert db.session.get(Person, duplicate.id) is None
