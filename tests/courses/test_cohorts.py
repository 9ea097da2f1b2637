"""Cohorts and sessions through the web pages, for each role."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.courses.models import Cohort, CourseSession
from lms.timeutil import local_today
from tests import factories


def cohort_data(course, site, trainers=(), **overrides):
    data = {
        "code": "g-2021-01",
        "course_id": str(course.id),
        "site_id": str(site.id),
        "trainer_ids": [str(t.id) for t in trainers],
        "start_date": "2021-02-01",
        "end_date": "2021-03-31",
        "capacity": "25",
        "modality": "presencial",
    }
    data.update(overrides)
    return data


def session_count(db, cohort=None):
    query = select(func.count(CourseSession.id))
    if cohort is not None:
        query = query.where(CourseSession.cohort_id == cohort.id)
    return db.session.scalar(query)


def test_admin_creates_a_cohort_with_trainers(client, login, admin, trainer, db):
    course, site = factories.course(), factories.site()
    login(admin)
    assert trainer.name in client.get("/grupos/nuevo").get_data(as_text=True)
    response = client.post("/grupos/nuevo", data=cohort_data(course, site, [trainer]))
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "G-2021-01"))
    assert [t.id for t in cohort.trainers] == [trainer.id]
    assert (cohort.capacity, cohort.start_date) == (25, date(2021, 2, 1))
    page = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert trainer.name in page and f"/personas/nueva?grupo={cohort.id}" in page
    other = factories.user(role="trainer")
    response = client.post(
        f"/grupos/{cohort.id}/editar", data=cohort_data(course, site, [other], code="G-2021-01")
    )
    assert response.status_code == 302
    assert [t.id for t in cohort.trainers] == [other.id]
    trail = db.session.scalars(
        select(AuditEntry.changes)
        .where(AuditEntry.entity == "cohorts", AuditEntry.entity_id == cohort.id)
        .order_by(AuditEntry.id)
    ).all()
    changes = [c["trainer_ids"] for c in trail if "trainer_ids" in c]
    assert changes == [[[], [trainer.id]], [[trainer.id], [other.id]]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "2021-01-01"}, "La fecha de fin no puede ser anterior a la de inicio."),
        ({"capacity": "0"}, "La capacidad debe ser un número entero mayor que 0."),
        ({"code": ""}, "Este campo es obligatorio."),
    ],
)
def test_bad_cohort_is_refused(client, login, admin, db, overrides, message):
    login(admin)
    data = cohort_data(factories.course(), factories.site(), **overrides)
    response = client.post("/grupos/nuevo", data=data)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Cohort.id))) == 0


def test_only_trainers_can_be_assigned_and_inactive_course_refused(client, login, admin, db):
    analyst = factories.user(role="analyst")
    course = factories.course(active=False)
    login(admin)
    response = client.post("/grupos/nuevo", data=cohort_data(course, factories.site(), [analyst]))
    html = response.get_data(as_text=True)
    assert "Solo se pueden asignar usuarios activos con rol formador." in html
    assert f"El curso {course.code} está inactivo." in html


def test_trainer_sees_only_own_cohorts(client, login, trainer, other_trainer, db):
    mine = factories.cohort(trainers=[trainer])
    theirs = factories.cohort(trainers=[other_trainer])
    login(trainer)
    html = client.get("/grupos").get_data(as_text=True)
    assert "Mis grupos" in html
    assert mine.code in html and theirs.code not in html
    assert client.get(f"/grupos/{mine.id}").status_code == 200
    assert client.get(f"/grupos/{theirs.id}").status_code == 403
    assert client.get("/grupos/nuevo").status_code == 403
    assert client.get(f"/grupos/{mine.id}/editar").status_code == 403


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_admin_and_analyst_see_all_cohorts(client, login, db, role):
    cohorts = [factories.cohort(), factories.cohort()]
    login(factories.user(role=role))
    html = client.get("/grupos").get_data(as_text=True)
    assert all(c.code in html for c in cohorts)
    assert ("Nuevo grupo" in html) == (role == "admin")


def _cohort_with_person(trainer=None):
    cohort = factories.cohort(trainers=[trainer] if trainer else [])
    person = factories.person(first_names="Yurley", last_names="Contreras")
    factories.enrollment(cohort=cohort, person_=person, status="en_curso")
    return cohort, person


def test_cohort_page_shows_names_to_its_trainer(client, login, trainer, db):
    cohort, person = _cohort_with_person(trainer)
    login(trainer)
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert "Yurley Contreras" in html and person.document_number not in html
    assert "Inscribir persona" not in html and "Nueva sesión" in html


def test_cohort_page_shows_only_counts_to_analyst(client, login, analyst, db):
    cohort, person = _cohort_with_person()
    login(analyst)
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert "Yurley" not in html and person.document_number not in html
    assert "En curso: 1" in html
    assert "Nueva sesión" not in html
    assert client.get(f"/grupos/{cohort.id}/sesiones/nueva").status_code == 403


def test_cohort_pages_redirect_anonymous(client, db):
    cohort = factories.cohort()
    for url in ("/grupos", f"/grupos/{cohort.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sessions_link_to_roster_and_today_is_highlighted(client, login, admin, db):
    today = local_today()
    cohort = factories.cohort(start_date=today - timedelta(3), end_date=today + timedelta(30))
    session = factories.session(cohort, day=today)
    login(admin)
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert f"/sesiones/{session.id}/asistencia" in html
    assert 'aria-current="date"' in html and ">Hoy<" in html


def test_session_outside_cohort_dates_is_refused_naming_the_date(client, login, admin, db):
    cohort = factories.cohort(start_date=date(2021, 2, 1), end_date=date(2021, 3, 31))
    login(admin)
    response = client.post(
        f"/grupos/{cohort.id}/sesiones/nueva",
        data={"date": "2021-04-05", "start_time": "08:00", "hours": "3", "topic": "Correo"},
    )
    html = response.get_data(as_text=True)
    assert "La fecha de la sesión (05/04/2021) está fuera de las fechas del grupo" in html
    assert 'value="Correo"' in html
    assert session_count(db, cohort) == 0
    response = client.post(
        f"/grupos/{cohort.id}/sesiones/nueva",
        data={"date": "2021-02-03", "start_time": "08:00", "hours": "13"},
    )
    assert "La duración debe ser mayor que 0 y de máximo 12 horas." in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/grupos/{cohort.id}/sesiones/nueva",
        data={"date": "2021-02-03", "start_time": "08:00", "hours": "3,5", "topic": "Correo"},
    )
    assert response.status_code == 302
    session = db.session.scalar(select(CourseSession).where(CourseSession.cohort_id == cohort.id))
    assert (session.hours, session.start_time, session.topic) == (
        Decimal("3.50"),
        time(8, 0),
        "Correo",
    )
    response = client.post(
        f"/grupos/{cohort.id}/sesiones/nueva", data={"date": "2021-02-03", "hours": "2"}
    )
    assert "El grupo ya tiene una sesión el 03/02/2021." in response.get_data(as_text=True)


def test_recurring_series_skips_existing_dates(client, login, trainer, db):
    cohort = factories.cohort(
        trainers=[trainer], start_date=date(2021, 3, 1), end_date=date(2021, 3, 31)
    )
    factories.session(cohort, day=date(2021, 3, 3))
    login(trainer)
    response = client.post(
        f"/grupos/{cohort.id}/sesiones/serie",
        data={
            "first_date": "2021-03-01",
            "last_date": "2021-03-14",
            "weekdays": ["0", "2"],
            "start_time": "14:00",
            "hours": "2",
            "topic": "Módulo 1",
        },
    )
    assert response.status_code == 302
    days = db.session.scalars(
        select(CourseSession.date)
        .where(CourseSession.cohort_id == cohort.id)
        .order_by(CourseSession.date)
    ).all()
    assert days == [date(2021, 3, d) for d in (1, 3, 8, 10)]
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert "Se crearon 3 sesiones." in html
    assert "Se omitió 1 fecha que ya tenía sesión: 03/03/2021." in html


def test_series_leaves_out_colombian_public_holidays_unless_asked(client, login, trainer, db):
    """Mondays of August 2026: the 17th is La Asunción, moved to Monday by Ley Emiliani."""
    cohort = factories.cohort(
        trainers=[trainer], start_date=date(2026, 8, 1), end_date=date(2026, 8, 31)
    )
    login(trainer)
    data = {"first_date": "2026-08-01", "last_date": "2026-08-31", "weekdays": ["0", "4"],
            "hours": "2"}
    response = client.post(f"/grupos/{cohort.id}/sesiones/serie", data=data)
    assert response.status_code == 302
    days = set(db.session.scalars(
        select(CourseSession.date).where(CourseSession.cohort_id == cohort.id)))
    # 7 August (Batalla de Boyacá, a Friday) and 17 August (La Asunción) have no session.
    assert date(2026, 8, 7) not in days and date(2026, 8, 17) not in days
    assert {date(2026, 8, 3), date(2026, 8, 10), date(2026, 8, 24), date(2026, 8, 31)} <= days
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert "Se crearon 7 sesiones." in html
    assert "Días festivos en la serie, sin sesión: 07/08/2026 (Batalla de Boyacá)" in html
    assert "17/08/2026 (La Asunción" in html
    other = factories.cohort(
        trainers=[trainer], start_date=date(2026, 8, 1), end_date=date(2026, 8, 31)
    )
    client.post(f"/grupos/{other.id}/sesiones/serie",
                data={**data, "weekdays": ["0"], "include_holidays": "y"})
    assert date(2026, 8, 17) in set(db.session.scalars(
        select(CourseSession.date).where(CourseSession.cohort_id == other.id)))
    html = client.get(f"/grupos/{other.id}").get_data(as_text=True)
    assert "Atención: se programó una sesión en día festivo: 17/08/2026" in html


def test_series_errors(client, login, admin, db):
    cohort = factories.cohort(start_date=date(2021, 3, 1), end_date=date(2021, 3, 31))
    login(admin)
    url = f"/grupos/{cohort.id}/sesiones/serie"
    base = {"first_date": "2021-03-01", "last_date": "2021-04-30", "weekdays": ["1"], "hours": "2"}
    html = client.post(url, data=base).get_data(as_text=True)
    assert "La fecha final de la serie (30/04/2021) está fuera de las fechas del grupo" in html
    html = client.post(url, data={**base, "last_date": "2021-03-31", "weekdays": []}).get_data(
        as_text=True
    )
    assert "Elija al menos un día de la semana." in html
    assert session_count(db, cohort) == 0


def test_admin_edits_and_deletes_sessions(client, login, admin, db):
    cohort = factories.cohort(start_date=date(2021, 3, 1), end_date=date(2021, 3, 31))
    session = factories.session(cohort, day=date(2021, 3, 2))
    login(admin)
    response = client.post(
        f"/sesiones/{session.id}/editar",
        data={"date": "2021-03-04", "start_time": "09:30", "hours": "4", "topic": "Internet"},
    )
    assert response.status_code == 302
    assert (session.date, session.start_time) == (date(2021, 3, 4), time(9, 30))
    html = client.post(
        f"/sesiones/{session.id}/editar", data={"date": "2021-05-01", "hours": "4"}
    ).get_data(as_text=True)
    assert "fuera de las fechas del grupo" in html
    assert client.post(f"/sesiones/{session.id}/eliminar").status_code == 302
    assert session_count(db, cohort) == 0


def test_session_with_attendance_cannot_be_deleted(client, login, admin, db):
    from lms.attendance.models import Attendance

    cohort = factories.cohort()
    session = factories.session(cohort)
    enrollment = factories.enrollment(cohort=cohort)
    db.session.add(
        Attendance(session=session, enrollment=enrollment, status="presente", source="web")
    )
    db.session.flush()
    login(admin)
    client.post(f"/sesiones/{session.id}/eliminar")
    assert session_count(db, cohort) == 1
    html = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert "ya tiene asistencia registrada; no se puede eliminar." in html


def test_trainer_cannot_edit_or_delete_sessions(client, login, trainer, db):
    cohort = factories.cohort(trainers=[trainer])
    session = factories.session(cohort)
    login(trainer)
    assert client.get(f"/sesiones/{session.id}/editar").status_code == 403
    assert client.post(f"/sesiones/{session.id}/eliminar").status_code == 403


def test_cohort_dates_cannot_leave_sessions_outside(client, login, admin, db):
    cohort = factories.cohort(start_date=date(2021, 3, 1), end_date=date(2021, 3, 31))
    factories.session(cohort, day=date(2021, 3, 20))
    login(admin)
    data = cohort_data(
        cohort.course, cohort.site, code=cohort.code, start_date="2021-03-01", end_date="2021-03-10"
    )
    html = client.post(f"/grupos/{cohort.id}/editar", data=data).get_data(as_text=True)
    assert "Hay sesiones fuera de las nuevas fechas (20/03/2021)" in html
    assert cohort.end_date == date(2021, 3, 31)
