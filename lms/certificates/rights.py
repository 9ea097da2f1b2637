"""Certificates' answers to the domains below it: documents in a person's export, documents
that keep an enrollment from being deleted, documents following a merge that joins two
enrollments, and the scrub of an anonymised holder (loaded at start by ``lms.HOOKS``)."""

from sqlalchemy import exists, select, update

from lms.audit.models import AuditEntry
from lms.audit.services import record_bulk
from lms.certificates import achievement, issue
from lms.certificates.lifecycle import ANONYMIZED_NAME
from lms.certificates.models import Certificate
from lms.courses import hooks
from lms.courses.models import Cohort, Enrollment
from lms.extensions import db
from lms.people import registry
from lms.people.models import Person
from lms.people.signals import person_anonymized

#: Never exported: the file, its signed payload and the download secret.
SECRET = ("pdf", "jws", "download_token_hash")
#: Audited fields that identify the holder, blanked from the trail on anonymisation.
IDENTITY = ("holder_name", "document_number")


def _of_person(person: Person):
    return (
        select(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.person_id == person.id)
        .order_by(Certificate.id)
    )


@registry.export_part("certificates")
def export_documents(person: Person) -> list[dict]:
    """The frozen record of every document issued to the person (not the PDF)."""
    return [registry.record_data(c, SECRET) for c in db.session.scalars(_of_person(person))]


@hooks.guards_enrollment
def enrollment_has_documents(enrollment: Enrollment) -> str | None:
    """Issued documents keep their enrollment."""
    if db.session.scalar(select(exists().where(Certificate.enrollment_id == enrollment.id))):
        return "No se puede eliminar: la inscripción tiene documentos expedidos."
    return None


@hooks.warns_enrollment
def holds_valid_document(person: Person, cohort: Cohort) -> str | None:
    """Someone enrolled into a course they already hold a valid document of is warned about."""
    code = achievement.held_by(person.id, cohort.course)
    if code is None:
        return None
    return (
        f"{person.full_name} ya tiene un documento vigente del curso {cohort.course.code} "
        f"(código {code}): revise si de verdad debe repetirlo."
    )


@hooks.joins_enrollments
def follow_joined_enrollment(winner_id: int, loser_id: int) -> dict:
    """Documents of the losing enrollment now certify the kept one (they are never deleted).

    When both hold a live document, the kept enrollment's stays live and the loser's is
    superseded by it (one live document per enrollment), audited and undone by the split.
    """
    ids = db.session.scalars(
        select(Certificate.id).where(Certificate.enrollment_id == loser_id)).all()
    kept = issue.live_ids([winner_id]).get(winner_id)
    retired = issue.live_ids([loser_id]).get(loser_id) if kept else None
    if retired:
        db.session.execute(
            update(Certificate).where(Certificate.id == retired)
            .values(superseded_by_id=kept).execution_options(synchronize_session=False)
        )
        record_bulk("certificates",
                    [(retired, "supersede", {"superseded_by_id": [None, kept]})])
    db.session.execute(
        update(Certificate)
        .where(Certificate.enrollment_id == loser_id)
        .values(enrollment_id=winner_id)
        .execution_options(synchronize_session=False)
    )
    return {"certificates": list(ids), "retired": retired, "kept": kept}


@hooks.splits_enrollments(follow_joined_enrollment)
def split_documents(winner_id: int, loser_id: int, undo: dict) -> None:
    """Undo ``follow_joined_enrollment``: the loser's documents certify it again."""
    if undo.get("certificates"):
        db.session.execute(
            update(Certificate).where(Certificate.id.in_(undo["certificates"]))
            .values(enrollment_id=loser_id).execution_options(synchronize_session=False)
        )
    if undo.get("retired"):
        db.session.execute(
            update(Certificate).where(Certificate.id == undo["retired"])
            .values(superseded_by_id=None).execution_options(synchronize_session=False)
        )
        record_bulk("certificates", [(undo["retired"], "update",
                                      {"superseded_by_id": [undo["kept"], None]})])


def scrub_holder(person: Person, **_kwargs) -> None:
    """Scrub the holder's identity from frozen copies; statuses and counts are untouched.

    Kept: code, kind, course, hours, dates, site, revoked/superseded status, SHA-256
    (a hash reveals nothing without the file). Removed: name, document number, the
    signed payload (it carries the name) and the stored PDF, so it can no longer be
    downloaded; a paper copy the person holds still verifies offline by its QR.
    """
    certs = list(db.session.scalars(_of_person(person)))
    for cert in certs:
        cert.holder_name = ANONYMIZED_NAME
        cert.document_number = ""
        cert.jws = ""
        cert.pdf = b""
        cert.download_token_hash = None
    db.session.flush()
    _scrub_trail([c.id for c in certs])


def _scrub_trail(cert_ids: list[int]) -> None:
    # The trail keeps every change but not the identity: old names and numbers go too,
    # and the trail itself says when (one "anonymize" entry per document, no values).
    if not cert_ids:
        return
    for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "certificates",
                                 AuditEntry.entity_id.in_(cert_ids))
    ):
        entry.changes = {
            key: [ANONYMIZED_NAME if value else value for value in pair]
            if key in IDENTITY and isinstance(pair, list) else pair
            for key, pair in (entry.changes or {}).items()
        }
    record_bulk("certificates", [(cert_id, "anonymize", {}) for cert_id in cert_ids])


person_anonymized.connect(scrub_holder, weak=False)
