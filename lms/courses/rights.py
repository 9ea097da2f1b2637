"""Courses' part of a person's rights (lms.people.registry): enrollments.

Exported with the person, their completion dates keep the anonymised birth date in the
same age group, and a merge moves the duplicate's enrollments to the survivor. When both
records were enrolled in one cohort, the enrollment with more hours is kept and the
domains holding records about the other one move them first (``hooks.joins_enrollments``).
"""

from sqlalchemy import delete, select, update

from lms.audit.services import plain
from lms.courses import hooks
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.people import registry
from lms.people.models import Person


@registry.export_part("enrollments")
def export_enrollments(person: Person) -> list[dict]:
    """The person's enrollments with their cohort, course, site and completion."""
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.person_id == person.id).order_by(Enrollment.id)
    )
    return [
        {
            "id": e.id,
            "cohort": e.cohort.code,
            "course_code": e.cohort.course.code,
            "course_name": e.cohort.course.name,
            "site": e.cohort.site.name,
            "status": e.status,
            "enrolled_at": plain(e.enrolled_at),
            "hours_credited": float(e.hours_credited or 0),
            "completed_on": plain(e.completed_on),
        }
        for e in enrollments
    ]


@registry.event_dates
def completion_dates(person: Person) -> list:
    """The days the person completed a course: the indicators count them on those days."""
    return db.session.scalars(
        select(Enrollment.completed_on).where(
            Enrollment.person_id == person.id, Enrollment.completed_on.is_not(None)
        )
    ).all()


@registry.merge_part
def merge_enrollments(survivor: Person, duplicate: Person, detail: dict) -> None:
    """Move the duplicate's enrollments; join the two enrollments of a shared cohort."""
    moved, joined = [], []
    detail.update(enrollments_moved=moved, enrollments_joined=joined)
    undo = detail.setdefault("undo", {}).setdefault("enrollments", {"joins": [], "touched": []})
    table = Enrollment.__table__
    ours = {
        row.cohort_id: row
        for row in db.session.execute(select(table).where(table.c.person_id == survivor.id))
    }
    for theirs in db.session.execute(select(table).where(table.c.person_id == duplicate.id)).all():
        mine = ours.get(theirs.cohort_id)
        if mine is None:
            _repoint(theirs.id, survivor.id)
            moved.append(theirs.id)
            continue
        # One person, one enrollment per cohort: keep the one with more hours credited.
        mine_wins = mine.hours_credited >= theirs.hours_credited
        winner, loser = (mine, theirs) if mine_wins else (theirs, mine)
        parts = {hooks.joiner_key(join): join(winner.id, loser.id) for join in hooks.JOINERS}
        undo["joins"].append({
            "winner": _row(winner), "loser": _row(loser), "theirs": theirs.id, "parts": parts,
        })
        undo["touched"] += [winner.id, loser.id]
        db.session.execute(delete(table).where(table.c.id == loser.id))
        if winner.id == theirs.id:
            _repoint(winner.id, survivor.id)
        joined.append({"kept": winner.id, "removed": loser.id})


@registry.unmerge_part(merge_enrollments)
def unmerge_enrollments(survivor: Person, restored: Person, detail: dict) -> None:
    """Give the restored record its enrollments back; split joined ones as they were."""
    table = Enrollment.__table__
    for enrollment_id in detail.get("enrollments_moved", []):
        _repoint(enrollment_id, restored.id)
    undo = detail["undo"].get("enrollments", {"joins": []})
    for join in reversed(undo["joins"]):
        winner, loser = join["winner"], join["loser"]
        db.session.execute(table.insert().values(**registry.row_values(table, loser)))
        for joiner in reversed(hooks.JOINERS):
            part = join["parts"].get(hooks.joiner_key(joiner)) or {}
            hooks.SPLITTERS[joiner](winner["id"], loser["id"], part)
        # The kept enrollment as it was; the completion rule then looks at its marks again.
        values = registry.row_values(table, winner)
        owner = restored.id if join["theirs"] == winner["id"] else survivor.id
        db.session.execute(
            update(table).where(table.c.id == winner["id"])
            .values({**{k: values[k] for k in RECOMPUTED}, "person_id": owner})
        )


#: Enrollment columns the completion rule keeps up to date from the marks.
RECOMPUTED = ("status", "hours_credited", "completed_on", "completion_conflict")


def _row(row) -> dict:
    return {key: plain(value) for key, value in row._mapping.items()}


def _repoint(enrollment_id: int, person_id: int) -> None:
    # Core statements, like the rest of the merge: the caller reloads the identity map.
    db.session.execute(
        update(Enrollment.__table__)
        .where(Enrollment.__table__.c.id == enrollment_id)
        .values(person_id=person_id)
    )
