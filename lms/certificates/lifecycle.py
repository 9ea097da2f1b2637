"""After issue: revocation, correction (supersede) and automatic issue (anonymisation:
rights.py).

A document is never deleted: indicators count chains of corrections and the
verification page must keep answering for every code ever printed.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from lms.attendance.signals import documents_held, enrollment_completed
from lms.audit.services import record
from lms.certificates import issue, signals, status
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import hours_number, short_date
from lms.people.documents import normalize_document
from lms.timeutil import local_today, utcnow

#: What an anonymised holder's name becomes on the record and on public pages.
ANONYMIZED_NAME = "[anonimizado]"
#: Fields an administrator may correct; the rest of the frozen record is copied.
CORRECTABLE = (
    "holder_name", "document_type", "document_number", "course_name", "hours",
    "completed_on", "site_name", "trainer_name",
)


def revoke(cert: Certificate, reason: str) -> Certificate:
    """Revoke with a reason; the record stays and verifies as revoked (audited)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(_("Escriba el motivo de la revocación (al menos 5 caracteres)."),
                              "reason")
    if len(reason) > 300:
        raise ValidationError(_("El motivo no puede pasar de 300 caracteres."), "reason")
    if cert.revoked_at is not None:
        raise ValidationError(_("Este documento ya estaba revocado."), "reason")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    db.session.flush()
    status.changed()
    record("revoke", cert, {"code": cert.code, "reason": reason})
    db.session.flush()
    signals.document_revoked.send(Certificate, cert_id=cert.id)
    return cert


def supersede(cert: Certificate, changes: dict, issued_by_id: int | None = None) -> Certificate:
    """Issue a corrected copy with a new code; the old one then points to it."""
    if cert.revoked_at is not None:
        raise ValidationError(_("No se puede corregir un documento revocado."))
    if cert.superseded_by_id is not None:
        raise ValidationError(_("Este documento ya fue reemplazado; corrija el vigente."))
    if is_anonymized(cert):
        raise ValidationError(_("El titular fue anonimizado; no se puede corregir."))
    frozen = {k: getattr(cert, k) for k in issue.FROZEN}
    frozen["enrollment_id"] = cert.enrollment_id
    fixed = {k: v for k, v in changes.items() if k in CORRECTABLE and v not in (None, "")}
    # Only what changes is checked: a document printed before a rule existed stays
    # correctable in its other fields.
    fixed = check_correction(cert, {k: v for k, v in fixed.items() if frozen[k] != v})
    fixed = {k: v for k, v in fixed.items() if frozen[k] != v}
    if not fixed:
        raise ValidationError(_("No cambió ningún dato: no hay nada que corregir."))
    frozen.update(fixed)
    _retire(cert)
    (new_id,) = issue.materialize([frozen], issued_by_id).ids
    new = db.session.get(Certificate, new_id)
    cert.superseded_by_id = new.id
    db.session.flush()
    status.changed()
    record("supersede", cert, {"code": cert.code, "replaced_by": new.code,
                               "fields": sorted(fixed)})
    db.session.flush()
    signals.document_superseded.send(Certificate, old_id=cert.id, new_id=new.id)
    return new


#: Longest text each printed field takes (the columns' widths; trainers: a few names).
TEXT_LIMITS = {"holder_name": 240, "course_name": 200, "site_name": 160, "trainer_name": 1000}
#: Shortest holder name that can be a real one.
MIN_NAME = 3


