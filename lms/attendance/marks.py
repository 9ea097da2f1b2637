"""Writing attendance marks: an upsert on (session, enrollment), audited, then the rule.

Every source (web roster, QR check-in, planilla, API) goes through ``record_marks``.
The upsert on the unique constraint means two writers of the same mark can never
create two rows, and a mark already at the wanted status is left alone, which is what
makes imports idempotent. API retries are recognised by their ``mark_id`` in the ledger
of every key ever accepted, so a late retry never undoes a newer mark.

Concurrency (PostgreSQL): each writer claims its rows with one upsert, in (session,
enrollment) order, that inserts the missing ones and locks the existing ones without
changing them. Only the statement that inserted a row reports it as created (``xmax = 0``),
and the old values of an update are read under that lock, so the audit tells the truth
when two requests mark the same new pair at once. Every writer takes its row locks, then
its ledger keys, then its enrollments, each in sorted order: no lock cycle, no deadlock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, literal_column, select, text

from lms.attendance import completion
from lms.attendance.ledger import remember, replayed
from lms.attendance.models import NOTE_MAX, SOURCES, STATUSES, Attendance
from lms.attendance.signals import attendance_changed
from lms.audit.services import current_actor_id, record_bulk
from lms.courses.models import CourseSession
from lms.database import COPY_MIN, upsert_into
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import short_date
from lms.timeutil import local_today, utcnow

#: Rows per INSERT statement (8 parameters each, far below SQLite's limit).
CHUNK = 1000

_table = Attendance.__table__


@dataclass(frozen=True)
class Mark:
    """One requested mark; ``mark_id``: the client's idempotency key (API); ``note``: None
    keeps the mark's note, "" clears it."""

    session_id: int
    enrollment_id: int
    status: str
    mark_id: str | None = None
    note: str | None = None


def _differs(old, status: str, note: str | None) -> bool:
    # A None note changes nothing.
    return old.status != status or (note is not None and (note or None) != old.note)


def clean_note(value) -> str | None:
    """A mark's note as stored: spaces collapsed, at most NOTE_MAX characters ("" clears)."""
    if value is None:
        return None
    note = " ".join(str(value).split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _(
                "La nota admite hasta %(note_max)s caracteres; tiene %(n_note)s.",
                note_max=NOTE_MAX,
                n_note=len(note),
            ), "note")
    return note


@dataclass
class MarkResult:
    """What ``record_marks`` did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Enrollments whose marks changed (their hours were recomputed unless deferred).
    enrollment_ids: set[int] = field(default_factory=set)
    #: Sessions whose marks changed.
    session_ids: set[int] = field(default_factory=set)
    #: Enrollments the change completed.
    completed: list[int] = field(default_factory=list)
    #: (session, enrollment, status) of QR marks that met a mark someone set: kept as it is.
    kept: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Marks created or changed."""
        return self.created + self.updated


