"""The completion rule: one function, called after every attendance change from any source.

Web marks, self check-in, planilla imports and the API all end in ``recompute``,
so hours credited, the completion date and the enrollment status can only be
computed one way.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session as OrmSession

from lms.attendance.models import CREDITING, Attendance
from lms.attendance.signals import (
    completions_changed,
    documents_held,
    enrollment_completed,
    enrollments_recomputed,
)
from lms.audit.services import changes_between, record_bulk
from lms.courses.models import Cohort, Course, CourseSession, Enrollment, required_hours
from lms.courses.signals import cohort_course_changed, course_rule_changed, session_changed
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.signals import people_merged, people_unmerged

#: Enrollments per round trip; keeps IN lists well under every backend's limits.
BATCH = 500

_enrollments = Enrollment.__table__


def recompute(enrollment_ids, *, notify: bool = True, audit: bool = True) -> list[int]:
    """Recompute hours, completion date, status and conflicts; return the newly completed ids.

    Set-based: four statements per batch of enrollments, whatever their number of marks.
    ``audit=False`` is for generated data (the demo), whose first computation is no change.
    """
    ids = sorted(set(enrollment_ids))
    db.session.flush()
    completed: list[tuple[int, date]] = []
    for start in range(0, len(ids), BATCH):
        completed.extend(_recompute_batch(ids[start : start + BATCH], audit))
    if notify and enrollment_completed.receivers:
        for start in range(0, len(completed), BATCH):
            batch = completed[start : start + BATCH]
            # Listeners load their enrollment by id: one query per batch puts them all in
            # the identity map first (and keeps them there while the batch is notified),
            # instead of one query per completed enrollment.
            loaded = db.session.scalars(  # noqa: F841 - held for the identity map
                select(Enrollment).where(Enrollment.id.in_([i for i, _ in batch]))
            ).all()
            for enrollment_id, completed_on in batch:
                enrollment_completed.send(
                    Enrollment, enrollment_id=enrollment_id, completed_on=completed_on
                )
    if notify and ids and enrollments_recomputed.receivers:
        enrollments_recomputed.send(Enrollment, enrollment_ids=ids)
    return [enrollment_id for enrollment_id, _ in completed]


def _recompute_batch(ids: list[int], audit: bool = True) -> list[tuple[int, date]]:
    # Lock the enrollments first (PostgreSQL; SQLite serialises writers anyway), so two
    # writers of the same enrollment cannot both compute from a stale set of marks. NO KEY
    # UPDATE, because the mark upserts already hold KEY SHARE locks on these rows (foreign
    # key checks), and a plain FOR UPDATE would deadlock two writers of one enrollment.
    db.session.execute(
        select(_enrollments.c.id).where(_enrollments.c.id.in_(ids)).order_by(_enrollments.c.id)
        .with_for_update(key_share=True)
    )
    current = db.session.execute(
        select(
            Enrollment.id, Enrollment.status, Enrollment.hours_credited,
            Enrollment.completed_on, Enrollment.completion_conflict,
            Course.hours, Course.min_attendance_pct,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.id.in_(ids))
    ).all()
    marks = defaultdict(list)
    rows = db.session.execute(
        select(Attendance.enrollment_id, Attendance.status, CourseSession.date, CourseSession.hours)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(Attendance.enrollment_id.in_(ids))
        .order_by(Attendance.enrollment_id, CourseSession.date, CourseSession.id)
    )
    for enrollment_id, status, day, hours in rows:
        marks[enrollment_id].append((status, day, Decimal(hours)))
    computed = {row.id: _evaluate(row, marks.get(row.id, [])) for row in current}
    at_risk = [r.id for r in current if r.completed_on and computed[r.id][1] is None]
    certified = holding_documents(at_risk)
    updates, entries, newly = [], [], []
    for row in current:
        hours, completed_on, any_mark = computed[row.id]
        new = _next_state(row, hours, completed_on, any_mark, row.id in certified)
        old = {
            "hours_credited": Decimal(row.hours_credited or 0),
            "completed_on": row.completed_on,
            "status": row.status,
            "completion_conflict": bool(row.completion_conflict),
        }
        changes = changes_between(old, new)
        if not changes:
            continue
        updates.append({"b_id": row.id, **new})
        entries.append((row.id, "update", changes))
        if row.completed_on is None and new["completed_on"] is not None:
            newly.append((row.id, new["completed_on"]))
    if updates:
        db.session.execute(
            _enrollments.update().where(_enrollments.c.id == bindparam("b_id")), updates
        )
        if audit:
            record_bulk("enrollments", entries)
        _expire(row["b_id"] for row in updates)
        moved = [eid for eid, _, changes in entries if "completed_on" in changes]
        if moved:
            completions_changed.send(Enrollment, enrollment_ids=moved)
    return newly


def _evaluate(row, marks) -> tuple[Decimal, date | None, bool]:
    # Sessions in date order: the completion date is where the running total crosses.
    required = required_hours(row.hours, row.min_attendance_pct)
    total, completed_on = Decimal(0), None
    for status, day, hours in marks:
        if status in CREDITING:
            total += hours
            if completed_on is None and required > 0 and total >= required:
                completed_on = day
    return total, completed_on, bool(marks)


def _next_state(row, hours, completed_on, any_mark, certified) -> dict:
    state = {"hours_credited": hours, "completion_conflict": False}
    if completed_on is not None:
        return {**state, "completed_on": completed_on, "status": "completo"}
    if row.completed_on is not None and certified:
        # A document was issued on this completion: never undo it silently.
        return {**state, "completed_on": row.completed_on, "status": row.status,
                "completion_conflict": True}
    status = "en_curso" if any_mark else "inscrito"
    if row.status == "retirado":
        status = "retirado"
    return {**state, "completed_on": None, "status": status}


def holding_documents(enrollment_ids: list[int]) -> set[int]:
    """The enrollments among ``enrollment_ids`` that hold a valid document.

    Documents build on attendance, so attendance asks (``documents_held``) and the
    certificates domain answers.
    """
    if not enrollment_ids:
        return set()
    held: set[int] = set()
    for _receiver, answer in documents_held.send(Enrollment, enrollment_ids=enrollment_ids):
        held.update(answer or ())
    return held


def pending_conflicts() -> list[Enrollment]:
    """Completions kept because a document was issued, waiting for an admin's decision."""
    return list(db.session.scalars(
        select(Enrollment).where(Enrollment.completion_conflict.is_(True)).order_by(Enrollment.id)
    ))


