"""Applying an offline queue exactly once: marks and walk-ins, in the order they were made.

Each item carries the client's ``mark_id`` (a UUID), the device id and the time it was
made. An item already settled (``OfflineMark``) is a replay: it answers as before and
writes nothing. A mark whose session changed on the server since the roster was
downloaded (its ``base`` no longer matches) is a conflict, settled by the office's rule
``OFFLINE_CONFLICT_RULE`` ("later": the later mark by the time it was made wins; "server";
"device") and audited with both values. Marks go through ``marks.record_marks`` and
walk-ins through ``roster.walk_in``, the same rules as online.
"""

from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.attendance import roster as roster_service
from lms.attendance.marks import Mark, check_not_future, clean_note, record_marks
from lms.attendance.models import STATUSES, Attendance
from lms.attendance.offline_models import OfflineMark
from lms.audit.services import record_bulk
from lms.courses.models import CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.people.consent import check_notice_shown
from lms.timeutil import utcnow

#: Most items one request may carry (the app sends 100 at a time).
MAX_ITEMS = 500
RULES = ("later", "server", "device")
ORPHAN = "La persona o la sesión ya no existe en el sistema; la marca no se aplicó."
FORBIDDEN = N_("Esta marca es de un grupo que su cuenta no tiene a cargo.")
FOREIGN = N_("Esta marca pertenece a otra cuenta y no se puede enviar desde esta.")
#: What a walk-in may carry about the person: the fields of the online walk-in form.
_PERSON_FIELDS = ("document_type", "document_number", "first_names", "last_names",
                  "birth_date", "sex", "zone", "phone", "email")
WAITING = N_("Espera a que se corrija la inscripción de esta persona (ingreso rechazado).")


def _made_at(value, now: datetime) -> datetime:
    """The device time as naive UTC; a clock ahead of the server counts as now."""
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("Hora de la marca no válida."), "made_at") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return min(when, now)


def stamp(at: datetime | None) -> str | None:
    """How a mark's time travels to the app and back (the conflict check compares it)."""
    return at.isoformat(timespec="microseconds") if at is not None else None


class _Batch:
    """The state of one queue being applied: what the server holds, what was decided."""

    def __init__(self, user, device_id: str, items: list, allowed: set[int], via: str):
        self.user, self.device_id, self.items, self.allowed, self.via = (
            user, device_id, items, allowed, via)
        self.now = utcnow()
        self.rule = current_app.config.get("OFFLINE_CONFLICT_RULE", "later")
        ids = [str(i.get("mark_id")) for i in items if isinstance(i, dict)]
        self.settled = {r.mark_id: r for r in db.session.scalars(
            select(OfflineMark).where(OfflineMark.mark_id.in_(ids)))} if ids else {}
        session_ids = {i.get("session_id") for i in items if isinstance(i, dict)}
        self.sessions = {s.id: s for s in db.session.scalars(select(CourseSession).where(
            CourseSession.id.in_([s for s in session_ids if isinstance(s, int)])))}
        enrollment_ids = [i.get("enrollment_id") for i in items if isinstance(i, dict)]
        self.cohort_of = dict(db.session.execute(select(Enrollment.id, Enrollment.cohort_id).where(
            Enrollment.id.in_([e for e in enrollment_ids if isinstance(e, int)]))).all())
        self.current = {(a.session_id, a.enrollment_id): a for a in db.session.scalars(
            select(Attendance).where(Attendance.session_id.in_(list(self.sessions))))}
        #: (status, time made, by whom, note) per (session, enrollment) as decided.
        self.decided: dict[tuple[int, int], tuple[str, datetime, int | None, str | None]] = {}
        self.marks: list[Mark] = []
        self.times: dict[tuple[int, int], datetime] = {}
        self.rows: list[dict] = []
        self.audit: list[tuple[int, str, dict]] = []
        self.walk_ins: dict[str, int] = {}
        self.refusals: dict[int, ValidationError | None] = {}

    def check_session(self, session) -> None:
        """The marks rule's own checks of a session (not in the future), once per session."""
        if session.id not in self.refusals:
            try:
                check_not_future([session.id])
                self.refusals[session.id] = None
            except ValidationError as exc:
                self.refusals[session.id] = exc
        if self.refusals[session.id] is not None:
            raise self.refusals[session.id]

    def holding(self, key):
        """(status, time made, by whom, note) of the mark at ``key`` as this batch left it."""
        if key in self.decided:
            return self.decided[key]
        row = self.current.get(key)
        return (row.status, row.marked_at, row.marked_by_id, row.note) if row else None


