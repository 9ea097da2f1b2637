"""XLSX and CSV exports of the indicator tables, built from the counting module only.

The XLSX has one sheet per indicator (goal, achieved, per-year figures, every breakdown) and,
for admins only, a "Personas" sheet listing every person counted with the attributes each
figure is cut by: filtering that sheet by a column reproduces any figure. Analysts get no
people sheet at all: the dashboard drill-down already gives them pseudonymous IDs, and a
spreadsheet of people is the easiest thing to leak.
"""

from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lms.formatting import N_, date_time, number, short_date
from lms.indicators import counting
from lms.people.models import SEXES, ZONES
from lms.spreadsheet import csv_text, xlsx_bytes
from lms.timeutil import utcnow

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0A3D7A")
TITLE_FONT = Font(bold=True, size=14)


def collect(filters: counting.Filters) -> list[dict]:
    """Every table of every indicator: summary, per-year figures and breakdowns."""
    out = []
    for s in counting.summaries(filters):
        tables = counting.breakdowns(s.indicator, filters)
        out.append(
            {
                "summary": s,
                "breakdowns": [(dim, tables[name]) for name, dim in counting.DIMENSIONS.items()],
            }
        )
    return out


def describe(filters: counting.Filters) -> str:
    """The filters in words, for sheet headers."""
    parts = [f"{label}: {getattr(filters, name)}" for name, label in _FILTER_LABELS if getattr(
        filters, name)]
    return "; ".join(parts) or "Sin filtros"


_FILTER_LABELS = (("year", N_("Año")), ("site", N_("Sede")), ("zone", N_("Zona")),
                  ("course", N_("Curso")))


def _period(ind, human: bool = True) -> str:
    # People read 01/01/2020; the machine variant keeps ISO dates.
    if human:
        return f"{short_date(ind.period_start)} a {short_date(ind.period_end)}"
    return f"{ind.period_start.isoformat()} a {ind.period_end.isoformat()}"


def _generated(now: datetime | None, human: bool = True) -> str:
    if human:
        return f"{date_time(now or utcnow())} (hora de Colombia)"
    return (now or utcnow()).strftime("%Y-%m-%d %H:%M UTC")


