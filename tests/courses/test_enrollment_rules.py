"""Who may enroll whom, where (issue 9 parts 1, 17 and 18).

- A trainer enrolls only the person whose exact document they type at a session of their
  own cohort (the walk-in), into an open cohort with a seat; enrolling by id is for admins,
  so a trainer cannot walk the register by ids and read anyone's data. A trainer's
  enrollments are withdrawn, never deleted.
- One capacity check for the enroll form, walk-ins, the API and planillas.
- An ended cohort takes someone only from an admin with a reason, kept in the audit trail.
- Whoever enrolls a holder of a valid document of the course is warned.
"""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.auth.services import create_token
from lms.certificates.issue import issue_for
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from lms.people.services import seed_reference_data
from lms.timeutil import local_today
from tests import factories
from tests.conftest import at_once

TODAY = local_today()


def _bearer(user):
    return {"Authorization": f"Bearer {create_token(user, 'reglas')}"}


def _enrolled(db, cohort) -> int:
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort.id))


@pytest.fixture
def open_group(db, trainer):
    """The trainer's open cohort (capacity 3) with a session today."""
    seed_reference_data()
    cohort = factories.cohort(trainers=[trainer], capacity=3, start_date=TODAY - timedelta(30),
                              end_date=TODAY + timedelta(60))
    session = factories.session(cohort, day=TODAY)
    db.session.commit()
    return cohort, session


def _walk_in(client, session, person=None, **extra):
    data = {"document_type": person.document_type if person else "CC",
            "document_number": person.document_number if person else "1090777001",
            "first_names": "Nueva", "last_names": "Persona", "birth_date": "1990-01-01",
            "sex": "F", "zone": "urbana", "consent": "y", **extra}
    if person is not None and person.birth_date is not None:
        data.setdefault("birth_year", person.birth_date.year)  # the trainer asks it on the spot
    return client.post(f"/sesiones/{session.id}/asistencia/ingreso", data=data,
                       headers={"Accept": "application/json"})


# -- part 1: trainers and personal data ----------------------------------------------------

def test_trainer_cannot_enroll_by_id_and_so_cannot_read_strangers(client, trainer, open_group,
                                                                  db):
    cohort, _ = open_group
    stranger = factories.person(phone="3001112233")
    db.session.commit()
    headers = _bearer(trainer)
    response = client.post("/api/v1/enrollments", headers=headers,
                           json={"person_id": stranger.id, "cohort_id": cohort.id})
    assert response.status_code == 403
    assert _enrolled(db, cohort) == 0
    assert client.get(f"/api/v1/people/{stranger.id}", headers=headers).status_code == 403
    listed = client.post("/api/v1/people/search", json={"q": stranger.document_number},
                         headers=headers)
    assert listed.status_code == 200 and listed.get_json()["total"] == 0


def test_ended_cohorts_of_their_own_are_closed_to_trainers(client, login, trainer, db):
    seed_reference_data()
    old = factories.cohort(trainers=[trainer], start_date=date(2019, 2, 1),
                           end_date=date(2019, 6, 30))
    session = factories.session(old, day=date(2019, 3, 1))
    stranger = factories.person()
    db.session.commit()
    login(trainer)
    response = _walk_in(client, session, stranger)
    assert response.status_code == 422
    assert "terminó" in " ".join(str(v) for v in response.get_json().values())
    assert _enrolled(db, old) == 0
    headers = _bearer(trainer)
    assert client.get(f"/api/v1/people/{stranger.id}", headers=headers).status_code == 403


def test_trainer_enrolls_by_exact_document_at_a_walk_in(client, login, trainer, open_group, db):
    cohort, session = open_group
    known = factories.person(document_type="CC", document_number="1090222333")
    db.session.commit()
    login(trainer)
    assert client.get(f"/personas/{known.id}").status_code == 403
    response = _walk_in(client, session, known)
    assert response.status_code == 200 and response.get_json()["ok"]
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == known.id))
    assert enrollment.cohort_id == cohort.id and enrollment.enrolled_by_id == trainer.id
    # Now a participant of theirs: the trainer reads their data.
    assert client.get(f"/personas/{known.id}").status_code == 200