def apply_queue(user, device_id: str, items: list, *, allowed: set[int],
                via: str = "sync") -> list[dict]:
    """Settle ``items`` in order for ``user``; return one result per item.

    ``allowed``: the sessions the caller's access check lets this user mark.
    Outcomes: applied, replay, kept (a later mark on the server won), orphan, refused.
    """
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ValidationError(_(
            "Envíe una lista de hasta %(max_items)s marcas.",
            max_items=MAX_ITEMS,
        ), "items", status=400)
    device_id = str(device_id or "")[:64]
    if not device_id:
        raise ValidationError(_("Falta el identificador del dispositivo."), "device_id", status=400)
    batch = _Batch(user, device_id, items, allowed, via)
    results = [_one(batch, item) for item in items]
    _flush(batch)
    return results


def _one(batch: _Batch, item) -> dict:
    if not isinstance(item, dict) or not isinstance(item.get("mark_id"), str) \
            or not 8 <= len(item["mark_id"]) <= 64:
        return {"mark_id": None, "outcome": "refused", "message": "Marca sin mark_id válido."}
    mark_id = item["mark_id"]
    if mark_id in batch.settled:
        done = batch.settled[mark_id]
        return {"mark_id": mark_id, "outcome": "replay", "was": done.outcome,
                "enrollment_id": done.enrollment_id}
    try:
        if item.get("user_id") != batch.user.id:
            raise ValidationError(label(FOREIGN), "user_id")
        if item.get("status") not in STATUSES:
            raise ValidationError(_("Estado no válido: use presente, tarde, excusa o ausente."),
                                  "status")
        made_at = _made_at(item.get("made_at"), batch.now)
        session = batch.sessions.get(item.get("session_id"))
        if session is not None and session.id not in batch.allowed:
            raise ValidationError(label(FORBIDDEN), "session_id")
        if session is not None:
            batch.check_session(session)
        if item.get("kind") == "walk_in":
            return _walk_in(batch, item, session, made_at)
        return _mark(batch, item, session, made_at)
    except ValidationError as exc:
        return {"mark_id": mark_id, "outcome": "refused", "message": exc.message,
                "fields": exc.fields or ({exc.field: [exc.message]} if exc.field else {})}


def _settle(batch: _Batch, item: dict, kind: str, session_id, enrollment_id, made_at,
            outcome: str) -> None:
    batch.rows.append({
        "mark_id": item["mark_id"], "device_id": batch.device_id, "user_id": batch.user.id,
        "kind": kind, "session_id": session_id if isinstance(session_id, int) else 0,
        "enrollment_id": enrollment_id, "status": item["status"], "made_at": made_at,
        "received_at": batch.now, "outcome": outcome, "via": batch.via})


def _enrollment_of(batch: _Batch, item: dict) -> int | None:
    ref = item.get("walk_in_ref")
    if ref:
        if ref in batch.walk_ins:
            return batch.walk_ins[ref]
        done = batch.settled.get(ref) or db.session.get(OfflineMark, str(ref))
        if done is None:
            raise ValidationError(label(WAITING), "walk_in_ref")
        return done.enrollment_id
    return item.get("enrollment_id") if isinstance(item.get("enrollment_id"), int) else None