def conflict_count() -> int:
    """How many completion conflicts wait for an admin, in one aggregate query."""
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.completion_conflict.is_(True)))


def resolve_conflict(enrollment: Enrollment, action: str) -> None:
    """Settle a completion conflict: ``keep`` the completion or ``undo`` it."""
    if not enrollment.completion_conflict:
        raise ValidationError(_("Esta inscripción no tiene un conflicto pendiente."), "action")
    if action == "keep":
        enrollment.completion_conflict = False
        db.session.flush()
        return
    if action != "undo":
        raise ValidationError(_("Acción no válida."), "action")
    if holding_documents([enrollment.id]):
        raise ValidationError(
            _(
                "Esta inscripción tiene un certificado o constancia vigente. Revóquelo primero y "
                "después deshaga la finalización.",
            ),
            "action",
        )
    enrollment.completion_conflict = False
    db.session.flush()
    recompute([enrollment.id])


def _expire(ids) -> None:
    # Core updates bypass the identity map; loaded Enrollment objects must reload.
    for enrollment_id in ids:
        obj = db.session.identity_map.get(OrmSession.identity_key(Enrollment, (enrollment_id,)))
        if obj is not None:
            db.session.expire(obj)


def _on_session_changed(_sender, *, session_ids, **_extra) -> None:
    # A session's hours change what it credits; its date changes where the total crosses.
    ids = db.session.scalars(
        select(Attendance.enrollment_id).where(Attendance.session_id.in_(session_ids))
    ).all()
    if ids:
        recompute(ids)


def _on_course_rule_changed(_sender, *, course_id, **_extra) -> None:
    # New hours or minimum percentage: every enrollment of the course is measured again.
    ids = db.session.scalars(
        select(Enrollment.id).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Cohort.course_id == course_id)
    ).all()
    if ids:
        recompute(ids)


def _on_cohort_course_changed(_sender, *, cohort_id, **_extra) -> None:
    # Another course, another rule: the cohort's enrollments are measured against it.
    ids = db.session.scalars(select(Enrollment.id).where(Enrollment.cohort_id == cohort_id)).all()
    if ids:
        recompute(ids)


def _on_people_merged(_sender, *, enrollment_ids=(), **_extra) -> None:
    # The duplicate's marks joined the survivor's enrollments (or were split again when the
    # merge was undone): hours and completion move.
    if enrollment_ids:
        recompute(enrollment_ids)


session_changed.connect(_on_session_changed, weak=False)
people_merged.connect(_on_people_merged, weak=False)
people_unmerged.connect(_on_people_merged, weak=False)
course_rule_changed.connect(_on_course_rule_changed, weak=False)
cohort_course_changed.connect(_on_cohort_course_changed, weak=False)
