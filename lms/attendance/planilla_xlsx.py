"""The planilla as an XLSX pre-filled for one session: for typing the signed paper sheet in.

Its first sheet is exactly what the planilla import reads (the import's column names, one
row per enrolled person with the session's course, group, site, date and hours), so once the
attendance column is typed it is imported as it is; a row left without attendance records
nothing (the import warns). New people are added as new rows. Full document numbers are
needed for that, so this file is for the office's computer, not for the room.
"""

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from lms.attendance.planilla_rows import OPTIONAL, REQUIRED
from lms.courses.models import CourseSession
from lms.spreadsheet import xlsx_bytes

COLUMNS = REQUIRED + OPTIONAL
_HELP = (
    "Escriba en «estado» P (presente), T (tarde), E (excusa) o A (ausente) según la planilla "
    "firmada; una fila sin estado no registra nada.",
    "Agregue una fila por cada persona nueva, con todos sus datos y «si» en "
    "autorizacion_datos (menores: acudiente_nombre y acudiente_documento).",
    "La columna «nota» es opcional: una nota breve sobre la asistencia, sin datos personales; "
    "una celda vacía conserva la nota que la marca ya tenga.",
    "Luego importe este archivo tal como está en Planillas › Importar.",
)


def planilla_xlsx(session: CourseSession, rows) -> bytes:
    """The pre-filled planilla of a session for its roster rows, as XLSX bytes."""
    cohort = session.cohort
    book = Workbook()
    sheet = book.active
    sheet.title = "Planilla"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fixed = {"curso": cohort.course.code, "grupo": cohort.code, "sede": cohort.site.code,
             "fecha": session.date, "horas": float(session.hours)}
    for row in rows:
        p = row.person
        person = {"tipo_documento": p.document_type, "numero_documento": p.document_number,
                  "nombres": p.first_names, "apellidos": p.last_names, "sexo": p.sex or "",
                  "zona": p.zone or "", "nota": row.mark.note if row.mark else ""}
        sheet.append([fixed.get(c, person.get(c, "")) for c in COLUMNS])
    for index in range(2, sheet.max_row + 1):
        sheet.cell(index, COLUMNS.index("fecha") + 1).number_format = "yyyy-mm-dd"
        # Document numbers are text: leading zeros and letters (PPT, PA) survive.
        sheet.cell(index, COLUMNS.index("numero_documento") + 1).number_format = "@"
    status = DataValidation(type="list", formula1='"P,T,E,A"', allow_blank=True)
    sheet.add_data_validation(status)
    letter = sheet.cell(1, COLUMNS.index("estado") + 1).column_letter
    status.add(f"{letter}2:{letter}1000")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Instrucciones")
    for line in _HELP:
        notes.append([line])
    return xlsx_bytes(book)
