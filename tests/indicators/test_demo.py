"""``flask lms demo --people N``: realistic, consistent, deterministic synthetic data."""

from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from lms.attendance.models import CREDITING, Attendance
from lms.certificates.models import Certificate
from lms.courses.models import Cohort, Course, CourseSession, Enrollment, Site
from lms.demo.build import build
from lms.people.models import Consent, Person


def test_demo_command_builds_consistent_data(runner, db):
    result = runner.invoke(args=["lms", "demo", "--people", "400", "--seed", "11",
                                 "--fast-documents"])
    assert result.exit_code == 0, result.output
    assert "400  personas" in result.output and "inscripciones" in result.output
    s = db.session
    assert s.scalar(select(func.count(Person.id))) == 400
    assert {z for (z,) in s.execute(select(Site.zone).distinct())} == {"urbana", "rural"}
    kinds = {k for (k,) in s.execute(select(Person.document_type).distinct())}
    assert {"CC", "TI", "PPT"} <= kinds
    codes = {c for (c,) in s.execute(select(Course.code).join(Cohort).distinct())}
    assert codes == {"TIC-BASICO", "ALFA-DIGITAL", "GOB-DIGITAL"}
    # Every person has a consent; every minor's consent names a guardian.
    assert s.scalar(select(func.count(func.distinct(Consent.person_id)))) == 400
    minors = s.scalars(select(Consent).join(Person).where(Person.document_type == "TI")).all()
    assert minors and all(c.guardian_name and c.guardian_document for c in minors)
    # hours_credited and completed_on follow the attendance marks (the completion rule).
    marks = defaultdict(list)
    rows = s.execute(
        select(Attendance.enrollment_id, Attendance.status, CourseSession.date,
               CourseSession.hours).join(CourseSession, CourseSession.id == Attendance.session_id)
    )
    for eid, status, day, hours in rows:
        marks[eid].append((day, hours if status in CREDITING else Decimal(0)))
    enrollments = s.scalars(select(Enrollment)).all()
    assert len(enrollments) >= 550
    for e in enrollments:
        required = e.cohort.course.hours * e.cohort.course.min_attendance_pct / 100
        running, first = Decimal(0), None
        for day, hours in sorted(marks[e.id]):
            running += hours
            if first is None and running >= required:
                first = day
        assert running == e.hours_credited and first == e.completed_on, e.id
        assert (e.status == "completo") == (first is not None)
    certified = s.scalars(select(Certificate)).all()
    assert certified and all(
        c.enrollment.completed_on == c.completed_on and c.course_code == "ALFA-DIGITAL"
        for c in certified
    )
    # One valid document per person and course, as issuing decides (issue 9 part 18).
    held = Counter((c.enrollment.person_id, c.course_code) for c in certified if c.is_valid)
    assert held and max(held.values()) == 1
    again = runner.invoke(args=["lms", "demo", "--people", "5", "--seed", "11"])
    assert again.exit_code != 0 and "semilla 11" in again.output


def test_same_seed_same_data(db):
    def snapshot():
        return db.session.execute(
            select(Person.document_type, Person.document_number, Person.first_names,
                   Person.birth_date).order_by(Person.id)
        ).all()

    savepoint = db.session.begin_nested()
    build(120, seed=3, documents="placeholder")
    first = snapshot()
    savepoint.rollback()
    savepoint = db.session.begin_nested()
    build(120, seed=3, documents="placeholder")
    assert snapshot() == first and len(first) == 120
    savepoint.rollback()


def test_bad_people_count(runner):
    result = runner.invoke(args=["lms", "demo", "--people", "0"])
    assert result.exit_code != 0 and "--people" in result.output


def test_demo_accounts_use_the_apps_password_hashing(runner, db):
    from lms.auth.models import User

    result = runner.invoke(args=["lms", "demo", "--people", "60", "--seed", "23",
                                 "--fast-documents"])
    assert result.exit_code == 0, result.output
    hashes = db.session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("scrypt:") for h in hashes)


def test_demo_is_relative_to_today_and_prints_two_accounts(runner, db, client):
    from lms.attendance.models import Attendance as Mark
    from lms.auth.models import User
    from lms.timeutil import local_today

    result = runner.invoke(args=["lms", "demo", "--people", "80", "--seed", "31",
                                 "--fast-documents"])
    assert result.exit_code == 0, result.output
    today = local_today()
    trainer = db.session.scalars(select(User).where(User.role == "trainer", User.active)).one()
    mine = select(CourseSession.id).join(Cohort).where(
        CourseSession.date == today, Cohort.trainers.any(User.id == trainer.id))
    assert db.session.scalars(mine).all()
    years = {d.year for d in db.session.scalars(select(CourseSession.date))}
    assert today.year in years
    marked = select(func.max(CourseSession.date)).join(Mark, Mark.session_id == CourseSession.id)
    assert db.session.scalar(marked) <= today
    for role in ("Formador", "Analista"):
        line = next(x for x in result.output.splitlines() if x.strip().startswith(role + ":"))
        email, password = line.split(": ", 1)[1].split(" · contraseña: ")
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, (role, response.status_code)
        client.post("/logout")


def test_demo_keeps_the_plan_period(runner, db):
    result = runner.invoke(args=["lms", "demo", "--people", "60", "--seed", "32",
                                 "--period", "2020-2023", "--fast-documents"])
    assert result.exit_code == 0, result.output
    years = {d.year for d in db.session.scalars(select(CourseSession.date))}
    assert min(years) == 2020 and max(years) <= 2024
    bad = runner.invoke(args=["lms", "demo", "--people", "5", "--period", "2023"])
    assert bad.exit_code != 0 and "AAAA-AAAA" in bad.output
