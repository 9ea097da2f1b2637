"""The printable planilla: the paper sheet for centres without a device.

Its columns are the planilla import's, in the same order, with a title people read and the
import's column name in small print under it, so what is written by hand can be typed back
(or into the pre-filled XLSX, ``planilla_xlsx``) and imported without remapping. The sheet
goes round the room, so it shows what identifies a person and no more: the last four digits
of their document, and no birth date for people already registered (the import keeps the
stored one when that cell is empty). New people write theirs on the blank rows.
"""

from io import BytesIO
from pathlib import Path

from fpdf import FPDF

from lms.courses.models import CourseSession
from lms.formatting import hours_number, short_date

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
#: Blank rows added for people who arrive without being enrolled.
WALK_IN_ROWS = 8
#: (title, import column, width mm): 277 mm, A4 landscape.
COLUMNS = (
    ("N.º", "", 7),
    ("Tipo doc.", "tipo_documento", 15),
    ("Documento", "numero_documento", 26),
    ("Nombres", "nombres", 31),
    ("Apellidos", "apellidos", 31),
    ("Sexo", "sexo", 10),
    ("Nacimiento", "fecha_nacimiento", 20),
    ("Zona", "zona", 13),
    ("Asistencia P/T/E/A", "estado", 17),
    ("Autoriza datos si/no", "autorizacion_datos", 21),
    ("Nombre del acudiente", "acudiente_nombre", 30),
    ("Doc. acudiente", "acudiente_documento", 22),
    ("Firma del participante", "", 34),
)
LINE_H = 4.2
#: A row is at least this tall, so there is room to write and sign by hand.
ROW_H = 8
HEADER_H = 10


def masked(number: str) -> str:
    """A document number as its last four digits (the sheet goes round the room)."""
    return "•••" + number[-4:] if number else ""


class _Planilla(FPDF):
    def __init__(self, title: str, running: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=14)
        self.set_title(title)
        self.set_author("Oficina TIC")
        self.running = running

    def header(self):
        # Every page says which course, group and date it belongs to.
        self.set_font("DejaVu", "B", 8)
        self.cell(0, 5, self.running, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def footer(self):
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 5, "Asistencia: P presente · T tarde · E excusa · A ausente. "
                  "Autoriza datos: si/no (obligatorio «si» para personas nuevas). "
                  f"Página {self.page_no()}/{{nb}}", align="C")


def _header_row(pdf: _Planilla) -> None:
    pdf.set_fill_color(225, 230, 240)
    x, y = pdf.l_margin, pdf.get_y()
    for title, column, width in COLUMNS:
        pdf.rect(x, y, width, HEADER_H, style="DF")
        pdf.set_xy(x, y + 0.6)
        pdf.set_font("DejaVu", "B", 6.5)
        pdf.multi_cell(width, 2.9, title, align="C", new_x="LEFT", new_y="NEXT")
        if column:
            pdf.set_xy(x, y + HEADER_H - 3.2)
            pdf.set_font("DejaVu", "", 4.6)
            pdf.multi_cell(width, 2.6, column, align="C")
        x += width
    pdf.set_xy(pdf.l_margin, y + HEADER_H)
    pdf.set_font("DejaVu", "", 8)


def _row(pdf: _Planilla, values: list[str]) -> None:
    # Long names wrap inside their cell, and the row grows to fit them.
    lines = [pdf.multi_cell(width, LINE_H, value, dry_run=True, output="LINES")
             for (_t, _c, width), value in zip(COLUMNS, values, strict=True)]
    height = max(ROW_H, LINE_H * max(len(cell) for cell in lines) + 1)
    if pdf.will_page_break(height):
        pdf.add_page()
        _header_row(pdf)
    x, y = pdf.l_margin, pdf.get_y()
    for (_title, _column, width), value in zip(COLUMNS, values, strict=True):
        pdf.rect(x, y, width, height)
        pdf.set_xy(x, y + 0.5)
        pdf.multi_cell(width, LINE_H, value)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _signatures(pdf: _Planilla, trainers: str) -> None:
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 8)
    y = pdf.get_y() + 8
    for x, label in ((pdf.l_margin, f"Firma del formador(a): {trainers}"),
                     (pdf.l_margin + 150, "Recibido en la Oficina TIC (nombre, firma y fecha)")):
        pdf.line(x, y, x + 110, y)
        pdf.set_xy(x, y + 1)
        pdf.cell(110, 4, label)


def planilla_pdf(session: CourseSession, rows) -> BytesIO:
    """Build the planilla of a session for its roster rows; return the PDF bytes."""
    cohort, course, site = session.cohort, session.cohort.course, session.cohort.site
    day = short_date(session.date)
    pdf = _Planilla(f"Planilla {cohort.code} {session.date.isoformat()}",
                    f"Planilla de asistencia · {course.code} {course.name} · Grupo {cohort.code}"
                    f" · {day}")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, "Planilla de asistencia — Formación TIC", new_x="LMARGIN", new_y="NEXT")
    trainers = ", ".join(t.name for t in cohort.trainers) or "—"
    facts = (
        ("Curso", "curso", f"{course.code} — {course.name}"),
        ("Grupo", "grupo", cohort.code),
        ("Sede", "sede", f"{site.code} — {site.name}"),
        ("Fecha", "fecha", day),
        ("Horas", "horas", hours_number(session.hours)),
        ("Formador(a)", "", trainers),
    )
    for label, column, value in facts:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(22, 5.5, label)
        pdf.set_font("DejaVu", "", 5)
        pdf.cell(12, 5.5, column)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(
        0, 3.6,
        "Las personas nuevas autorizan el tratamiento de sus datos personales (Ley 1581 de "
        "2012) escribiendo «si» en «Autoriza datos» y firmando, tras leer el aviso de "
        "privacidad de la Oficina TIC. Menores de 18 años: nombre y documento del acudiente, "
        "que también firma. Las personas ya inscritas no escriben su fecha de nacimiento.",
        new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(2)
    _header_row(pdf)
    number = 0
    for number, row in enumerate(rows, start=1):
        p = row.person
        _row(pdf, [
            str(number), p.document_type, masked(p.document_number), p.first_names,
            p.last_names, p.sex or "", "", p.zone or "", "", "", "", "", "",
        ])
    for extra in range(WALK_IN_ROWS):
        _row(pdf, [str(number + extra + 1)] + [""] * (len(COLUMNS) - 1))
    _signatures(pdf, trainers)
    return BytesIO(bytes(pdf.output()))
