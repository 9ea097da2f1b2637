"""Bulk writes for the planilla import: people, consents and enrollments in a few statements.

The rules stay in their domains: every person is validated by people.clean_person_data
and people.consent.check_consent before anything is written here; only the writing is
batched (one executemany per chunk instead of an ORM flush per person), with the audit
entries the flush hook would have written. This is what keeps 100,000 rows under 30 s.
"""

from decimal import Decimal

from sqlalchemy import insert

from lms.audit.services import record_bulk
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.people.consent import current_notice
from lms.people.models import Consent, Person
from lms.timeutil import utcnow


def _audit(entity: str, rows: list[tuple[int, dict]], actor_id: int | None, now) -> None:
    # What the flush hook writes for a new row: every value that is set.
    record_bulk(entity, [
        (entity_id, "create", {k: [None, v] for k, v in values.items() if v is not None})
        for entity_id, values in rows
    ], actor_id=actor_id, at=now)


def create_people(new: list[tuple[dict, tuple]], actor_id: int | None) -> dict:
    """Insert checked people with their planilla consent; return {(type, number): id}.

    ``new`` holds (person fields, (guardian_name, guardian_document)) pairs, already
    validated by the people domain's rules.
    """
    if not new:
        return {}
    db.session.flush()
    now = utcnow()
    people = [{**fields, "created_at": now} for fields, _ in new]
    ids = {
        (t, n): i
        for i, t, n in db.session.execute(
            insert(Person).returning(Person.id, Person.document_type, Person.document_number),
            people,
        )
    }
    notice_id = current_notice().id
    consents = [
        {"person_id": ids[(fields["document_type"], fields["document_number"])],
         "notice_id": notice_id, "channel": "planilla", "recorded_by_id": actor_id,
         "guardian_name": guardian[0], "guardian_document": guardian[1], "granted_at": now}
        for fields, guardian in new
    ]
    consent_ids = db.session.scalars(insert(Consent).returning(Consent.id), consents).all()
    _audit("people", [(ids[(p["document_type"], p["document_number"])], p) for p in people],
           actor_id, now)
    _audit("consents", list(zip(consent_ids, consents, strict=True)), actor_id, now)
    return ids


def create_enrollments(pairs: list[tuple[int, int]], actor_id: int | None) -> dict:
    """Enroll people this import just registered (their consent is fresh); {(p, c): id}."""
    if not pairs:
        return {}
    now = utcnow()
    values = [{"person_id": p, "cohort_id": c, "status": "inscrito", "enrolled_at": now,
               "hours_credited": Decimal(0), "completion_conflict": False,
               "enrolled_by_id": actor_id} for p, c in pairs]
    created = {
        (p, c): i
        for i, p, c in db.session.execute(
            insert(Enrollment).returning(Enrollment.id, Enrollment.person_id,
                                         Enrollment.cohort_id),
            values,
        )
    }
    _audit("enrollments", [(created[(v["person_id"], v["cohort_id"])], v) for v in values],
           actor_id, now)
    return created
