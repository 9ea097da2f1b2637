"""Issuing documents: who is eligible, freezing what is printed, signing, rendering, storing.

Single, cohort, CLI, API, automatic and correction issues all end in ``materialize``:
one pipeline, a constant number of SQL statements per batch whatever its size
(enrollments with person, course, site and trainers are read in two queries, the
documents and their audit entries written in two bulk inserts).
"""

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms.audit.services import record_bulk
from lms.auth.models import User
from lms.certificates import (
    achievement,
    compact,
    layout,
    qr,
    signals,
    signers,
    signing,
    statuslist,
)
from lms.certificates.codes import new_code
from lms.certificates.models import Certificate
from lms.courses.models import Cohort, Course, Enrollment, Site, cohort_trainers
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.timeutil import utcnow

DEFAULT_LOGO = Path(__file__).resolve().parent.parent / "static" / "img" / "escudo-tic.png"
#: Frozen columns, copied to a correction and shown on every page about the document.
FROZEN = (
    "kind", "holder_name", "document_type", "document_number", "course_code",
    "course_name", "hours", "completed_on", "site_name", "trainer_name",
)


def logo_path() -> str:
    """The configured logo (CERT_LOGO_PATH) or the bundled emblem."""
    configured = current_app.config.get("CERT_LOGO_PATH")
    return configured if configured and Path(configured).is_file() else str(DEFAULT_LOGO)


def masked_document(document_type: str, number: str) -> str:
    """CC ****3456: what public pages and the signed payload show of a document."""
    return f"{document_type} ****{number[-4:]}" if number else f"{document_type} ****"


def hours_value(hours: Decimal) -> int | float:
    """Hours as JSON shows them, in the signed claim and the public record alike: 20, 12.5."""
    value = Decimal(hours)
    return int(value) if value == value.to_integral_value() else float(value)


def eligible_filter():
    """SQL condition for an enrollment that may receive a document (the one eligibility rule)."""
    return (
        Enrollment.completed_on.is_not(None)
        & Course.grants_document.is_(True)
        & Person.anonymized_at.is_(None)
        & ~achievement.held(Enrollment.person_id, Course.id, Course.product_code,
                            Course.one_document_per_product, Enrollment.id).exists()
    )


