"""Assignment and Grade Services against the test platform: line item, scores, retries."""

from datetime import date

from sqlalchemy import select

from lms.lti import services_client
from lms.lti.models import Context
from lms.tasks import TaskRecord
from tests import factories
from tests.lti.conftest import launch
from tests.lti.test_framed import _lti_trainer
from tests.ops.conftest import run_due_retries


def _course_with_learner(app, client, db, platform):
    services_client.forget_tokens()
    platform.tool_jwks = client.get("/lti/jwks").get_json()
    launch(client, platform, "profe")
    cohort = factories.cohort(trainers=[_lti_trainer(db)], code="G-LMS-7")
    person = factories.person(document_number="1090777000", birth_date=date(2001, 1, 2))
    enrollment = factories.enrollment(cohort, person)
    sessions = [factories.session(cohort, day=date(2026, 3, d), hours="5") for d in (2, 3, 4)]
    assert client.post("/lti/enlazar", data={"pick-cohort_id": cohort.id}).status_code == 302
    platform.users["estudiante"]["custom"] = {"document_type": "CC",
                                              "document_number": "1090777000"}
    learner = app.test_client()
    launch(learner, platform, "estudiante")
    return cohort, enrollment, sessions


def _mark(client, session, enrollment, status="presente"):
    response = client.post(f"/sesiones/{session.id}/asistencia/marcar",
                           data={"enrollment_id": enrollment.id, "status": status})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_line_item_created_and_scores_follow_attendance(app, client, db, registered):
    cohort, enrollment, sessions = _course_with_learner(app, client, db, registered)
    assert registered.lineitems == [{
        "label": "Asistencia (%)", "scoreMaximum": 100, "resourceId": "G-LMS-7",
        "tag": "asistencia", "id": registered.base + "/lineitems/1"}]
    assert db.session.scalar(select(Context.lineitem_url)) == registered.base + "/lineitems/1"
    first = registered.scores[-1]
    assert (first["userId"], first["scoreGiven"], first["scoreMaximum"]) == ("u-est", 0, 100)
    assert first["gradingProgress"] == "Pending"
    _mark(client, sessions[0], enrollment)  # 5 of 20 hours
    assert registered.scores[-1]["scoreGiven"] == 25
    for session in sessions[1:]:
        _mark(client, session, enrollment)  # 15 h: not yet the 16 required
    assert registered.scores[-1]["scoreGiven"] == 75
    assert len(registered.lineitems) == 1  # found again, never duplicated
    # One token per scope set, reused until it expires.
    assert registered.tokens_issued == 2


def test_a_score_is_retried_after_the_platform_fails_twice(app, client, db, registered):
    _cohort, enrollment, sessions = _course_with_learner(app, client, db, registered)
    before = len(registered.scores)
    registered.fail_scores = 2
    _mark(client, sessions[0], enrollment)
    assert len(registered.scores) == before  # the request answered; the post waits
    record = db.session.scalar(select(TaskRecord).order_by(TaskRecord.id.desc()))
    assert record.state == "retrying" and "HTTP 500" in record.error
    page = client.application.test_client()
    admin = factories.user("admin")
    from lms.auth.sessions import sign_in

    with page.session_transaction() as s:
        sign_in(s, admin.get_id())
    assert f"<td>{record.id}</td>" in page.get("/admin/lti/notas").get_data(as_text=True)
    run_due_retries()
    db.session.expire_all()
    assert (record.state, record.attempts) == ("done", 3)
    assert registered.scores[-1]["scoreGiven"] == 25


