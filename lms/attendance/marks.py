"""Writing attendance marks: an upsert on (session, enrollment), audited, then the rule.

Every source (web roster, QR check-in, planilla, API) goes through ``record_marks``.
The upsert on the unique constraint means two writers of the same mark can never
create two rows, and the ``status <> excluded.status`` guard makes a repeated mark a
no-op, which is what makes imports idempotent. API retries are recognised by their
``mark_id`` in the ledger of every key ever accepted, so a late retry never undoes a
newer mark.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, select, text
from sqlalchemy.dialects import postgresql, sqlite

from lms.attendance import completion
from lms.attendance.models import SOURCES, STATUSES, Attendance, AttendanceMarkId
from lms.audit.services import current_actor_id, record_bulk
from lms.database import COPY_MIN
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

#: Rows per INSERT statement (7 parameters each, far below SQLite's limit).
CHUNK = 1000

_table = Attendance.__table__
_ledger = AttendanceMarkId.__table__


@dataclass(frozen=True)
class Mark:
    """One requested mark; ``mark_id`` is the client's idempotency key (API)."""

    session_id: int
    enrollment_id: int
    status: str
    mark_id: str | None = None


@dataclass
class MarkResult:
    """What ``record_marks`` did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Enrollments whose marks changed (their hours were recomputed unless deferred).
    enrollment_ids: set[int] = field(default_factory=set)
    #: Enrollments the change completed.
    completed: list[int] = field(default_factory=list)

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

    ``actor_id`` defaults to the current user (None for anonymous self check-in).
    ``recompute=False`` lets a bulk import run the completion rule once at the end.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    actor = current_actor_id() if actor_id is None and source != "qr" else actor_id
    marks = list(marks)
    if any(mark.status not in STATUSES for mark in marks):
        raise ValidationError("Estado no válido: use presente, tarde, excusa o ausente.", "status")
    result = MarkResult()
    keyed = [m for m in marks if m.mark_id]
    if keyed:
        replayed = _replayed(keyed)
        marks = [m for m in marks if m.mark_id not in replayed]
        result.unchanged += len(replayed)
    wanted = {(m.session_id, m.enrollment_id): m for m in marks}  # the last one wins
    # Lock order (enrollment, session) is the same for every writer: no deadlocks.
    keys = sorted(wanted, key=lambda k: (k[1], k[0]))
    for start in range(0, len(keys), CHUNK):
        _write_chunk([wanted[k] for k in keys[start : start + CHUNK]], source, actor, result)
    if keyed:
        _remember([m for m in marks if m.mark_id])
    if recompute and result.enrollment_ids:
        result.completed = completion.recompute(result.enrollment_ids, notify=notify)
    return result


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
                   _table.c.source, _table.c.marked_by_id).where(
                pair_filter(_table.c.session_id, _table.c.enrollment_id, keys))
        )
        if (r.session_id, r.enrollment_id) in keys
    } if marks else {}
    todo = [m for m in marks if (old := existing.get((m.session_id, m.enrollment_id))) is None
            or old.status != m.status]
    result.unchanged += len(marks) - len(todo)
    if not todo:
        return
    now = utcnow()
    values = [
        {"session_id": m.session_id, "enrollment_id": m.enrollment_id, "status": m.status,
         "source": source, "marked_by_id": actor, "marked_at": now}
        for m in todo
    ]
    written = _upsert_rows(values)
    audit = []
    for row_id, session_id, enrollment_id, status in written:
        old = existing.get((session_id, enrollment_id))
        if old is None:
            result.created += 1
            changes = {"session_id": [None, session_id], "enrollment_id": [None, enrollment_id],
                       "status": [None, status], "source": [None, source],
                       "marked_by_id": [None, actor]}
        else:
            result.updated += 1
            changes = {"status": [old.status, status], "source": [old.source, source],
                       "marked_by_id": [old.marked_by_id, actor]}
        audit.append((row_id, "create" if old is None else "update", changes))
        result.enrollment_ids.add(enrollment_id)
    # A concurrent writer may already have set the same status: not written, not audited.
    result.unchanged += len(todo) - len(written)
    record_bulk("attendance", audit, actor_id=actor, at=now)


def _insert(table):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


#: PostgreSQL's bulk form of _upsert: arrays unnested into rows. One short statement
#: instead of a VALUES list with thousands of placeholders, which psycopg parses again
#: for every batch (its query cache skips long statements) and the server plans again.
_PG_UPSERT = text(
    "INSERT INTO attendance (session_id, enrollment_id, status, source, marked_by_id, marked_at)"
    " SELECT * FROM unnest(CAST(:session_id AS INTEGER[]), CAST(:enrollment_id AS INTEGER[]),"
    " CAST(:status AS VARCHAR[]), CAST(:source AS VARCHAR[]), CAST(:marked_by_id AS INTEGER[]),"
    " CAST(:marked_at AS TIMESTAMP[]))"
    " ON CONFLICT (session_id, enrollment_id) DO UPDATE SET status = excluded.status,"
    " source = excluded.source, marked_by_id = excluded.marked_by_id,"
    " marked_at = excluded.marked_at WHERE attendance.status <> excluded.status"
    " RETURNING id, session_id, enrollment_id, status"
)


def _upsert_rows(values: list[dict]) -> list:
    """Upsert ``values``; return (id, session_id, enrollment_id, status) of the rows written."""
    if db.engine.dialect.name != "postgresql" or len(values) < COPY_MIN:
        return db.session.execute(_upsert(), values).all()
    columns = {name: [v[name] for v in values] for name in values[0]}
    return db.session.execute(_PG_UPSERT, columns).all()


def _upsert():
    # One statement run as executemany: compiled once and cached, batched by the driver.
    stmt = _insert(_table)
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[_table.c.session_id, _table.c.enrollment_id],
        set_={
            "status": excluded.status,
            "source": excluded.source,
            "marked_by_id": excluded.marked_by_id,
            "marked_at": excluded.marked_at,
        },
        where=_table.c.status != excluded.status,
    ).returning(_table.c.id, _table.c.session_id, _table.c.enrollment_id, _table.c.status)


def _targets(mark_ids) -> dict[str, tuple[int, int]]:
    ids = sorted(set(mark_ids))
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update(
            (r.mark_id, (r.session_id, r.enrollment_id))
            for r in db.session.execute(
                select(_ledger.c.mark_id, _ledger.c.session_id, _ledger.c.enrollment_id)
                .where(_ledger.c.mark_id.in_(ids[start : start + CHUNK]))
            )
        )
    return found


def _check_target(mark: Mark, target: tuple[int, int]) -> None:
    if target != (mark.session_id, mark.enrollment_id):
        raise ValidationError(
            f"El mark_id «{mark.mark_id}» ya se usó para otra persona o sesión.", "mark_id"
        )


def _replayed(marks: list[Mark]) -> set[str]:
    """mark_ids already accepted for the same person and session: a retry, skipped."""
    seen = _targets(m.mark_id for m in marks)
    for mark in marks:
        if mark.mark_id in seen:
            _check_target(mark, seen[mark.mark_id])
    return set(seen)


def _remember(marks: list[Mark]) -> None:
    """Add every accepted key to the ledger, whether or not its mark changed anything."""
    now = utcnow()
    rows = {
        m.mark_id: {"mark_id": m.mark_id, "session_id": m.session_id,
                    "enrollment_id": m.enrollment_id, "created_at": now}
        for m in marks
    }
    if not rows:
        return
    stmt = _insert(_ledger).on_conflict_do_nothing(index_elements=[_ledger.c.mark_id])
    added = set(db.session.scalars(stmt.returning(_ledger.c.mark_id), list(rows.values())))
    # A concurrent request may have taken a key meanwhile: fine only for the same mark.
    taken = _targets(set(rows) - added)
    for mark in marks:
        if mark.mark_id in taken:
            _check_target(mark, taken[mark.mark_id])


def session_marks(session_id: int) -> dict[int, Attendance]:
    """Marks of a session keyed by enrollment id (one query)."""
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    return {a.enrollment_id: a for a in rows}