def _base_query():
    return (
        select(Enrollment.id)
        .join(Person, Person.id == Enrollment.person_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
    )


def pending_ids(course_code: str | None = None, cohort_code: str | None = None) -> list[int]:
    """Eligible enrollments that have no document yet, optionally of one course or cohort."""
    query = _base_query().where(
        eligible_filter(), ~exists().where(Certificate.enrollment_id == Enrollment.id)
    )
    if course_code:
        query = query.where(Course.code == course_code)
    if cohort_code:
        query = query.where(Cohort.code == cohort_code)
    return list(db.session.scalars(query.order_by(Enrollment.id)))


def pending_counts() -> list:
    """Documents pending per cohort, as (cohort code, course code, course name, how many)."""
    return db.session.execute(
        _base_query().with_only_columns(Cohort.code, Course.code, Course.name,
                                        func.count(Enrollment.id), maintain_column_froms=True)
        .where(eligible_filter(), ~exists().where(Certificate.enrollment_id == Enrollment.id))
        .group_by(Cohort.code, Course.code, Course.name).order_by(Course.code, Cohort.code)
    ).all()


def pending_total() -> int:
    """How many eligible enrollments have no document yet, in one aggregate query."""
    return db.session.scalar(
        _base_query().with_only_columns(func.count(Enrollment.id), maintain_column_froms=True)
        .where(eligible_filter(), ~exists().where(Certificate.enrollment_id == Enrollment.id))
    )


def check_eligible(enrollment: Enrollment) -> None:
    """Raise a Spanish ValidationError unless the enrollment may get a (new) document."""
    if enrollment.completed_on is None:
        raise ValidationError(_("La inscripción no ha completado el curso."), "enrollment_id")
    if not enrollment.cohort.course.grants_document:
        raise ValidationError(_("Este curso no otorga certificado ni constancia."), "enrollment_id")
    if enrollment.person.anonymized_at is not None:
        raise ValidationError(_("La persona fue anonimizada."), "enrollment_id")
    live = db.session.scalar(
        select(Certificate.code).where(
            Certificate.enrollment_id == enrollment.id, Certificate.is_valid
        )
    )
    if live:
        raise ValidationError(_(
            "Esta inscripción ya tiene el documento %(live)s.",
            live=live,
        ), "enrollment_id")
    course = enrollment.cohort.course
    other = achievement.held_by(enrollment.person_id, course, enrollment.id)
    if other:
        scope = (f"del producto {course.product_code}" if course.one_document_per_product
                 else f"del curso {course.code}")
        raise ValidationError(
            _(
                "La persona ya tiene un documento vigente %(scope)s (código %(other)s): no se "
                "emite otro por el mismo logro.",
                scope=scope,
                other=other,
            ), "enrollment_id")


def frozen_from_enrollments(ids: list[int]) -> list[dict]:
    """Read everything to print for these enrollments in two queries."""
    rows = db.session.execute(
        select(
            Enrollment.id, Enrollment.completed_on, Enrollment.cohort_id,
            Person.first_names, Person.last_names, Person.document_type, Person.document_number,
            Course.code, Course.name, Course.hours, Course.document_kind, Site.name,
        )
        .join(Person, Person.id == Enrollment.person_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Site, Site.id == Cohort.site_id)
        .where(Enrollment.id.in_(ids))
        .order_by(Enrollment.id)
    ).all()
    trainers: dict[int, list[str]] = {}
    for cohort_id, name in db.session.execute(
        select(cohort_trainers.c.cohort_id, User.name)
        .join(User, User.id == cohort_trainers.c.user_id)
        .where(cohort_trainers.c.cohort_id.in_({r.cohort_id for r in rows}))
        .order_by(User.name)
    ):
        trainers.setdefault(cohort_id, []).append(name)
    return [
        {
            "enrollment_id": r.id,
            "kind": r.document_kind or "constancia",
            "holder_name": f"{r.first_names} {r.last_names}".strip(),
            "document_type": r.document_type,
            "document_number": r.document_number,
            "course_code": r[7],
            "course_name": r[8],
            "hours": r.hours,
            "completed_on": r.completed_on,
            "site_name": r[11],
            "trainer_name": ", ".join(trainers.get(r.cohort_id, [])),
        }
        for r in rows
    ]


class Stored(NamedTuple):
    """What ``materialize`` stored: the live document of each record, in the records' order,
    and which of them this call created (the others were there first)."""

    ids: list[int]
    created: set[int]


def materialize(records: list[dict], issued_by_id: int | None = None) -> Stored:
    """Sign, render and insert documents for frozen ``records``, one live each.

    An enrollment that already holds a live document (issued meanwhile by a concurrent
    request, job or the automatic issue) keeps it: the unique index on live documents
    refuses the second one and its id is returned instead, never an error.
    """
    if not records:
        return Stored([], set())
    ring = signing.keyring()
    key, kid = ring.keys[ring.current].private_key, ring.thumbprint_prefix(ring.current)
    base = current_app.config["BASE_URL"]
    issuer = current_app.config["ISSUER_NAME"]
    logo = logo_path()
    signer = signers.current()
    signature = signer and layout.Signature(signer.name, signer.title, signers.image_path(signer))
    # Second precision, like every date shown of the document.
    now = utcnow().replace(microsecond=0)
    indexes = statuslist.pick_indexes(len(records))
    rows = []
    for frozen, index in zip(records, indexes, strict=True):
        record = {**frozen, "code": new_code(), "issued_at": now}
        record["hours"] = Decimal(record["hours"])
        values = compact.field_values(record, layout.local_date(now))
        text = compact.build(base, record["code"], values, key, kid)
        printed = layout.Printed(**{k: record[k] for k in layout.Printed.__dataclass_fields__})
        document = layout.render(printed, f"{base}/v/{record['code']}", qr.matrix(text),
                                 issuer, logo, signature)
        rows.append(
            {
                **record,
                "issued_by_id": issued_by_id,
                "pdf": document,
                "sha256": hashlib.sha256(document).hexdigest(),
                "jws": text.rsplit("#", 1)[1],
                "kid": ring.current,
                "status_index": index,
                "signer_id": signer.id if signer else None,
            }
        )
    # Matched back by code: asking the driver to keep parameter order would make
    # SQLAlchemy fall back to one INSERT per row on SQLite.
    by_code = dict(db.session.execute(_insert_live(), rows).all())
    created = [row for row in rows if row["code"] in by_code]
    _audit_created([by_code[row["code"]] for row in created], created)
    if len(created) == len(rows):
        ids = [by_code[row["code"]] for row in rows]
    else:
        live = live_ids([row["enrollment_id"] for row in rows])
        ids = [by_code.get(row["code"]) or live[row["enrollment_id"]] for row in rows]
    return Stored(ids, set(by_code.values()))


def _insert_live():
    # The conflict target names the partial index, so only "already has a live document"
    # is absorbed; any other clash (code, status bit) still raises.
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(Certificate)
        .on_conflict_do_nothing(index_elements=[Certificate.enrollment_id],
                                index_where=Certificate.is_valid)
        .returning(Certificate.code, Certificate.id)
    )


