"""The printable planilla: the paper sheet for centres without a device.

Its columns are the planilla import's, in the same order, so what is written by
hand can be typed back into a spreadsheet and imported without remapping.
"""

from io import BytesIO
from pathlib import Path

from fpdf import FPDF

from lms.courses.models import CourseSession

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
#: Blank rows added for people who arrive without being enrolled.
WALK_IN_ROWS = 8
#: (header, width mm): import column names, then the signature; 277 mm, A4 landscape.
COLUMNS = (
    ("N.º", 7),
    ("tipo_documento", 17),
    ("numero_documento", 26),
    ("nombres", 29),
    ("apellidos", 29),
    ("sexo", 8),
    ("fecha_nacimiento", 20),
    ("zona", 13),
    ("estado", 11),
    ("autorizacion_datos", 20),
    ("acudiente_nombre", 34),
    ("acudiente_documento", 26),
    ("Firma", 37),
)
ROW_H = 8
#: The header row has room for names broken after an underscore.
HEADER_H, HEADER_LINE_H = 8, 3.4


class _Planilla(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=14)
        self.set_title(title)
        self.set_author("Oficina TIC")

    def footer(self):
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 5, "Estado: P presente · T tarde · E excusa · A ausente. "
                  "autorizacion_datos: si/no (obligatorio «si» para personas nuevas). "
                  f"Página {self.page_no()}/{{nb}}", align="C")


def header_lines(pdf: FPDF, title: str, width: float) -> list[str]:
    """A column name on one line if it fits, else broken after its underscores."""
    if pdf.get_string_width(title) + 2 * pdf.c_margin <= width:
        return [title]
    return title.replace("_", "_\n").split("\n")


def _header_row(pdf: _Planilla) -> None:
    pdf.set_font("DejaVu", "B", 6.5)
    pdf.set_fill_color(225, 230, 240)
    x, y = pdf.l_margin, pdf.get_y()
    for title, width in COLUMNS:
        pdf.rect(x, y, width, HEADER_H, style="DF")
        lines = header_lines(pdf, title, width)
        pdf.set_xy(x, y + (HEADER_H - HEADER_LINE_H * len(lines)) / 2)
        pdf.multi_cell(width, HEADER_LINE_H, "\n".join(lines), align="C")
        x += width
    pdf.set_xy(pdf.l_margin, y + HEADER_H)
    pdf.set_font("DejaVu", "", 8)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    # A long name is cut rather than written over the next column.
    while text and pdf.get_string_width(text) + 2 * pdf.c_margin > width:
        text = text[:-1]
    return text


def _row(pdf: _Planilla, values: list[str]) -> None:
    if pdf.will_page_break(ROW_H):
        pdf.add_page()
        _header_row(pdf)
    for (_title, width), value in zip(COLUMNS, values, strict=True):
        pdf.cell(width, ROW_H, _fit(pdf, value, width), border=1)
    pdf.ln()


def planilla_pdf(session: CourseSession, rows) -> BytesIO:
    """Build the planilla of a session for its roster rows; return the PDF bytes."""
    cohort, course, site = session.cohort, session.cohort.course, session.cohort.site
    pdf = _Planilla(f"Planilla {cohort.code} {session.date.isoformat()}")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, "Planilla de asistencia — Formación TIC", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    trainers = ", ".join(t.name for t in cohort.trainers) or "—"
    facts = (
        ("Curso (curso)", f"{course.code} — {course.name}"),
        ("Grupo (grupo)", cohort.code),
        ("Sede (sede)", f"{site.code} — {site.name}"),
        ("Fecha (fecha)", session.date.isoformat()),
        ("Horas (horas)", f"{session.hours:g}"),
        ("Formador(a)", trainers),
    )
    for label, value in facts:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(32, 5.5, label)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(
        0, 3.6,
        "Las personas nuevas autorizan el tratamiento de sus datos personales (Ley 1581 de "
        "2012) escribiendo «si» en autorizacion_datos y firmando, tras leer el aviso de "
        "privacidad de la Oficina TIC. Menores de 18 años: nombre y documento del acudiente, "
        "que también firma.",
        new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(2)
    _header_row(pdf)
    number = 0
    for number, row in enumerate(rows, start=1):
        p = row.person
        _row(pdf, [
            str(number), p.document_type, p.document_number, p.first_names,
            p.last_names, p.sex or "", p.birth_date.isoformat() if p.birth_date else "",
            p.zone or "", "", "", "", "", "",
        ])
    for extra in range(WALK_IN_ROWS):
        _row(pdf, [str(number + extra + 1)] + [""] * (len(COLUMNS) - 1))
    return BytesIO(bytes(pdf.output()))