def test_a_trainers_enrollment_is_withdrawn_never_deleted(client, login, trainer, admin,
                                                          open_group, db):
    cohort, session = open_group
    login(trainer)
    assert _walk_in(client, session).status_code == 200
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    # Its walk-in mark would keep it anyway; without the mark, the trainer's name does.
    db.session.execute(delete(Attendance).where(Attendance.enrollment_id == enrollment.id))
    db.session.commit()
    url = f"/api/v1/enrollments/{enrollment.id}"
    assert client.delete(url, headers=_bearer(trainer)).status_code == 403
    refused = client.delete(url, headers=_bearer(admin))
    assert refused.status_code == 422 and "formador" in refused.get_json()["detail"]
    assert db.session.get(Enrollment, enrollment.id) is not None
    withdrawn = client.patch(url, json={"status": "retirado"}, headers=_bearer(trainer))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "retirado"


def test_admin_may_delete_their_own_mistake(client, admin, open_group, db):
    cohort, _ = open_group
    person = factories.person()
    db.session.commit()
    created = client.post("/api/v1/enrollments", headers=_bearer(admin),
                          json={"person_id": person.id, "cohort_id": cohort.id})
    assert created.status_code == 201
    url = f"/api/v1/enrollments/{created.get_json()['id']}"
    assert client.delete(url, headers=_bearer(admin)).status_code == 204


# -- part 17: one capacity check; ended cohorts need an admin and a reason -----------------

def _fill(cohort, db, n=None):
    for _ in range(n if n is not None else cohort.capacity):
        factories.enrollment(cohort)
    db.session.commit()


def test_a_full_cohort_is_full_for_every_channel(client, login, admin, trainer, open_group,
                                                 db, runner, tmp_path):
    cohort, session = open_group
    _fill(cohort, db)
    person = factories.person()
    db.session.commit()
    login(admin)
    client.post(f"/personas/{person.id}/inscribir", data={"cohort_id": cohort.id})
    assert "está lleno" in client.get(f"/personas/{person.id}").get_data(as_text=True)
    api = client.post("/api/v1/enrollments", headers=_bearer(admin),
                      json={"person_id": person.id, "cohort_id": cohort.id})
    assert api.status_code == 422 and "lleno" in api.get_json()["detail"]
    login(trainer)
    walk_in = _walk_in(client, session, person)
    assert walk_in.status_code == 422 and "lleno" in str(walk_in.get_json())
    cohort.course.code = "TIC-CUPO"
    cohort.site.code = "CAC-CUPO"
    db.session.commit()
    planilla = tmp_path / "planilla.csv"
    planilla.write_text(
        "curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,sexo,"
        "fecha_nacimiento,zona,estado,autorizacion_datos\n"
        f"TIC-CUPO,{cohort.code},CAC-CUPO,{TODAY.isoformat()},4,{person.document_type},"
        f"{person.document_number},{person.first_names},{person.last_names},F,1990-01-01,"
        "urbana,P,si\n", encoding="utf-8")
    result = runner.invoke(args=["lms", "import-attendance", str(planilla), "--create-new"])
    assert result.exit_code != 0 and "fila 2" in result.output and "lleno" in result.output
    assert _enrolled(db, cohort) == cohort.capacity


def test_a_withdrawal_frees_the_seat(client, login, admin, open_group, db):
    cohort, _ = open_group
    _fill(cohort, db)
    first = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    first.status = "retirado"
    person = factories.person()
    db.session.commit()
    login(admin)
    client.post(f"/personas/{person.id}/inscribir", data={"cohort_id": cohort.id})
    assert _enrolled(db, cohort) == cohort.capacity + 1


