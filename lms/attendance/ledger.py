"""The ledger of every API ``mark_id`` ever accepted: a late retry is a replay, never a
newer mark, and one key names one person at one session forever."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.attendance.models import AttendanceMarkId
from lms.database import upsert_into
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

#: Keys per statement.
CHUNK = 1000

_ledger = AttendanceMarkId.__table__


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


def _check_target(mark, target: tuple[int, int]) -> None:
    if target != (mark.session_id, mark.enrollment_id):
        raise ValidationError(
            _(
                "El mark_id «%(mark_id)s» ya se usó para otra persona o sesión.",
                mark_id=mark.mark_id,
            ), "mark_id"
        )


def replayed(marks: list) -> set[str]:
    """mark_ids already accepted for the same person and session: a retry, skipped."""
    seen = _targets(m.mark_id for m in marks)
    for mark in marks:
        if mark.mark_id in seen:
            _check_target(mark, seen[mark.mark_id])
    return set(seen)


def remember(marks: list) -> None:
    """Add every accepted key to the ledger, whether or not its mark changed anything."""
    now = utcnow()
    rows = {
        m.mark_id: {"mark_id": m.mark_id, "session_id": m.session_id,
                    "enrollment_id": m.enrollment_id, "created_at": now}
        for m in marks
    }
    if not rows:
        return
    stmt = upsert_into(_ledger).on_conflict_do_nothing(index_elements=[_ledger.c.mark_id])
    # Sorted, so two requests replaying the same new keys lock them in the same order.
    ordered = [rows[key] for key in sorted(rows)]
    added = set(db.session.scalars(stmt.returning(_ledger.c.mark_id), ordered))
    # A concurrent request may have taken a key meanwhile: fine only for the same mark.
    taken = _targets(set(rows) - added)
    for mark in marks:
        if mark.mark_id in taken:
            _check_target(mark, taken[mark.mark_id])
