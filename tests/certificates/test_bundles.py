"""A finished batch as one download: a ZIP of its PDFs or one merged PDF, built on the queue."""

import io
import zipfile

import pypdfium2 as pdfium
from sqlalchemy import func, select

from lms.certificates.models import Certificate, IssueJob, IssueJobFile
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment


def _batch(client, cohort) -> IssueJob:
    client.post("/admin/certificados/lotes", data={"cohort": cohort.code})
    return _db.session.scalar(select(IssueJob).order_by(IssueJob.id.desc()))


def test_a_finished_batch_downloads_as_a_zip_and_as_one_pdf(client, login, admin, db):
    login(admin)
    cohort = factories.cohort()
    for _ in range(3):
        completed_enrollment(cohort)
    completed_enrollment()  # another cohort's document: not in this batch
    job = _batch(client, cohort)
    page = client.get(f"/admin/certificados/lotes/{job.id}").get_data(as_text=True)
    assert "Preparar: ZIP con un PDF por documento" in page

    for kind in ("zip", "pdf", "zip"):  # asking twice builds it once
        response = client.post(f"/admin/certificados/lotes/{job.id}/archivo",
                               data={"kind": kind}, follow_redirects=True)
        assert "El archivo se está preparando" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(IssueJobFile.id))) == 2
    page = client.get(f"/admin/certificados/lotes/{job.id}").get_data(as_text=True)
    assert "Descargar: ZIP con un PDF por documento</a> (3 documentos)" in page

    stored = dict(_db.session.execute(
        select(Certificate.code, Certificate.pdf).join(Certificate.enrollment)
        .where(Certificate.enrollment.has(cohort_id=cohort.id))).all())
    archive = zipfile.ZipFile(io.BytesIO(
        client.get(f"/admin/certificados/lotes/{job.id}/archivo.zip").data))
    assert {name: archive.read(name) for name in archive.namelist()} == {
        f"constancia-{code}.pdf": pdf for code, pdf in stored.items()}
    merged = client.get(f"/admin/certificados/lotes/{job.id}/archivo.pdf")
    assert merged.mimetype == "application/pdf"
    assert len(pdfium.PdfDocument(merged.data)) == 3


def test_unfinished_batches_and_unknown_kinds_are_refused(client, login, admin, db):
    login(admin)
    job = IssueJob(created_by_id=admin.id, state="running")
    _db.session.add(job)
    _db.session.flush()
    response = client.post(f"/admin/certificados/lotes/{job.id}/archivo", data={"kind": "zip"},
                           follow_redirects=True)
    assert f"El lote {job.id} aún no ha terminado" in response.get_data(as_text=True)
    job.state = "done"
    response = client.post(f"/admin/certificados/lotes/{job.id}/archivo", data={"kind": "exe"},
                           follow_redirects=True)
    assert "Elija ZIP o PDF." in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(IssueJobFile.id))) == 0
    assert client.get(f"/admin/certificados/lotes/{job.id}/archivo.zip").status_code == 404
    assert client.get(f"/admin/certificados/lotes/{job.id}/archivo.exe").status_code == 404
