"""Concurrent writers of attendance, through real requests on a committed database.

- On every database: while one writer holds an enrollment's marks, the other writers of
  that enrollment wait, then see its mark: none is lost or doubled, and the hours add up.
  Its outcome does not depend on the order in which the waiters get their turn.
- On PostgreSQL, where writers really run side by side: sixteen threads send hundreds of
  requests (API batches, then roster taps all at once) and nothing is lost or doubled.
  SQLite has one writer at a time, so there the second test could only measure how
  long a thread may queue, not a race.
"""

import random
import threading
from collections import defaultdict

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.attendance.marks import Mark, record_marks
from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.auth.services import create_token
from lms.auth.sessions import sign_in
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from tests import factories
from tests.browser.conftest import _truncate_all as _truncate

#: Seconds a thread may take before the test calls it stuck (a guard, never reached).
STUCK = 120


@pytest.fixture
def committed(app):
    """An empty, really committed database (requests in threads share no transaction)."""
    _truncate(app)
    yield app
    _truncate(app)


def _client(app, ident: str) -> FlaskClient:
    # A plain client: each request opens its own app context, session and connection.
    client = FlaskClient(app, app.response_class, use_cookies=True)
    with client.session_transaction() as session:
        sign_in(session, ident)
    return client


def _tap(client, session_id: int, enrollment_id: int, status: str):
    return client.post(f"/sesiones/{session_id}/asistencia/marcar",
                       data={"enrollment_id": enrollment_id, "status": status},
                       headers={"Accept": "application/json"})


def _run(threads) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(STUCK)
    assert not any(t.is_alive() for t in threads), "a writer never finished"


def _attendance_audit(app) -> dict[tuple[int, int], list[AuditEntry]]:
    """Audit entries of every mark, oldest first, keyed by (session, enrollment)."""
    with app.app_context():
        entries = _db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "attendance").order_by(AuditEntry.id)
        ).all()
        keys = {a: (s, e) for a, s, e in _db.session.execute(
            select(Attendance.id, Attendance.session_id, Attendance.enrollment_id))}
        chains = defaultdict(list)
        for entry in entries:
            chains[keys[entry.entity_id]].append(entry)
        return chains


def test_writers_of_one_enrollment_wait_their_turn_and_lose_nothing(committed):
    app = committed
    with app.app_context():
        trainer = factories.user(role="trainer")
        cohort = factories.cohort(trainers=[trainer])  # 20 h course: 16 h complete it
        sessions = [factories.session(cohort, day=cohort.start_date.replace(day=d), hours="4")
                    for d in (1, 2, 3, 4, 5)]
        enrollment = factories.enrollment(cohort)
        _db.session.commit()
        trainer_id, enrollment_id = trainer.id, enrollment.id
        s = [x.id for x in sessions]
        days = [x.date for x in sessions]
    # Four taps on other sessions, and the first of them twice (a double tap).
    taps = [s[1], s[1], s[2], s[3], s[4]]
    started = [threading.Event() for _ in taps]
    responses: list = [None] * len(taps)

    def waiter(i: int) -> None:
        client = _client(app, f"{trainer_id}:1")
        started[i].set()
        responses[i] = _tap(client, taps[i], enrollment_id, "tarde")

    with app.app_context():
        # The first writer: its mark is written and its transaction stays open.
        record_marks([Mark(s[0], enrollment_id, "presente")], source="web", actor_id=trainer_id)
        threads = [threading.Thread(target=waiter, args=(i,)) for i in range(len(taps))]
        for t in threads:
            t.start()
        for event in started:
            assert event.wait(STUCK)
        # SQLite holds them at BEGIN IMMEDIATE, PostgreSQL on the enrollment's row lock:
        # however far each waiter got, none can finish before the first writer commits.
        assert responses == [None] * len(taps)
        _db.session.commit()
    for t in threads:
        t.join(STUCK)
    assert all(r is not None and r.status_code == 200 and r.json["ok"] for r in responses), [
        r and (r.status_code, r.get_data(as_text=True)) for r in responses]

    with app.app_context():
        marks = _db.session.execute(
            select(Attendance.session_id, Attendance.status).where(
                Attendance.enrollment_id == enrollment_id).order_by(Attendance.session_id)
        ).all()
        assert [tuple(m) for m in marks] == [(s[0], "presente")] + [(x, "tarde") for x in s[1:]]
        e = _db.session.get(Enrollment, enrollment_id)
        # Every waiter recomputed from the marks committed before it: 5 sessions of 4 h.
        assert e.hours_credited == 20 and e.status == "completo" and e.completed_on == days[3]
    chains = _attendance_audit(app)
    # One audit entry per mark: the double tap found the mark already there.
    assert {key: [x.action for x in chain] for key, chain in chains.items()} == {
        (x, enrollment_id): ["create"] for x in s}


