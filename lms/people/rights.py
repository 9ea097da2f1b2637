"""The holder's rights under Ley 1581: export and anonymise (merging: ``people.merging``).

People sit low in the import chain (courses, attendance and certificates depend on
them): the parts those domains hold come from ``lms.people.registry``, which they fill
from their own modules, and ``signals.person_anonymized``.
"""

import json
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.audit.services import plain, record
from lms.errors import ValidationError
from lms.extensions import db
from lms.people import registry
from lms.people.models import Consent, Person, age_group
from lms.people.registry import record_data
from lms.people.signals import person_anonymized
from lms.timeutil import utcnow

ANONYMOUS_NAME = "Persona anonimizada"
#: Person columns that survive anonymisation: the indicator breakdowns need them.
KEPT_COLUMNS = {"id", "document_type", "sex", "zone", "area", "created_at", "anonymized_at"}
#: Audit keys that identify nobody: kept columns and the ids a merge entry records.
KEPT_AUDIT_KEYS = KEPT_COLUMNS | {
    "survivor_id",
    "merged_id",
    "enrollments_moved",
    "enrollments_joined",
    "kept",
}
#: Consent columns holding a third party's identity (the guardian).
GUARDIAN_COLUMNS = ("guardian_name", "guardian_document")
SCRUBBED = "[anonimizado]"


def export_person(person: Person) -> dict:
    """Everything stored about one person, as JSON-ready data (right to know)."""
    sensitive = person.sensitive
    data = {
        "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
        "person": record_data(person),
        "sensitive": None
        if sensitive is None
        else {
            k: getattr(sensitive, k) for k in ("ethnic_group", "disability", "victim", "migrant")
        },
        "consents": [
            {
                "notice_version": c.notice.version,
                "granted_at": plain(c.granted_at),
                "channel": c.channel,
                "recorded_by_id": c.recorded_by_id,
                "guardian_name": c.guardian_name,
                "guardian_document": c.guardian_document,
                "revoked_at": plain(c.revoked_at),
            }
            for c in person.consents
        ],
    }
    for key, part in registry.EXPORTS.items():
        data[key] = part(person)
    return data


def hand_out(person: Person) -> dict:
    """``export_person``, traced: handing out personal data is itself audited (every channel)."""
    record("export", person)
    return export_person(person)


def export_json(person: Person, indent: int | None = None) -> str:
    """The export as the JSON text every channel hands out (page, API, CLI), audited."""
    return json.dumps(hand_out(person), ensure_ascii=False, indent=indent, default=str)


def anonymous_document(person: Person) -> str:
    """The document number an anonymised person keeps (unique, meaningless)."""
    return f"ANON-{person.id}"


def anonymize_person(person: Person) -> Person:
    """Remove the identity but keep the counts: enrollments, attendance and documents stay.

    Kept: document type, sex, zone, area and a coarsened birth date (see
    ``_coarse_birth_date``), because the indicator breakdowns (sex, age group, zone, area)
    must keep counting the person in the same cells.
    The sensitive self-identification is kept on the now anonymous record for the same
    reason (differential-approach breakdowns); with no identity left it is statistical.
    """
    if person.anonymized_at is not None:
        raise ValidationError(_("Esta persona ya fue anonimizada."))
    for scrub in registry.ANONYMIZERS:  # records that name the person by document
        scrub(person)
    person.first_names, person.last_names = ANONYMOUS_NAME, ""
    person.document_number = anonymous_document(person)
    person.phone = person.email = person.barrio = person.gender_identity = None
    if person.birth_date is not None:
        person.birth_date = _coarse_birth_date(person)
    person.anonymized_at = utcnow()
    now = utcnow()
    for consent in person.consents:
        consent.guardian_name = consent.guardian_document = None
        consent.revoked_at = consent.revoked_at or now
    # Flush first: the audit hook writes the old values, which the scrub then removes.
    db.session.flush()
    _scrub_audit(person)
    record("anonymize", person, {"kept": sorted(KEPT_COLUMNS - {"id"})})
    person_anonymized.send(person)
    db.session.flush()
    return person


def _coarse_birth_date(person: Person) -> date:
    """The vaguest birth date that keeps the person's age group on every completion date.

    Tried in order: 1 January of the birth year, the 1st of the birth month, the real date.
    Completion dates are the indicators' event dates, so no age-group figure moves.
    """
    real = person.birth_date
    days = [day for part in registry.EVENT_DATES for day in part(person)]
    for guess in (real.replace(month=1, day=1), real.replace(day=1)):
        if all(age_group(guess, day) == age_group(real, day) for day in days):
            return guess
    return real


def _scrub_audit(person: Person) -> None:
    """Blank personal values in the trail of this person and of the records merged into it."""
    merged = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "people",
            AuditEntry.entity_id == person.id,
            AuditEntry.action == "merge",
        )
    )
    person_ids = [person.id] + [e.changes.get("merged_id") for e in merged if e.changes]
    consent_ids = [c.id for c in person.consents] or [-1]
    entries = db.session.scalars(
        select(AuditEntry).where(
            ((AuditEntry.entity == "people") & AuditEntry.entity_id.in_(person_ids))
            | ((AuditEntry.entity == "consents") & AuditEntry.entity_id.in_(consent_ids))
        )
    )
    for entry in entries:
        if entry.entity == "people":
            secret = {key for key in entry.changes or {} if key not in KEPT_AUDIT_KEYS}
        else:
            secret = set(GUARDIAN_COLUMNS)
        entry.changes = {
            key: _scrub(value) if key in secret else value
            for key, value in (entry.changes or {}).items()
        }


def _scrub(value):
    if isinstance(value, list):
        return [None if v is None else SCRUBBED for v in value]
    return None if value is None else SCRUBBED


def person_consents(person: Person) -> list[Consent]:
    """The person's authorizations, newest first, with their notice loaded."""
    return sorted(person.consents, key=lambda c: c.granted_at, reverse=True)
