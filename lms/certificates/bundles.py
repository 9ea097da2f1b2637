"""A finished batch as one download: a ZIP of its PDFs, or one merged PDF for printing.

Built by a background task (a batch can hold thousands of documents) and kept in the
database, so any web machine can serve it. The batch's documents are the valid ones of its
course or cohort that its admin issued while it ran (the batch records its filters, its
admin and its time span, not a list of ids).
"""

import io
import zipfile
from datetime import timedelta

import pypdfium2 as pdfium
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from lms import tasks
from lms.certificates.models import Certificate, IssueJob, IssueJobFile
from lms.courses.models import Cohort, Course, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

#: The kinds of file, as the admin reads them.
KINDS = {"zip": _l("ZIP con un PDF por documento"), "pdf": _l("Un solo PDF para imprimir")}
#: Files are read this many documents at a time, to bound memory.
CHUNK = 200


def request(job: IssueJob, kind: str) -> IssueJobFile:
    """Ask for a finished batch's file; it is built after the commit (once per kind)."""
    if kind not in KINDS:
        raise ValidationError(_("Elija ZIP o PDF."), "kind")
    if job.state != "done":
        raise ValidationError(_(
            "El lote %(id)s aún no ha terminado; espere a que termine.",
            id=job.id,
        ))
    found = db.session.scalar(select(IssueJobFile).filter_by(job_id=job.id, kind=kind))
    if found is not None:
        return found
    bundle = IssueJobFile(job_id=job.id, kind=kind)
    db.session.add(bundle)
    db.session.flush()
    tasks.enqueue(build, bundle.id)
    return bundle


def ready_content(job: IssueJob, kind: str) -> bytes | None:
    """The bytes of a batch's file of ``kind`` once built, else None."""
    found = files(job).get(kind)
    if found is None or found.ready_at is None:
        return None
    return db.session.scalar(select(IssueJobFile.content).filter_by(id=found.id))


def files(job: IssueJob) -> dict[str, IssueJobFile]:
    """The batch's files asked for so far, by kind."""
    return {f.kind: f for f in db.session.scalars(select(IssueJobFile).filter_by(job_id=job.id))}


def _documents(job: IssueJob):
    query = (select(Certificate.id).join(Enrollment, Enrollment.id == Certificate.enrollment_id)
             .join(Cohort, Cohort.id == Enrollment.cohort_id)
             .join(Course, Course.id == Cohort.course_id)
             .where(Certificate.is_valid, Certificate.issued_by_id == job.created_by_id,
                    Certificate.issued_at >= job.created_at - timedelta(seconds=1),
                    Certificate.issued_at <= (job.finished_at or utcnow()) + timedelta(seconds=1))
             .order_by(Cohort.code, Certificate.holder_name, Certificate.id))
    if job.course_code:
        query = query.where(Course.code == job.course_code)
    if job.cohort_code:
        query = query.where(Cohort.code == job.cohort_code)
    return list(db.session.scalars(query))


def _pdfs(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield from db.session.execute(
            select(Certificate.code, Certificate.kind, Certificate.pdf)
            .where(Certificate.id.in_(ids[start:start + CHUNK]))
            .order_by(Certificate.id)).all()


@tasks.task(_l("Preparar el archivo de un lote"))
def build(bundle_id: int) -> None:
    """Build a batch's ZIP or merged PDF; a file already built is left alone."""
    bundle = db.session.get(IssueJobFile, bundle_id)
    if bundle is None or bundle.ready_at is not None:
        return
    ids = _documents(db.session.get(IssueJob, bundle.job_id))
    out = io.BytesIO()
    if bundle.kind == "zip":
        # PDFs are compressed already: stored, not deflated again.
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for code, kind, pdf in _pdfs(ids):
                archive.writestr(f"{kind}-{code}.pdf", pdf)
    else:
        merged = pdfium.PdfDocument.new()
        for _code, _kind, pdf in _pdfs(ids):
            merged.import_pages(pdfium.PdfDocument(pdf))
        merged.save(out)
        merged.close()
    db.session.execute(update(IssueJobFile).where(IssueJobFile.id == bundle_id).values(
        content=out.getvalue(), documents=len(ids), ready_at=utcnow()))
