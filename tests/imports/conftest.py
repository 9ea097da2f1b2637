"""Fixtures for the file-import tests: catalog rows, upload helpers, hand-built XLSX files."""

import io
import zipfile
from collections.abc import Callable, Iterable

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.courses.models import Course
from lms.courses.services import seed_catalog
from tests import factories

PLANILLA_HEADER = ("curso", "grupo", "sede", "fecha", "horas", "tipo_documento",
                   "numero_documento", "nombres", "apellidos", "sexo", "fecha_nacimiento",
                   "zona", "estado", "autorizacion_datos")
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def catalog(db):
    """The seeded catalog (comunas for the sites) and a course, site and cohort for planillas."""
    seed_catalog()
    course = db.session.scalar(select(Course).where(Course.code == "TIC-BASICO"))
    site = factories.site(code="CAC-ATALAYA")
    db.session.commit()
    return course, site


def planilla_row(number: str, first: str = "Ana María", last: str = "Pérez Ibáñez",
                 day: str = "2021-03-01", status: str = "P") -> list[str]:
    """One row of a planilla for a new person of the TIC-BASICO course."""
    return ["TIC-BASICO", "G-2021-01", "CAC-ATALAYA", day, "4", "CC", number, first, last,
            "F", "1990-05-06", "urbana", status, "si"]


def upload(client, url: str, data: bytes, name: str, **fields):
    """POST a file to an import form (multipart), with extra form fields.

    The body is encoded in memory: the test client would spool a large one to a temporary
    file that it never closes.
    """
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name), **fields})
    return client.post(url, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def xlsx_with_sheet(write_rows: Callable[[Callable[[str], None]], None]) -> bytes:
    """A valid XLSX whose first sheet's XML rows are written by ``write_rows(write)``.

    The sheet part is streamed into the zip, so a sheet of a gigabyte stays a small file.
    """
    book = openpyxl.Workbook()
    book.active.append(["x"])
    template = io.BytesIO()
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, compresslevel=1
    ) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
                continue
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                def write(text: str) -> None:
                    sheet.write(text.encode())
                write('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                      '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                write_rows(write)
                write("</sheetData></worksheet>")
    return out.getvalue()


def inline_row(number: int, values: Iterable[str], first_column: int = 1) -> str:
    """A sheet row of inline strings."""
    from openpyxl.utils import get_column_letter

    cells = "".join(
        f'<c r="{get_column_letter(first_column + i)}{number}" t="inlineStr">'
        f"<is><t>{v}</t></is></c>"
        for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'