def _header(ws, row: int, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet_title(code: str, used: set[str]) -> str:
    title = "".join("-" if ch in '[]:*?/\\' else ch for ch in code)[:31] or "Indicador"
    while title in used:
        title = title[:28] + f"_{len(used)}"
    used.add(title)
    return title


def workbook(filters: counting.Filters, include_people: bool, now: datetime | None = None) -> bytes:
    """The official-report workbook as bytes."""
    generated = _generated(now)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in collect(filters):
        s = table["summary"]
        ind = s.indicator
        ws = wb.create_sheet(_sheet_title(ind.code, used))
        ws["A1"] = f"{ind.code} — {ind.name}"
        ws["A1"].font = TITLE_FONT
        meta = [
            ("Producto", f"{ind.product_code} {ind.product_name}".strip()),
            ("Regla", counting.rule_text(ind)),
            ("Periodo", _period(ind)),
            ("Filtros", describe(filters)),
            ("Generado", generated),
        ]
        for i, (label, value) in enumerate(meta, start=2):
            ws.cell(row=i, column=1, value=label).font = Font(bold=True)
            ws.cell(row=i, column=2, value=value)
        row = 8
        _header(ws, row, ["Meta", "Logro", "Porcentaje"])
        ws.cell(row=row + 1, column=1, value=ind.goal)
        ws.cell(row=row + 1, column=2, value=s.achieved)
        pct = ws.cell(row=row + 1, column=3, value=s.percent / 100)
        pct.number_format = "0.0%"
        row += 3
        _header(ws, row, ["Año", "Personas"])
        for year, n in sorted(s.by_year.items()):
            row += 1
            ws.cell(row=row, column=1, value=year)
            ws.cell(row=row, column=2, value=n)
        row += 1
        ws.cell(row=row, column=1, value="Total del periodo").font = Font(bold=True)
        ws.cell(row=row, column=2, value=s.total).font = Font(bold=True)
        for dim, rows in table["breakdowns"]:
            row += 2
            _header(ws, row, [dim.title, "Personas"])
            for r in rows:
                row += 1
                ws.cell(row=row, column=1, value=r["label"])
                ws.cell(row=row, column=2, value=r["count"])
            row += 1
            ws.cell(row=row, column=1, value="Total").font = Font(bold=True)
            ws.cell(row=row, column=2, value=sum(r["count"] for r in rows)).font = Font(bold=True)
        for col, width in zip("ABC", (48, 22, 14), strict=True):
            ws.column_dimensions[col].width = width
    if include_people:
        _people_sheet(wb, filters, generated)
    return xlsx_bytes(wb)


PEOPLE_COLUMNS = (
    ("Indicador", 16),
    ("Año", 8),
    ("Fecha del evento", 14),
    ("Tipo doc.", 9),
    ("Número doc.", 16),
    ("Nombres", 24),
    ("Apellidos", 24),
    ("Sexo", 12),
    ("Grupo de edad", 12),
    ("Zona", 10),
    ("Comuna o corregimiento", 24),
    ("Sede", 30),
    ("Curso", 16),
)


def _people_sheet(wb: Workbook, filters: counting.Filters, generated: str) -> None:
    ws = wb.create_sheet("Personas")
    ws["A1"] = "Personas detrás de cada cifra (filtre las columnas para reproducirla)"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = f"Filtros: {describe(filters)} · Generado: {generated} · Uso interno (Ley 1581)"
    _header(ws, 4, [name for name, _ in PEOPLE_COLUMNS])
    for i, (_, width) in enumerate(PEOPLE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for ind in counting.list_indicators():
        _, rows = counting.people(ind, filters)
        for r in rows:
            ws.append(
                [
                    ind.code,
                    r["event_date"].year,
                    r["event_date"],
                    r["document_type"],
                    r["document_number"],
                    r["first_names"],
                    r["last_names"],
                    SEXES.get(r["sex"], counting.NO_INFO),
                    r["age_group"],
                    ZONES.get(r["zone"], counting.NO_INFO),
                    r["area"] or counting.NO_INFO,
                    r["site"],
                    r["course"],
                ]
            )
    ws.auto_filter.ref = f"A4:{get_column_letter(len(PEOPLE_COLUMNS))}{max(ws.max_row, 4)}"
    ws.freeze_panes = "A5"


#: Columns of the staff CSV: (key for programs, header for Excel, meaning). The keys head the
#: ``rfc4180`` variant, the headers the ``excel`` one; both are the data dictionary.
CSV_COLUMNS = (
    ("indicador", "Código del indicador", "Código del indicador del plan de desarrollo."),
    ("nombre", "Indicador", "Nombre del indicador."),
    ("periodo", "Periodo", "Periodo del plan: primer y último día (AAAA-MM-DD)."),
    ("filtros", "Filtros", "Filtros aplicados en el tablero al descargar (o «Sin filtros»)."),
    ("tabla", "Tabla", "resumen (periodo, generado, meta, logro, porcentaje), anio (personas por "
     "año de su primer evento) o un desglose: {tables}."),
    ("clave", "Clave", "Código de la fila dentro de la tabla (p. ej. F, 2021, el código de la "
     "sede o del curso)."),
    ("categoria", "Categoría", "La fila en palabras (p. ej. Femenino, 18-28, no informa)."),
    ("valor", "Valor", "Personas únicas de la fila; en el resumen, el dato que nombra la clave "
     "(el porcentaje con un decimal)."),
)
#: What the dictionary says about the tables of the CSV.
SUMMARY_ROWS = (("periodo", "Periodo"), ("generado", "Generado"), ("meta", "Meta"),
                ("logro", "Logro"), ("porcentaje", "Porcentaje"))


def tables_csv(filters: counting.Filters, fmt: str = "excel", now: datetime | None = None) -> str:
    """The same tables as the workbook, one row per figure (long format), in ``fmt``."""
    excel = fmt == "excel"
    generated = _generated(now, human=excel)
    rows = [[header if excel else key for key, header, _ in CSV_COLUMNS]]
    for table in collect(filters):
        s = table["summary"]
        ind = s.indicator
        base = [ind.code, ind.name, _period(ind, excel), describe(filters)]
        percent = number(s.percent, 1) if excel else f"{s.percent:.1f}"
        # The workbook's header lines: the period and when the figures were taken.
        values = (_period(ind, excel), generated, ind.goal, s.achieved, percent)
        for (key, label), value in zip(SUMMARY_ROWS, values, strict=True):
            rows.append([*base, "resumen", key, label, value])
        for year, n in sorted(s.by_year.items()):
            rows.append([*base, "anio", year, year, n])
        for dim, cells in table["breakdowns"]:
            for r in cells:
                rows.append([*base, dim.slug, r["key"], r["label"], r["count"]])
    return csv_text(rows, fmt)


def dictionary_csv(fmt: str = "excel") -> str:
    """The staff CSV's data dictionary: each column's key, header and meaning."""
    tables = ", ".join(f"{d.slug} ({d.title.lower()})" for d in counting.DIMENSIONS.values())
    rows = [["columna", "encabezado", "descripcion"] if fmt != "excel"
            else ["Columna (variante RFC 4180)", "Encabezado (variante Excel)", "Descripción"]]
    rows += [[key, header, text.format(tables=tables)] for key, header, text in CSV_COLUMNS]
    return csv_text(rows, fmt)
