"""Races of attendance writers: deadlocks never reach a user, the audit tells the truth,
and nobody marks a session that has not happened yet (issue 9 part 17, issue 16 part 2).

The retry tests provoke a deadlock's error by hand, so they run on both databases; the
replay test makes real ones possible with 32 clients on PostgreSQL.
"""

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from lms import database
from lms.attendance import roster
from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.auth.services import create_token
from lms.extensions import db as _db
from lms.timeutil import local_today
from tests import factories
from tests.conftest import STUCK


class _Deadlock(Exception):
    sqlstate = "40P01"


def _deadlock() -> OperationalError:
    return OperationalError("UPDATE attendance ...", {}, _Deadlock("deadlock detected"))


@pytest.fixture
def deadlocking(monkeypatch):
    """Make the roster's tap fail with a deadlock ``fails`` times; count its runs."""
    runs = Counter()
    real = roster.mark_one

    def install(fails: int):
        def mark_one(*args, **kwargs):
            runs["n"] += 1
            if runs["n"] <= fails:
                _db.session.execute(text("SELECT 1"))
                raise _deadlock()
            return real(*args, **kwargs)

        monkeypatch.setattr(roster, "mark_one", mark_one)
        monkeypatch.setattr(database, "PAUSE", 0.001)
        return runs

    return install


def _tap(client, session, enrollment, status="presente", **kw):
    return client.post(f"/sesiones/{session.id}/asistencia/marcar",
                       data={"enrollment_id": enrollment.id, "status": status}, **kw)


def test_a_deadlock_victim_runs_again_and_succeeds(client, login, db, group, deadlocking):
    runs = deadlocking(fails=2)
    login(group["trainer"])
    s, e = group["sessions"][0], group["enrollments"][0]
    r = _tap(client, s, e, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json["ok"], r.get_data(as_text=True)
    assert runs["n"] == 3
    assert db.session.scalar(select(Attendance.status).where(
        Attendance.session_id == s.id, Attendance.enrollment_id == e.id)) == "presente"
    # One audit entry: the runs that failed left nothing behind.
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.entity == "attendance")) == 1


def test_a_deadlock_that_persists_is_a_503_with_retry_after(client, login, db, group,
                                                          deadlocking):
    runs = deadlocking(fails=99)
    login(group["trainer"])
    s, e = group["sessions"][0], group["enrollments"][0]
    r = _tap(client, s, e)
    assert r.status_code == 503 and r.headers["Retry-After"].isdigit()
    assert "ocupado" in r.get_data(as_text=True)
    assert runs["n"] == database.ATTEMPTS
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_no_source_marks_a_future_session(client, login, db, group):
    trainer, cohort = group["trainer"], group["cohort"]
    cohort.end_date = local_today() + timedelta(days=30)
    future = factories.session(cohort, day=local_today() + timedelta(days=1))
    e = group["enrollments"][0]
    db.session.commit()
    login(trainer)
    wanted = f"La sesión del {future.date.strftime('%d/%m/%Y')} aún no ha ocurrido"
    r = _tap(client, future, e, headers={"Accept": "application/json"})
    assert r.status_code == 422 and wanted in r.json["message"]
    api = client.put(f"/api/v1/sessions/{future.id}/attendance",
                     headers={"Authorization": f"Bearer {create_token(trainer, 'p')}"},
                     json=[{"document_type": e.person.document_type,
                            "document_number": e.person.document_number,
                            "status": "presente", "mark_id": "f-1"}])
    assert api.status_code == 422 and wanted in api.json["detail"]
    walk = client.post(f"/sesiones/{future.id}/asistencia/ingreso", data={
        "document_type": e.person.document_type, "document_number": e.person.document_number,
        "birth_year": e.person.birth_date.year})
    assert walk.status_code == 422 and wanted in walk.get_data(as_text=True)
    # Today's session is fine.
    today = factories.session(cohort, day=local_today())
    db.session.commit()
    assert _tap(client, today, e, headers={"Accept": "application/json"}).status_code == 200
    assert db.session.scalars(select(Attendance.session_id)).all() == [today.id]


#: The replay scenario: 32 clients, 4 sessions of 10 people, each client sending 6 batches.
CLIENTS, SESSIONS, PEOPLE, ROUNDS = 32, 4, 10, 6
VARIANTS = ("presente", "tarde", "excusa", "ausente")


def _deadlocks(url) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            return conn.execute(text(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
            )).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_replay_with_32_clients_no_deadlock_no_5xx_one_create_per_row(committed):
    app = committed
    with app.app_context():
        trainer = factories.user(role="trainer")
        cohort = factories.cohort(trainers=[trainer])
        sessions = [factories.session(cohort, day=cohort.start_date + timedelta(days=d))
                    for d in range(SESSIONS)]
        enrollments = [factories.enrollment(cohort) for _ in range(PEOPLE)]
        token = create_token(trainer, "replay")
        _db.session.commit()
        url = _db.engine.url.render_as_string(hide_password=False)
        session_ids = [s.id for s in sessions]
        people = [(e.id, e.person.document_type, e.person.document_number) for e in enrollments]
        _db.session.remove()
    before = _deadlocks(url)
    plan = random.Random(16)
    # Clients of one variant send the same keys (replays after a timeout), each in its own
    # order; the four variants race to create the same new pairs with different statuses.
    batches = []
    for i in range(CLIENTS):
        variant = i % len(VARIANTS)
        mine = []
        for r in range(ROUNDS):
            session_id = session_ids[(i + r) % SESSIONS]
            items = [{"document_type": t, "document_number": n, "status": VARIANTS[variant],
                      "mark_id": f"{session_id}-{e}-{variant}"} for e, t, n in people]
            plan.shuffle(items)
            mine.append((session_id, items))
        batches.append(mine)
    statuses: list[int] = []
    created: list[int] = []
    barrier = threading.Barrier(CLIENTS, timeout=STUCK)

    def client_run(i: int) -> None:
        api = FlaskClient(app, app.response_class)
        barrier.wait()
        for session_id, items in batches[i]:
            r = api.put(f"/api/v1/sessions/{session_id}/attendance", json=items,
                        headers={"Authorization": f"Bearer {token}"})
            statuses.append(r.status_code)
            if r.status_code == 200:
                created.append(r.json["created"])

    threads = [threading.Thread(target=client_run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(STUCK)
    assert not any(t.is_alive() for t in threads)
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()  # backends flush their statistics when they end
    assert len(statuses) == CLIENTS * ROUNDS
    assert Counter(statuses) == {200: CLIENTS * ROUNDS}
    with app.app_context():
        rows = _db.session.execute(select(Attendance.id, Attendance.session_id)).all()
        assert len(rows) == SESSIONS * PEOPLE
        creates = Counter(_db.session.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.entity == "attendance", AuditEntry.action == "create")))
        assert creates == {row_id: 1 for row_id, _ in rows}
        _db.session.remove()
        _db.engine.dispose()
    assert sum(created) == SESSIONS * PEOPLE  # only the inserter said "created"
    for _ in range(30):  # statistics reach the shared counters within about a second
        after = _deadlocks(url)
        if after != before:
            break
        threading.Event().wait(0.1)
    assert after - before == 0