def _mark(batch: _Batch, item: dict, session, made_at: datetime) -> dict:
    enrollment_id = _enrollment_of(batch, item)
    if session is None or enrollment_id is None or \
            batch.cohort_of.get(enrollment_id, session.cohort_id if item.get("walk_in_ref")
                                else None) != session.cohort_id:
        _settle(batch, item, "mark", item.get("session_id"), enrollment_id, made_at, "orphan")
        return {"mark_id": item["mark_id"], "outcome": "orphan", "message": ORPHAN}
    key = (session.id, enrollment_id)
    held = batch.holding(key)
    # A note travels with its mark: no "note" key keeps the server's, "" clears it.
    note = clean_note(item.get("note"))
    new_note = (held[3] if held else None) if note is None else note or None
    result = {"mark_id": item["mark_id"], "outcome": "applied", "enrollment_id": enrollment_id}
    # The trainer's own earlier marks (this queue, or an earlier sync) are no conflict.
    own = held is not None and held[2] == batch.user.id and held[1] <= made_at
    changed = held is not None and stamp(held[1]) != item.get("base") and not own
    differs = held is not None and (held[0], held[3]) != (item["status"], new_note)
    if changed and differs:
        device_wins = {"later": made_at > held[1], "server": False, "device": True}[batch.rule]
        row = batch.current.get(key)
        audit = {"status": [held[0], item["status"]], "made_at": [held[1], made_at],
                 "winner": [None, "device" if device_wins else "server"]}
        if held[3] != new_note:
            audit["note"] = [held[3], new_note]
        batch.audit.append((row.id if row is not None else 0, "conflict", audit))
        result["conflict"] = {"server": held[0], "server_at": stamp(held[1]),
                              "device": item["status"], "device_at": stamp(made_at),
                              "server_note": held[3], "device_note": new_note,
                              "winner": "device" if device_wins else "server",
                              "by_other": held[2] != batch.user.id}
        if not device_wins:
            result["outcome"] = "kept"
            _settle(batch, item, "mark", session.id, enrollment_id, made_at, "kept")
            return result
    if held is None or differs:
        batch.times[key] = made_at  # the mark changes: it carries the device's time
    batch.decided[key] = (item["status"], made_at, batch.user.id, new_note)
    batch.marks.append(Mark(session.id, enrollment_id, item["status"], item["mark_id"], note))
    _settle(batch, item, "mark", session.id, enrollment_id, made_at, "applied")
    return result


def _walk_in(batch: _Batch, item: dict, session, made_at: datetime) -> dict:
    if session is None:
        _settle(batch, item, "walk_in", item.get("session_id"), None, made_at, "orphan")
        return {"mark_id": item["mark_id"], "outcome": "orphan", "message": ORPHAN}
    data = item.get("person") if isinstance(item.get("person"), dict) else {}
    data = {k: (str(v).strip() if v is not None else None) for k, v in data.items()
            if k in _PERSON_FIELDS}
    data.setdefault("document_type", "")
    data.setdefault("document_number", "")
    if data.get("birth_date"):
        try:
            data["birth_date"] = datetime.fromisoformat(data["birth_date"]).date()
        except ValueError:
            raise ValidationError(_("Fecha de nacimiento no válida."), "birth_date") from None
    _flush(batch)  # the walk-in's own mark must come after the marks queued before it
    with db.session.begin_nested():  # a refusal undoes only this walk-in
        if not item.get("notice_version"):
            raise ValidationError(_("Falta la versión del aviso de privacidad que se mostró."),
                                  "consent")
        check_notice_shown(str(item["notice_version"]))
        # A registered person is confirmed by the birth year they said (or the birth date
        # typed for them): a document alone enrolls nobody (roster.confirm_identity).
        year = item.get("birth_year")
        birth_year = int(year) if str(year or "").isdigit() else (
            data["birth_date"].year if data.get("birth_date") else None)
        row = roster_service.walk_in(
            session, data, birth_year=birth_year, consent=item.get("consent") is True,
            guardian_name=item.get("guardian_name") or None,
            guardian_document=item.get("guardian_document") or None)
    enrollment_id = row.enrollment.id
    batch.walk_ins[item["mark_id"]] = enrollment_id
    batch.cohort_of[enrollment_id] = session.cohort_id
    key = (session.id, enrollment_id)
    batch.decided[key] = ("presente", made_at, batch.user.id, None)
    batch.times[key] = made_at
    _settle(batch, item, "walk_in", session.id, enrollment_id, made_at, "applied")
    return {"mark_id": item["mark_id"], "outcome": "applied", "enrollment_id": enrollment_id,
            "name": row.person.full_name}


def _flush(batch: _Batch) -> None:
    """Write what the batch decided so far: the marks, their device times, the record."""
    if batch.marks:
        record_marks(batch.marks, source="api", actor_id=batch.user.id)
        batch.marks = []
    if batch.times:
        table = Attendance.__table__
        db.session.execute(  # one executemany
            update(table).where(table.c.session_id == bindparam("s"),
                                table.c.enrollment_id == bindparam("e"))
            .values(marked_at=bindparam("m")),
            [{"s": s, "e": e, "m": m} for (s, e), m in batch.times.items()])
    batch.times = {}
    if batch.audit:
        record_bulk("attendance", batch.audit, actor_id=batch.user.id, at=batch.now)
        batch.audit = []
    if batch.rows:
        db.session.execute(_insert_ignoring_replays(), batch.rows)
        batch.rows = []


def _insert_ignoring_replays():
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(OfflineMark.__table__).on_conflict_do_nothing(
        index_elements=["mark_id"])
