"""The same offline queue sent by many clients at once (retries racing each other) counts
once: real concurrent requests on a committed PostgreSQL database."""

import uuid
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.attendance.offline_models import OfflineMark
from lms.audit.models import AuditEntry
from lms.auth.sessions import sign_in
from lms.extensions import db as _db
from lms.timeutil import local_today, utcnow
from tests import factories
from tests.conftest import at_once

CLIENTS = 8


@pytest.mark.postgres
def test_one_queue_sent_by_eight_clients_at_once_counts_once(committed):
    app = committed
    with app.app_context():
        trainer = factories.user(role="trainer")
        cohort = factories.cohort(trainers=[trainer])
        sessions = [factories.session(cohort, day=local_today() - timedelta(days=d))
                    for d in range(3)]
        enrollments = [factories.enrollment(cohort) for _ in range(20)]
        _db.session.commit()
        ident, user_id = trainer.get_id(), trainer.id
        made = (utcnow() - timedelta(minutes=10)).isoformat() + "Z"
        items = [{"mark_id": str(uuid.uuid4()), "device_id": "tel", "user_id": user_id,
                  "kind": "mark", "session_id": s.id, "enrollment_id": e.id,
                  "status": "presente", "made_at": made, "base": None}
                 for s in sessions for e in enrollments]
        _db.session.remove()

    def send(client: FlaskClient):
        with client.session_transaction() as session:
            sign_in(session, ident)
        return client.post("/app/sincronizar", json={"device_id": "tel", "items": items})

    responses = at_once(app, send, CLIENTS)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * CLIENTS
    for response in responses:
        assert {r["outcome"] for r in response.get_json()["results"]} <= {"applied", "replay"}
    with app.app_context():
        count = lambda model, *w: _db.session.scalar(  # noqa: E731
            select(func.count()).select_from(model).where(*w))
        assert count(Attendance) == len(items)
        assert count(OfflineMark) == len(items)
        assert count(AuditEntry, AuditEntry.entity == "attendance",
                     AuditEntry.action == "create") == len(items)