def live_ids(enrollment_ids: list[int]) -> dict[int, int]:
    """The live document's id of each of these enrollments that has one."""
    return dict(db.session.execute(
        select(Certificate.enrollment_id, Certificate.id)
        .where(Certificate.enrollment_id.in_(enrollment_ids), Certificate.is_valid)
    ).all())


def _audit_created(ids: list[int], rows: list[dict]) -> None:
    # Bulk inserts skip the flush hook, so write the same "create" entries it would.
    hidden = set(Certificate.__audit_exclude__)
    record_bulk("certificates", [
        (cert_id, "create",
         {key: [None, value] for key, value in row.items()
          if key not in hidden and value is not None})
        for cert_id, row in zip(ids, rows, strict=True)
    ])


class Issued(NamedTuple):
    """The enrollment's live document, and whether this request created it."""

    certificate: Certificate
    created: bool


def issue_for(enrollment: Enrollment, issued_by_id: int | None = None) -> Certificate:
    """Issue one document for an eligible enrollment (web, API, automatic issue)."""
    return issue_one(enrollment, issued_by_id).certificate


def issue_one(enrollment: Enrollment, issued_by_id: int | None = None) -> Issued:
    """Issue one document, or hand back the live one the enrollment already holds.

    Issuing twice (a double click, a retried API call, two admins at once) is "already
    issued", answered with the same document, never an error nor a second document.
    """
    achievement.lock_holders([enrollment.id])
    existing = live_ids([enrollment.id]).get(enrollment.id)
    if existing is not None:
        return Issued(db.session.get(Certificate, existing), False)
    check_eligible(enrollment)
    stored = materialize(frozen_from_enrollments([enrollment.id]), issued_by_id)
    (cert_id,) = stored.ids
    signals.documents_issued.send(Certificate, ids=sorted(stored.created))
    return Issued(db.session.get(Certificate, cert_id), cert_id in stored.created)


def issue_pending(ids: list[int], issued_by_id: int | None = None, chunk: int = 200):
    """Issue documents for many enrollment ids, a chunk at a time; yields how many each did."""
    for start in range(0, len(ids), chunk):
        # Re-check, holders locked: another job or the automatic issue may have covered
        # some meanwhile; and one document per person and achievement within the chunk too.
        achievement.lock_holders(ids[start : start + chunk])
        part = achievement.one_per_achievement(_still_pending(ids[start : start + chunk]))
        created = materialize(frozen_from_enrollments(part), issued_by_id).created
        signals.documents_issued.send(Certificate, ids=sorted(created))
        yield len(created)


def issue_cohort(cohort: Cohort, issued_by_id: int | None = None) -> list[Certificate]:
    """Issue, in the caller's transaction, every pending document of one cohort (API).

    A cohort is a few dozen people, so this runs inline; larger batches use jobs.py.
    """
    ids = pending_ids(cohort_code=cohort.code)
    for _batch in issue_pending(ids, issued_by_id):
        pass
    return list(db.session.scalars(
        select(Certificate).where(Certificate.enrollment_id.in_(ids), Certificate.is_valid)
        .order_by(Certificate.id)
    ))


def _still_pending(ids: list[int]) -> list[int]:
    return list(
        db.session.scalars(
            _base_query().where(
                Enrollment.id.in_(ids),
                eligible_filter(),
                ~exists().where(Certificate.enrollment_id == Enrollment.id),
            )
        )
    )
