"""Roster page: SQL statements and time per request for rosters of 10, 200 and 1,000 people.

Builds its own data (one cohort per size, everybody marked) in a temporary SQLite file,
and in PostgreSQL when BENCH_DATABASE_URL is set. Targets: a constant number of
statements (<= 10) whatever the roster size, and under 150 ms at 1,000 people. Besides the
wall time it prints the process's CPU time per request: on a shared, loaded machine the wall
time is mostly waiting for a core, the CPU time is what the page costs.
``BENCH_PROFILE=1`` prints the profile of one request at the largest size.

    .venv/bin/python bench/attendance_roster.py
"""

import cProfile
import os
import pstats
import statistics
import time
from datetime import date, datetime

from attendance_common import databases, fresh
from sqlalchemy import event

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10,200,1000").split(","))
REPEAT = 20


def build(size: int, trainer_id: int, n: int) -> int:
    from lms.attendance.models import Attendance
    from lms.courses.models import Cohort, CourseSession, Enrollment, cohort_trainers
    from lms.extensions import db
    from lms.people.models import Consent, Person, PrivacyNotice

    notice = db.session.query(PrivacyNotice).first()
    if notice is None:
        notice = PrivacyNotice(version="bench", text="Aviso")
        db.session.add(notice)
        db.session.flush()
    cohort = Cohort(code=f"G-{size}", course_id=1, site_id=1, start_date=date(2023, 2, 1),
                    end_date=date(2023, 6, 30))
    db.session.add(cohort)
    db.session.flush()
    db.session.execute(cohort_trainers.insert(), {"cohort_id": cohort.id, "user_id": trainer_id})
    session = CourseSession(cohort_id=cohort.id, date=date(2023, 2, 1), hours=2)
    db.session.add(session)
    for i in range(size):
        person = Person(document_type="CC", document_number=f"{n}{i:05d}",
                        first_names=f"Nombre {i}", last_names=f"Apellido {i}", sex="F",
                        zone="urbana", birth_date=date(1990, 1, 1))
        db.session.add(person)
        db.session.flush()
        db.session.add(Consent(person_id=person.id, notice_id=notice.id, channel="form",
                               granted_at=datetime(2023, 1, 1)))
        enrollment = Enrollment(person_id=person.id, cohort_id=cohort.id)
        db.session.add(enrollment)
        db.session.flush()
        db.session.add(Attendance(session_id=session.id, enrollment_id=enrollment.id,
                                  status="presente", source="web"))
    db.session.commit()
    return session.id


def main() -> None:
    from decimal import Decimal

    from lms.auth.models import User
    from lms.auth.sessions import sign_in
    from lms.courses.models import Course, Site
    from lms.extensions import db

    for label, url in databases():
        app = fresh(url)
        with app.app_context():
            db.session.add_all([
                Course(code="TIC-BASICO", name="Uso básico de las TIC", hours=Decimal(20),
                       product_code="2301031", document_kind="constancia"),
                Site(code="CAC-1", name="CAC", kind="cac", zone="urbana"),
            ])
            trainer = User(email="f@example.org", name="Formadora", role="trainer",
                           password_hash="x")
            db.session.add(trainer)
            db.session.commit()
            sessions = {size: build(size, trainer.id, n) for n, size in enumerate(SIZES, 1)}
            trainer_id = trainer.id
            engine = db.engine
        client = app.test_client()
        with client.session_transaction() as s:
            sign_in(s, f"{trainer_id}:1")
        print(f"== {label}: GET /sesiones/<id>/asistencia as the cohort's trainer")
        print(f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'personas':>9} {'sentencias SQL':>15} {'ms (mediana de 20)':>20} {'ms CPU':>8}")
        for size, session_id in sessions.items():
            statements = []

            def count(conn, cursor, statement, *args, _s=statements):
                _s.append(statement)

            event.listen(engine, "before_cursor_execute", count)
            response = client.get(f"/sesiones/{session_id}/asistencia")
            event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, response.status_code
            times, cpu = [], []
            for _ in range(REPEAT):
                start, start_cpu = time.perf_counter(), time.process_time()
                client.get(f"/sesiones/{session_id}/asistencia")
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            print(f"{size:>9} {len(statements):>15} {statistics.median(times):>20.1f} "
                  f"{statistics.median(cpu):>8.1f}")
        if os.environ.get("BENCH_PROFILE"):
            profile = cProfile.Profile()
            profile.runcall(client.get, f"/sesiones/{session_id}/asistencia")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
