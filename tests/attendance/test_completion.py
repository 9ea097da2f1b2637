import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from lms.attendance.signals import enrollment_completed
from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment


def _mark(client, session, enrollment, status):
    r = client.post(f"/sesiones/{session.id}/asistencia/marcar",
                    data={"enrollment_id": enrollment.id, "status": status},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json


def _fresh(db, enrollment):
    db.session.expire_all()
    return db.session.get(Enrollment, enrollment.id)


def test_hours_and_completion_date_follow_session_order(client, login, group, db):
    s, e = group["sessions"], group["enrollments"][0]
    login(group["trainer"])
    received = []

    def listener(sender, **kw):
        received.append(kw)

    with enrollment_completed.connected_to(listener):
        for i in (4, 3, 2):  # marked out of order
            _mark(client, s[i], e, "presente")
        assert _fresh(db, e).status == "en_curso"
        _mark(client, s[1], e, "excusa")  # credits nothing
        assert _fresh(db, e).hours_credited == Decimal("12")
        assert _fresh(db, e).completed_on is None
        body = _mark(client, s[0], e, "tarde")  # tarde credits: 16 h reached
        assert body["completed"] is True
        # Sessions in date order: 4, (0), 4, 4, 4 -> 16 h at the 5th session.
        enrollment = _fresh(db, e)
        assert enrollment.completed_on == s[4].date
        assert enrollment.status == "completo" and enrollment.hours_credited == Decimal("16")
        _mark(client, s[1], e, "presente")  # 20 h: the threshold is now first met on day 4
        assert _fresh(db, e).completed_on == s[3].date
    assert received == [{"enrollment_id": e.id, "completed_on": s[4].date}]
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "enrollments", AuditEntry.entity_id == e.id)).all()
    assert any(x.changes.get("status") == ["en_curso", "completo"] for x in audit)


def test_dropping_below_threshold_undoes_completion(client, login, group, db):
    s, e = group["sessions"], group["enrollments"][0]
    login(group["trainer"])
    for i in range(4):
        _mark(client, s[i], e, "presente")
    assert _fresh(db, e).completed_on == s[3].date
    _mark(client, s[0], e, "ausente")
    enrollment = _fresh(db, e)
    assert enrollment.completed_on is None and enrollment.status == "en_curso"
    assert enrollment.completion_conflict is False


#: Distinct status-list bits for the documents written here (issuing picks random ones).
_STATUS_INDEXES = itertools.count()


def _certificate(db, enrollment, revoked=False, code=None):
    cert = Certificate(
        code=code or f"TEST{enrollment.id}", enrollment_id=enrollment.id, kind="constancia",
        holder_name="X", document_type="CC", document_number="1", course_code="C",
        course_name="C", hours=Decimal(20), completed_on=date(2021, 2, 4), site_name="S",
        trainer_name="T", pdf=b"%PDF", sha256="0" * 64, jws="x", kid="k",
        status_index=next(_STATUS_INDEXES), revoked_at=datetime(2021, 3, 1) if revoked else None,
    )
    db.session.add(cert)
    db.session.commit()
    return cert


def conflicted(client, login, group, db, enrollment, status="ausente"):
    """Complete ``enrollment``, issue its document, then lower its attendance (``status`` on
    the first session): the trainer's marks leave a completion conflict. The document."""
    login(group["trainer"])
    for session in group["sessions"][:4]:
        _mark(client, session, enrollment, "presente")
    cert = _certificate(db, enrollment)
    _mark(client, group["sessions"][0], enrollment, status)
    return cert


def test_certificate_turns_an_undo_into_a_conflict_for_the_admin(client, login, group, db,
                                                                  admin):
    s, e = group["sessions"], group["enrollments"][0]
    cert = conflicted(client, login, group, db, e)
    enrollment = _fresh(db, e)
    assert enrollment.completed_on == s[3].date  # kept: a document exists
    assert enrollment.completion_conflict is True
    assert enrollment.hours_credited == Decimal("12")
    login(group["trainer"])
    assert client.get("/asistencia/conflictos").status_code == 403
    login(admin)
    page = client.get("/asistencia/conflictos").get_data(as_text=True)
    assert e.person.full_name in page
    r = client.post(f"/asistencia/conflictos/{e.id}", data={"action": "undo"},
                    follow_redirects=True)
    assert "Revóquelo primero" in r.get_data(as_text=True)
    assert _fresh(db, e).completion_conflict is True
    cert.revoked_at = datetime(2021, 3, 1)
    db.session.commit()
    client.post(f"/asistencia/conflictos/{e.id}", data={"action": "undo"})
    enrollment = _fresh(db, e)
    assert enrollment.completed_on is None and enrollment.completion_conflict is False
    assert enrollment.status == "en_curso"


def test_admin_may_keep_a_conflicting_completion(client, login, group, db, admin):
    s, e = group["sessions"], group["enrollments"][1]
    login(group["trainer"])
    for i in range(4):
        _mark(client, s[i], e, "presente")
    _certificate(db, e)
    _mark(client, s[0], e, "excusa")
    login(admin)
    client.post(f"/asistencia/conflictos/{e.id}", data={"action": "keep"})
    enrollment = _fresh(db, e)
    assert enrollment.completion_conflict is False and enrollment.completed_on == s[3].date
    page = client.get("/asistencia/conflictos").get_data(as_text=True)
    assert "No hay conflictos pendientes" in page


def test_demo_completion_is_the_rule_without_audit_rows(runner, db):
    from lms.attendance.completion import recompute

    result = runner.invoke(args=["lms", "demo", "--people", "120", "--seed", "5",
                                 "--fast-documents"])
    assert result.exit_code == 0, result.output
    audit = select(func.count(AuditEntry.id)).where(AuditEntry.entity == "enrollments")
    assert db.session.scalar(audit) == 0  # generated data, not a change anyone made
    ids = db.session.scalars(select(Enrollment.id)).all()
    completed = db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.status == "completo", Enrollment.completed_on.is_not(None)))
    assert ids and completed
    # Applying the rule again finds nothing to change: the demo's numbers are the rule's.
    assert recompute(ids, notify=False) == []
    assert db.session.scalar(audit) == 0


def test_only_a_valid_document_keeps_a_completion(client, login, group, db, admin):
    s, e = group["sessions"], group["enrollments"][2]
    login(group["trainer"])
    for i in range(4):
        _mark(client, s[i], e, "presente")
    # A correction: the first one leaves the live index before its replacement goes in.
    first = _certificate(db, e, revoked=True)
    corrected = _certificate(db, e, code=f"FIX{e.id}")
    first.superseded_by_id, first.revoked_at = corrected.id, None
    db.session.commit()
    assert not first.is_valid and corrected.is_valid
    _mark(client, s[0], e, "ausente")
    assert _fresh(db, e).completion_conflict is True  # the correction is in force
    corrected = db.session.get(Certificate, corrected.id)
    corrected.revoked_at = datetime(2021, 3, 1)
    db.session.commit()
    assert not corrected.is_valid
    login(admin)
    client.post(f"/asistencia/conflictos/{e.id}", data={"action": "undo"})
    # Superseded and revoked: nothing valid is left, so the completion may be undone.
    enrollment = _fresh(db, e)
    assert enrollment.completed_on is None and enrollment.completion_conflict is False