def record_marks(
    marks: Iterable[Mark],
    *,
    source: str,
    actor_id: int | None = None,
    recompute: bool = True,
    notify: bool = True,
) -> MarkResult:
    """Upsert marks, audit each change with who/when/old/new/source, then apply the rule.

    A ``qr`` mark never replaces a mark of another source: it lands in ``result.kept``.

    ``actor_id`` defaults to the current user (None for anonymous self check-in).
    ``recompute=False`` lets a bulk import run the completion rule once at the end.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    actor = current_actor_id() if actor_id is None and source != "qr" else actor_id
    marks = list(marks)
    if any(mark.status not in STATUSES for mark in marks):
        raise ValidationError(_(
            "Estado no válido: use presente, tarde, excusa o ausente.",
        ), "status")
    check_not_future({m.session_id for m in marks})
    marks = [m if m.note is None else replace(m, note=clean_note(m.note)) for m in marks]
    result = MarkResult()
    keyed = [m for m in marks if m.mark_id]
    if keyed:
        seen = replayed(keyed)
        marks = [m for m in marks if m.mark_id not in seen]
        result.unchanged += len(seen)
    wanted = {(m.session_id, m.enrollment_id): m for m in marks}  # the last one wins
    # Lock order (session, enrollment) is the same for every writer: no deadlocks.
    keys = sorted(wanted)
    for start in range(0, len(keys), CHUNK):
        _write_chunk([wanted[k] for k in keys[start : start + CHUNK]], source, actor, result)
    if keyed:
        remember([m for m in marks if m.mark_id])
    if result.written:
        attendance_changed.send(Attendance, session_ids=set(result.session_ids),
                                enrollment_ids=set(result.enrollment_ids))
    if recompute and result.enrollment_ids:
        result.completed = completion.recompute(result.enrollment_ids, notify=notify)
    return result


def check_not_future(session_ids) -> None:
    """Refuse marks for a session that has not happened yet (office's today), any source."""
    ids = sorted(set(session_ids))
    if not ids:
        return
    today = local_today()
    for start in range(0, len(ids), CHUNK):
        day = db.session.scalar(
            select(CourseSession.date).where(CourseSession.id.in_(ids[start : start + CHUNK]),
                                             CourseSession.date > today)
            .order_by(CourseSession.date).limit(1))
        if day is not None:
            raise ValidationError(
                _(
                    "La sesión del %(day)s aún no ha ocurrido: no se puede registrar asistencia "
                    "de una sesión futura.",
                    day=short_date(day),
                ), "session_id")


def pair_filter(first, second, pairs):
    """WHERE clause for rows whose (first, second) is among ``pairs``, possibly a superset.

    SQLite scans the whole table for a row-value IN; two plain INs use the composite
    index on both backends. Callers drop the extra combinations in Python.
    """
    pairs = list(pairs)
    return and_(first.in_({a for a, _ in pairs}), second.in_({b for _, b in pairs}))


def _write_chunk(marks: list[Mark], source: str, actor: int | None, result: MarkResult) -> None:
    keys = {(m.session_id, m.enrollment_id) for m in marks}
    existing = {
        (r.session_id, r.enrollment_id): r
        for r in db.session.execute(
            select(_table.c.session_id, _table.c.enrollment_id, _table.c.status,
                   _table.c.source, _table.c.marked_by_id, _table.c.note).where(
                pair_filter(_table.c.session_id, _table.c.enrollment_id, keys))
        )
        if (r.session_id, r.enrollment_id) in keys
    } if marks else {}
    todo = [m for m in marks if (old := existing.get((m.session_id, m.enrollment_id))) is None
            or _differs(old, m.status, m.note)]
    result.unchanged += len(marks) - len(todo)
    if not todo:
        return
    now = utcnow()
    values = [
        {"session_id": m.session_id, "enrollment_id": m.enrollment_id, "status": m.status,
         "source": source, "marked_by_id": actor, "marked_at": now, "note": m.note or None}
        for m in todo
    ]
    wanted = {(m.session_id, m.enrollment_id): m for m in todo}
    audit, updates = [], []
    for row in _claim_rows(values, existing):
        want = wanted[(row.session_id, row.enrollment_id)]
        note = row.note if want.note is None else want.note or None
        if row.inserted:
            result.created += 1
            audit.append((row.id, "create", {
                "session_id": [None, row.session_id], "enrollment_id": [None, row.enrollment_id],
                "status": [None, row.status], "source": [None, source],
                "marked_by_id": [None, actor], **({"note": [None, note]} if note else {})}))
        elif not _differs(row, want.status, want.note):
            # A concurrent writer already set the same status: not written, not audited.
            result.unchanged += 1
            continue
        elif source == "qr" and row.source != "qr":
            # A self check-in never overrides what a trainer (or a planilla) recorded.
            result.unchanged += 1
            result.kept.append((row.session_id, row.enrollment_id, row.status))
            continue
        else:
            result.updated += 1
            updates.append({"row_id": row.id, "status": want.status, "note": note})
            change = {"status": [row.status, want.status], "source": [row.source, source],
                      "marked_by_id": [row.marked_by_id, actor]}
            if note != row.note:
                change["note"] = [row.note, note]
            audit.append((row.id, "update", change))
        result.enrollment_ids.add(row.enrollment_id)
        result.session_ids.add(row.session_id)
    if updates:
        _update_rows(updates, {"source": source, "marked_by_id": actor, "marked_at": now})
    record_bulk("attendance", audit, actor_id=actor, at=now)




#: The rows a writer claimed are its own now: the update of the changed ones cannot wait.
_UPDATE = _table.update().where(_table.c.id == bindparam("row_id")).values(
    status=bindparam("status"), note=bindparam("note"), source=bindparam("source"),
    marked_by_id=bindparam("marked_by_id"), marked_at=bindparam("marked_at"))
#: PostgreSQL's bulk form of _UPDATE (see _PG_CLAIM).
_PG_UPDATE = text(
    "UPDATE attendance SET status = v.st, note = v.nt, source = :source,"
    " marked_by_id = :marked_by_id, marked_at = :marked_at"
    " FROM unnest(CAST(:row_id AS INTEGER[]), CAST(:status AS VARCHAR[]),"
    " CAST(:note AS VARCHAR[])) AS v(id, st, nt) WHERE attendance.id = v.id"
)


def _update_rows(updates: list[dict], common: dict) -> None:
    if db.engine.dialect.name != "postgresql" or len(updates) < COPY_MIN:
        db.session.execute(_UPDATE, [{**u, **common} for u in updates])
        return
    db.session.execute(_PG_UPDATE, {"row_id": [u["row_id"] for u in updates],
                                    "status": [u["status"] for u in updates],
                                    "note": [u["note"] for u in updates], **common})


#: PostgreSQL's bulk form of _claim: arrays unnested into rows. One short statement
#: instead of a VALUES list with thousands of placeholders, which psycopg parses again
#: for every batch (its query cache skips long statements) and the server plans again.
_PG_CLAIM = text(
    "INSERT INTO attendance (session_id, enrollment_id, status, source, marked_by_id, marked_at,"
    " note) SELECT * FROM unnest(CAST(:session_id AS INTEGER[]),"
    " CAST(:enrollment_id AS INTEGER[]), CAST(:status AS VARCHAR[]), CAST(:source AS VARCHAR[]),"
    " CAST(:marked_by_id AS INTEGER[]), CAST(:marked_at AS TIMESTAMP[]),"
    " CAST(:note AS VARCHAR[])) AS v(s, e, st, so, m, a, n) ORDER BY s, e"
    " ON CONFLICT (session_id, enrollment_id) DO UPDATE SET status = attendance.status"
    " RETURNING id, session_id, enrollment_id, status, source, marked_by_id, note,"
    " (xmax = 0) AS inserted"
)


def _claim_rows(values: list[dict], existing: dict) -> list:
    """Insert the missing rows and lock the others, in the order of ``values``.

    Returns ``_Claimed``-shaped rows: a new row as inserted, an existing one with its
    values as they stand under the lock.
    """
    if db.engine.dialect.name != "postgresql":
        # SQLite runs one writer at a time (BEGIN IMMEDIATE): what was read is still true.
        rows = db.session.execute(_claim(False), values).all()
        return [_Claimed(*row, (row.session_id, row.enrollment_id) not in existing)
                for row in rows]
    if len(values) < COPY_MIN:
        return db.session.execute(_claim(True), values).all()
    columns = {name: [v[name] for v in values] for name in values[0]}
    return db.session.execute(_PG_CLAIM, columns).all()


@dataclass(frozen=True)
class _Claimed:
    id: int
    session_id: int
    enrollment_id: int
    status: str
    source: str
    marked_by_id: int | None
    note: str | None
    inserted: bool


def _claim(with_xmax: bool):
    # One statement run as executemany: compiled once and cached, batched by the driver.
    # Setting a column to itself changes nothing but takes the row's lock.
    stmt = upsert_into(_table)
    columns = [_table.c.id, _table.c.session_id, _table.c.enrollment_id, _table.c.status,
               _table.c.source, _table.c.marked_by_id, _table.c.note]
    if with_xmax:
        columns.append(literal_column("(xmax = 0)").label("inserted"))
    return stmt.on_conflict_do_update(
        index_elements=[_table.c.session_id, _table.c.enrollment_id],
        set_={"status": _table.c.status},
    ).returning(*columns, sort_by_parameter_order=True)


def session_marks(session_id: int) -> dict[int, Attendance]:
    """Marks of a session keyed by enrollment id (one query)."""
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    return {a.enrollment_id: a for a in rows}
