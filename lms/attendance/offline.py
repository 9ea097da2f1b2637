"""What the offline app downloads, and the key that signs what it exports.

The bundle holds the trainer's sessions from today through the next 14 days with their
rosters: only what a roster shows (name, document, mark, hours credited toward the
course's threshold), never birth dates, contacts or sensitive data. Three queries in all.
"""

import hashlib
import hmac
import json
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from lms import policy
from lms.attendance.models import Attendance
from lms.attendance.offline_sync import apply_queue, stamp
from lms.auth.models import User
from lms.courses.models import Cohort, CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.consent import current_notice
from lms.timeutil import local_today, utcnow

#: Days ahead (after today) whose rosters the app keeps.
DAYS_AHEAD = 14
#: Format tag of an exported queue file.
EXPORT_FORMAT = "lms-pendientes-1"


def _hours(value) -> float:
    return float(value or 0)


def bundle(user, today=None) -> dict:
    """The trainer's sessions from ``today`` through 14 days later, with their rosters."""
    today = today or local_today()
    sessions = list(db.session.scalars(
        select(CourseSession)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .options(contains_eager(CourseSession.cohort))
        .where(CourseSession.date.between(today, today + timedelta(days=DAYS_AHEAD)),
               policy.cohorts_managed(user))
        .order_by(CourseSession.date, CourseSession.start_time, Cohort.code)
    ).unique())
    cohort_ids = {s.cohort_id for s in sessions}
    enrollments = db.session.scalars(
        select(Enrollment).options(joinedload(Enrollment.person))
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status != "retirado")
    ).all() if cohort_ids else []
    marks = {(a.session_id, a.enrollment_id): a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions])))
    } if sessions else {}
    people: dict[int, list] = {}
    for e in sorted(enrollments, key=lambda e: (e.person.last_names, e.person.first_names)):
        people.setdefault(e.cohort_id, []).append(e)
    notice = current_notice()
    return {
        "user": {"id": user.id, "name": user.name},
        "generated_at": utcnow().isoformat() + "Z",
        "today": today.isoformat(),
        "notice": {"version": notice.version, "text": notice.text},
        "conflict_rule": current_app.config.get("OFFLINE_CONFLICT_RULE", "later"),
        "sessions": [_session(s, people.get(s.cohort_id, []), marks) for s in sessions],
    }


def _session(session: CourseSession, enrollments: list, marks: dict) -> dict:
    course = session.cohort.course
    roster = []
    for e in enrollments:
        mark = marks.get((session.id, e.id))
        roster.append({
            "enrollment_id": e.id, "name": e.person.full_name,
            "document": f"{e.person.document_type} {e.person.document_number}",
            "status": mark.status if mark else None, "note": mark.note if mark else None,
            "base": stamp(mark.marked_at) if mark else None,
            "hours_credited": _hours(e.hours_credited),
        })
    return {
        "id": session.id, "date": session.date.isoformat(),
        "start_time": session.start_time.strftime("%H:%M") if session.start_time else None,
        "hours": _hours(session.hours), "topic": session.topic,
        "cohort": {"id": session.cohort_id, "code": session.cohort.code,
                   "course": course.name, "site": session.cohort.site.name,
                   "course_hours": _hours(course.hours),
                   "required_hours": _hours(course.required_hours),
                   "min_pct": course.min_attendance_pct},
        "roster": roster,
    }


def managed_sessions(user, session_ids) -> set[int]:
    """Which of ``session_ids`` ``user`` may take attendance for (policy's own condition)."""
    ids = [i for i in set(session_ids) if isinstance(i, int)]
    if not ids:
        return set()
    return set(db.session.scalars(
        select(CourseSession.id).join(Cohort, Cohort.id == CourseSession.cohort_id)
        .where(CourseSession.id.in_(ids), policy.cohorts_managed(user))))


def device_key(user_id: int, device_id: str) -> str:
    """The key a device signs its exported queue with: only that user's session gets it."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"offline-device:{user_id}:{device_id}".encode(),
                    hashlib.sha256).hexdigest()


def _sign(key: str, payload: str) -> str:
    return hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()


def read_export(raw: bytes) -> tuple[User, str, list]:
    """Check an exported queue file's signature; return (its user, device id, items)."""
    refused = ValidationError(_("El archivo no es una exportación de pendientes válida."), "file")
    try:
        outer = json.loads(raw.decode("utf-8"))
        payload = outer["payload"]
        inner = json.loads(payload)
        user_id, device_id = int(inner["user_id"]), str(inner["device_id"])
        items, signature = inner["items"], str(outer["signature"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise refused from None
    if inner.get("format") != EXPORT_FORMAT or not isinstance(items, list):
        raise refused
    user = db.session.get(User, user_id)
    if user is None or not hmac.compare_digest(
            _sign(device_key(user_id, device_id), payload), signature):
        raise ValidationError(_(
            "La firma del archivo no corresponde a ese dispositivo y usuario; no se importó nada.",
        ), "file")
    return user, device_id, items


def import_export(raw: bytes) -> dict:
    """Apply an exported queue with the sync's exactly-once rules, as its own user."""
    user, device_id, items = read_export(raw)
    if not getattr(user, "active", True):
        raise ValidationError(_("La cuenta que exportó el archivo está desactivada."), "file")
    allowed = managed_sessions(user, [i.get("session_id") for i in items if isinstance(i, dict)])
    results = apply_queue(user, device_id, items, allowed=allowed, via="import")
    counts: dict[str, int] = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    return {"user": user, "device_id": device_id, "results": results, "counts": counts}
