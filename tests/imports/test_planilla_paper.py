"""The printed planilla and its XLSX twin (issue 15, part 8): human titles with the import's
column names in small print, a header on every page, names that wrap, documents as their last
four digits, no birth date of registered people, signature lines; and an XLSX pre-filled for
the session that is imported as it is once the attendance is typed in."""

import io
from datetime import date

import openpyxl
import pypdfium2 as pdfium
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.attendance.planilla_rows import OPTIONAL, REQUIRED
from tests import factories
from tests.imports.conftest import upload


def _group(db, people=3):
    trainer = factories.user(role="trainer", name="Pedro Peña")
    cohort = factories.cohort(trainers=[trainer], start_date=date(2021, 2, 1))
    session = factories.session(cohort, day=date(2021, 2, 3), hours="2.5")
    enrollments = [factories.enrollment(cohort) for _ in range(people)]
    first = enrollments[0].person
    first.first_names = "María Fernanda de los Ángeles"
    first.last_names = "Contreras Villamizar del Socorro Rangel"
    first.document_number, first.birth_date = "1090123456", date(1990, 3, 4)
    db.session.commit()
    return trainer, session, enrollments


def _pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return ["".join(page.get_textpage().get_text_range().split()) for page in pdf]


def test_the_printed_planilla_reads_well_and_shows_little(client, login, db):
    trainer, session, _ = _group(db, people=30)
    login(trainer)
    r = client.get(f"/sesiones/{session.id}/planilla.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pages = _pages(r.data)
    first = pages[0]
    for title, column in (("Documento", "numero_documento"), ("Nacimiento", "fecha_nacimiento"),
                          ("AsistenciaP/T/E/A", "estado"), ("Autorizadatossi/no",
                                                             "autorizacion_datos")):
        assert title in first and column in first
    assert "Curso(curso)" not in first and "tipo_documento" in first
    every = "".join(pages)
    assert "1090123456" not in every and "•••3456" in every
    assert "04/03/1990" not in every and "1990-03-04" not in every
    assert "MaríaFernandadelosÁngeles" in every and "delSocorroRangel" in every  # wrapped
    assert len(pages) >= 2
    for page in pages:
        assert f"Grupo{session.cohort.code}" in page and "03/02/2021" in page
    assert "Firmadelformador(a):PedroPeña" in pages[-1] and "Firmadelparticipante" in first


def test_the_prefilled_xlsx_is_imported_as_it_is(client, login, admin, db):
    trainer, session, enrollments = _group(db)
    login(trainer)
    r = client.get(f"/sesiones/{session.id}/planilla.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(REQUIRED + OPTIONAL)
    assert len(rows) == 1 + len(enrollments)
    assert {row[6] for row in rows[1:]} == {e.person.document_number for e in enrollments}
    login(admin)
    untouched = upload(client, "/planillas/importar", r.data, "planilla.xlsx")
    html = untouched.get_data(as_text=True)
    assert untouched.status_code == 200, html
    assert "sin estado: la fila no registra nada" in html
    assert db.session.scalar(select(Attendance.id)) is None
    status = REQUIRED.index("estado") + 1
    sheet.cell(2, status).value, sheet.cell(3, status).value = "P", "A"
    typed = io.BytesIO()
    book.save(typed)
    done = upload(client, "/planillas/importar", typed.getvalue(), "planilla.xlsx")
    assert done.status_code == 200, done.get_data(as_text=True)
    marks = dict(db.session.execute(select(Attendance.enrollment_id, Attendance.status)).all())
    by_document = {e.person.document_number: e.id for e in enrollments}
    assert marks == {by_document[rows[1][6]]: "presente", by_document[rows[2][6]]: "ausente"}
    login(factories.user(role="trainer"))
    assert client.get(f"/sesiones/{session.id}/planilla.xlsx").status_code == 403