def test_an_ended_cohort_takes_a_person_only_with_an_admins_reason(client, login, admin, db):
    ended = factories.cohort(start_date=date(2022, 2, 1), end_date=date(2022, 6, 30))
    person = factories.person()
    db.session.commit()
    login(admin)
    client.post(f"/personas/{person.id}/inscribir", data={"cohort_id": ended.id})
    assert "terminó el 30/06/2022" in client.get(f"/personas/{person.id}").get_data(
        as_text=True)
    assert _enrolled(db, ended) == 0
    api = client.post("/api/v1/enrollments", headers=_bearer(admin),
                      json={"person_id": person.id, "cohort_id": ended.id})
    assert api.status_code == 422 and "reason" in api.get_json()["fields"]
    reason = "Asistió; la planilla en papel llegó tarde"
    done = client.post(f"/personas/{person.id}/inscribir",
                       data={"cohort_id": ended.id, "reason": reason})
    assert done.status_code == 302 and _enrolled(db, ended) == 1
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == ended.id))
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity == "enrollments", AuditEntry.entity_id == enrollment.id,
        AuditEntry.action == "enroll_after_end"))
    assert entry.actor_id == admin.id and entry.changes["reason"] == reason


# -- part 18: a valid document of the course already held ----------------------------------

@pytest.fixture
def holder(db, open_group):
    """Someone holding a valid document of the open cohort's course, from an older cohort."""
    cohort, _ = open_group
    person = factories.person(document_number="1090444555")
    old = factories.cohort(course=cohort.course, end_date=date(2021, 6, 30))
    done = factories.enrollment(old, person, status="completo", hours_credited=20,
                                completed_on=date(2021, 5, 1))
    certificate = issue_for(done)
    db.session.commit()
    return person, certificate


def test_enrolling_a_holder_warns_in_the_form(client, login, admin, open_group, holder):
    cohort, _ = open_group
    person, certificate = holder
    login(admin)
    page = client.post(f"/personas/{person.id}/inscribir", data={"cohort_id": cohort.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "ya tiene un documento vigente" in page and certificate.code in page


def test_enrolling_a_holder_warns_in_the_api_and_the_walk_in(client, login, admin, trainer,
                                                             open_group, holder, db):
    cohort, session = open_group
    person, certificate = holder
    response = client.post("/api/v1/enrollments", headers=_bearer(admin),
                           json={"person_id": person.id, "cohort_id": cohort.id})
    assert response.status_code == 201
    assert any(certificate.code in w for w in response.get_json()["warnings"])
    client.delete(f"/api/v1/enrollments/{response.get_json()['id']}", headers=_bearer(admin))
    login(trainer)
    walk_in = _walk_in(client, session, person)
    assert walk_in.status_code == 200
    assert any("ya tiene un documento vigente" in w for w in walk_in.get_json()["warnings"])


def test_a_revoked_document_gives_no_warning(client, admin, open_group, holder, db):
    cohort, _ = open_group
    person, certificate = holder
    certificate.revoked_at = certificate.issued_at
    db.session.commit()
    response = client.post("/api/v1/enrollments", headers=_bearer(admin),
                           json={"person_id": person.id, "cohort_id": cohort.id})
    assert response.status_code == 201 and "warnings" not in response.get_json()


@pytest.mark.postgres
def test_simultaneous_enrollments_never_overfill(committed):
    app = committed
    with app.app_context():
        admin = factories.user(role="admin")
        cohort = factories.cohort(capacity=3)
        people = [factories.person() for _ in range(8)]
        token = create_token(admin, "cupo")
        _db.session.commit()
        cohort_id, ids = cohort.id, [p.id for p in people]
    headers = {"Authorization": f"Bearer {token}"}
    pending = iter(ids)
    lock = threading.Lock()

    def send(client):
        with lock:
            person_id = next(pending)
        return client.post("/api/v1/enrollments", headers=headers,
                           json={"person_id": person_id, "cohort_id": cohort_id})

    codes = sorted(r.status_code for r in at_once(app, send, count=len(ids)))
    assert codes == [201] * 3 + [422] * 5, codes
    with app.app_context():
        assert _db.session.scalar(select(func.count(Enrollment.id))) == 3
