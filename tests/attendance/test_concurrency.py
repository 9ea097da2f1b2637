"""Concurrent writers on PostgreSQL: 16 threads, 2,000 marks, real commits."""

import random
import threading
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from lms.attendance.marks import Mark, record_marks
from lms.attendance.models import CREDITING, Attendance
from lms.audit.models import AuditEntry
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from tests import factories
from tests.browser.conftest import _truncate_all as _truncate

THREADS, MARKS, PEOPLE = 16, 2000, 8
#: The random phase never uses "tarde", so the final burst always changes every mark.
RANDOM_STATUSES = ("presente", "excusa", "ausente")


def test_sixteen_threads_never_lose_or_duplicate_a_mark(app):
    """On PostgreSQL the writers really race; on SQLite they queue on its single writer."""
    _truncate(app)
    try:
        with app.app_context():
            trainer = factories.user(role="trainer")
            cohort = factories.cohort(trainers=[trainer])
            sessions = [factories.session(cohort, day=cohort.start_date.replace(day=d + 1),
                                          hours="2") for d in range(THREADS)]
            enrollments = [factories.enrollment(cohort) for _ in range(PEOPLE)]
            _db.session.commit()
            keys = [(s.id, e.id) for s in sessions for e in enrollments]
            sessions_ids = [s.id for s in sessions]
            enrollment_ids = [e.id for e in enrollments]
            trainer_id = trainer.id
            hours = {s.id: s.hours for s in sessions}
        plan = random.Random(7)
        burst = PEOPLE  # per thread
        work = [[(plan.choice(keys), plan.choice(RANDOM_STATUSES),
                  plan.choice(("web", "qr", "api"))) for _ in range(MARKS // THREADS - burst)]
                for _ in range(THREADS)]
        # Then, at once, thread i marks session i "tarde" for everybody: 16 writers of
        # the same enrollment at the same moment, the worst case for the hours credited.
        finale = [[((sessions_ids[i], e), "tarde", "web") for e in enrollment_ids]
                  for i in range(THREADS)]
        lock, log, failures = threading.Lock(), [], []
        start = threading.Barrier(THREADS, timeout=120)

        def writer(batch, last):
            try:
                with app.app_context():
                    start.wait()
                    for n, ((session_id, enrollment_id), status, source) in enumerate(
                        batch + last
                    ):
                        if n == len(batch):
                            start.wait()
                        result = record_marks(
                            [Mark(session_id, enrollment_id, status)], source=source,
                            actor_id=None if source == "qr" else trainer_id)
                        # Commit under the lock, so the log's order is the commit order.
                        with lock:
                            _db.session.commit()
                            if result.written:
                                log.append(((session_id, enrollment_id), status))
                    _db.session.remove()
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(repr(exc))

        threads = [threading.Thread(target=writer, args=(b, f)) for b, f in zip(work, finale,
                                                                               strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:3]

        expected = {}
        for key, status in log:
            expected[key] = status
        with app.app_context():
            rows = _db.session.execute(
                select(Attendance.session_id, Attendance.enrollment_id, Attendance.status)).all()
            stored = {(s, e): status for s, e, status in rows}
            assert len(rows) == len(stored) == len(expected)  # no duplicate, no lost row
            assert stored == expected  # no lost update
            audited = _db.session.scalar(select(func.count(AuditEntry.id)).where(
                AuditEntry.entity == "attendance"))
            assert audited == len(log)
            credited = defaultdict(Decimal)
            for (s, e), status in expected.items():
                if status in CREDITING:
                    credited[e] += hours[s]
            for enrollment in _db.session.scalars(select(Enrollment)):
                assert enrollment.hours_credited == credited[enrollment.id] == 2 * THREADS
                assert enrollment.status == "completo"
            _db.session.remove()
    finally:
        _truncate(app)