def check_correction(cert: Certificate, fixed: dict) -> dict:
    """The corrected fields, cleaned, or a Spanish ValidationError naming the first bad one.

    A correction prints and signs a new document, so it may not say more than happened:
    at most the course's hours, a completion date neither in the future nor before the
    cohort started. Every path (admin form, API, CLI re-issue) goes through here.
    """
    enrollment = db.session.get(Enrollment, cert.enrollment_id)
    cohort = enrollment.cohort
    out = dict(fixed)
    for field, limit in TEXT_LIMITS.items():
        if field in out:
            out[field] = " ".join(str(out[field]).split())
            if len(out[field]) > limit:
                raise ValidationError(_(
                    "El campo no puede tener más de %(limit)s caracteres.",
                    limit=limit,
                ), field)
    if len(out.get("holder_name", cert.holder_name)) < MIN_NAME:
        raise ValidationError(_("Escriba el nombre completo del titular."), "holder_name")
    if "document_type" in out or "document_number" in out:
        out["document_type"], out["document_number"] = normalize_document(
            out.get("document_type", cert.document_type),
            out.get("document_number", cert.document_number))
    if "hours" in out:
        hours = Decimal(str(out["hours"]))
        if not hours.is_finite() or hours <= 0 or hours > cohort.course.hours:
            raise ValidationError(
                _(
                    "Las horas deben ser mayores que 0 y no pasar de las %(hours)s del curso.",
                    hours=hours_number(cohort.course.hours),
                ), "hours")
        out["hours"] = hours
    completed = out.get("completed_on")
    if completed is not None:
        if completed > local_today():
            raise ValidationError(_(
                "La fecha de finalización no puede ser futura.",
            ), "completed_on")
        if cohort.start_date and completed < cohort.start_date:
            raise ValidationError(
                _(
                    "La fecha de finalización no puede ser anterior al inicio del grupo "
                    "(%(start_date)s).",
                    start_date=short_date(cohort.start_date),
                ), "completed_on")
    return out



def _retire(cert: Certificate) -> None:
    # Take the document out of the live index before its correction goes in (one live
    # document per enrollment), and claim it: of two corrections at once, the second finds
    # it taken here and is refused. Pointing it at itself is a placeholder the caller
    # replaces with the correction's id in the same transaction; the ORM keeps its loaded
    # value, so the audit records the real change (none -> the correction).
    claimed = db.session.execute(
        update(Certificate)
        .where(Certificate.id == cert.id, Certificate.is_valid)
        .values(superseded_by_id=cert.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise ValidationError(_(
            "Este documento ya fue reemplazado o revocado; recargue la página.",
        ))


def reissue(cert: Certificate, issued_by_id: int | None = None) -> Certificate:
    """Correct a document from the holder's and the course's current data (supersedes it).

    For corrections made at the source (the person's record, the course), as the CLI
    and the API do; the admin page instead lets an admin type the corrected fields.
    """
    enrollment = db.session.get(Enrollment, cert.enrollment_id)
    if enrollment is None or enrollment.completed_on is None:
        raise ValidationError(_(
            "La inscripción ya no figura como completada; no se puede reemitir (revoque el "
            "documento si corresponde).",
        ))
    (current,) = issue.frozen_from_enrollments([enrollment.id])
    return supersede(cert, current, issued_by_id)


def chain(cert: Certificate) -> list[Certificate]:
    """Every version of the document, from the first issue to the current correction."""
    out = [cert]
    while len(out) < 50:
        earlier = db.session.scalar(select(Certificate).filter_by(superseded_by_id=out[0].id))
        if earlier is None:
            break
        out.insert(0, earlier)
    while out[-1].superseded_by_id is not None and len(out) < 100:
        out.append(db.session.get(Certificate, out[-1].superseded_by_id))
    return out


def is_anonymized(cert: Certificate) -> bool:
    """Whether the holder's identity was removed (Ley 1581)."""
    return cert.holder_name == ANONYMIZED_NAME


def _auto_issue(sender, enrollment_id: int, **_kwargs) -> None:
    """Issue at completion for courses set to automatic issue (inside the caller's commit)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or not enrollment.cohort.course.auto_issue:
        return
    # Any earlier document, even revoked, means a person already decided; do not re-issue.
    if db.session.scalar(select(exists().where(Certificate.enrollment_id == enrollment_id))):
        return
    try:
        issue.check_eligible(enrollment)
    except ValidationError:
        return
    issue.issue_for(enrollment)


def _valid_documents(_sender, *, enrollment_ids, **_kwargs) -> set[int]:
    """Answer attendance: which of these enrollments hold a valid document."""
    return set(
        db.session.scalars(
            select(Certificate.enrollment_id).where(
                Certificate.enrollment_id.in_(enrollment_ids), Certificate.is_valid
            )
        )
    )


enrollment_completed.connect(_auto_issue, weak=False)
documents_held.connect(_valid_documents, weak=False)