THREADS, PEOPLE, ROUNDS, BATCH = 16, 8, 12, 5
#: The random phase never uses "tarde", so the final taps change every mark.
RANDOM_STATUSES = ("presente", "excusa", "ausente")


@pytest.mark.postgres
def test_sixteen_threads_of_requests_never_lose_or_double_a_mark(committed):
    app = committed
    with app.app_context():
        trainer = factories.user(role="trainer")
        cohort = factories.cohort(trainers=[trainer])
        sessions = [factories.session(cohort, day=cohort.start_date.replace(day=d + 1),
                                      hours="2") for d in range(THREADS)]
        enrollments = [factories.enrollment(cohort) for _ in range(PEOPLE)]
        token = create_token(trainer, "concurrencia")
        _db.session.commit()
        trainer_id = trainer.id
        session_ids = [x.id for x in sessions]
        days = [x.date for x in sessions]
        people = [(e.id, e.person.document_type, e.person.document_number) for e in enrollments]
    plan = random.Random(7)
    # Random phase: API batches of several people at one session, from every thread.
    batches = [[(plan.choice(session_ids),
                 [(doc, plan.choice(RANDOM_STATUSES)) for _, *doc in plan.sample(people, BATCH)])
                for _ in range(ROUNDS)] for _ in range(THREADS)]
    written = [0] * THREADS
    failures: list[str] = []
    barrier = threading.Barrier(THREADS, timeout=STUCK)

    def writer(i: int) -> None:
        try:
            api = FlaskClient(app, app.response_class)
            headers = {"Authorization": f"Bearer {token}"}
            barrier.wait()
            for n, (session_id, items) in enumerate(batches[i]):
                body = [{"document_type": t, "document_number": num, "status": status,
                         "mark_id": f"t{i}-r{n}-{num}"} for (t, num), status in items]
                r = api.put(f"/api/v1/sessions/{session_id}/attendance", json=body,
                            headers=headers)
                if r.status_code != 200:
                    failures.append(f"api {r.status_code} {r.get_data(as_text=True)[:200]}")
                    continue
                written[i] += r.json["created"] + r.json["updated"]
            # Then, at once, thread i taps session i "tarde" for everybody: sixteen writers
            # of each enrollment at the same moment, the worst case for the hours credited.
            roster = _client(app, f"{trainer_id}:1")
            barrier.wait()
            for enrollment_id, *_doc in people:
                r = _tap(roster, session_ids[i], enrollment_id, "tarde")
                if r.status_code != 200:
                    failures.append(f"tap {r.status_code} {r.get_data(as_text=True)[:200]}")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(repr(exc))

    _run([threading.Thread(target=writer, args=(i,)) for i in range(THREADS)])
    assert not failures, failures[:3]

    keys = {(s, e) for s in session_ids for e, *_ in people}
    with app.app_context():
        rows = _db.session.execute(
            select(Attendance.session_id, Attendance.enrollment_id, Attendance.status)).all()
        assert len(rows) == len(keys) and {(s, e) for s, e, _ in rows} == keys  # none doubled
        assert {status for _, _, status in rows} == {"tarde"}
        for e in _db.session.scalars(select(Enrollment)):
            assert e.hours_credited == 2 * THREADS and e.status == "completo"
            assert e.completed_on == days[7]  # 16 h reached at the eighth session
    chains = _attendance_audit(app)
    # Every change written is audited once: what the API reported, plus every final tap.
    assert sum(len(chain) for chain in chains.values()) == sum(written) + len(keys)
    for key, chain in chains.items():
        *earlier, final = chain
        assert final.changes["status"][1] == "tarde" and final.changes["source"][1] == "web"
        # A write only ever changes the status (a repeated one writes nothing) ...
        news = [x.changes["status"][1] for x in chain]
        assert all(a != b for a, b in zip(news, news[1:], strict=False)), (key, news)
        # ... and the final tap found the last status written before it: none was lost.
        if earlier:
            assert final.action == "update", key
            assert final.changes["status"][0] == earlier[-1].changes["status"][1], key
        else:
            assert final.action == "create", key
