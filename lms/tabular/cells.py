"""Cells as people typed them: loose header matching, text rendering and the size caps."""

from collections.abc import Sequence
from datetime import date, datetime, time
from itertools import chain

from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from lms.tabular.report import Limits, RowError, TabularError, refuse, thousands
from lms.text import fold


def key(text: str | None) -> str:
    """A header or value folded for loose matching (case, accents, spaces, _ and -)."""
    # Keys such as "salon_comunal" or headers such as "comuna_corregimiento" are often
    # typed with spaces or dashes instead of underscores.
    return fold(str(text or "").replace("_", " ").replace("-", " "))


def text(value) -> str:
    """Render a cell as the text a person typed (12345 not 12345.0, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


def header_map(
    header: Sequence, line: int, required: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    """Map each canonical column to its position, or raise listing the missing ones."""
    positions: dict[str, int] = {}
    wanted = {key(c): c for c in chain(required, optional)}
    for index, cell in enumerate(header):
        canonical = wanted.get(key(text(cell)))
        if canonical is not None and canonical not in positions:
            positions[canonical] = index
    missing = [c for c in required if c not in positions]
    if missing:
        raise TabularError(
            [RowError(line, c, _("falta esta columna obligatoria en el encabezado"))
             for c in missing]
        )
    return positions


def pick(cells: Sequence, positions: dict[str, int], optional: Sequence[str]) -> dict[str, str]:
    """The row's canonical columns as text (missing optional ones as "")."""
    row = {c: text(cells[i]) if i < len(cells) else "" for c, i in positions.items()}
    for column in optional:
        row.setdefault(column, "")
    return row


def check_size(cells: Sequence, number: int, caps: Limits) -> None:
    """Stop at a row with too many columns or a cell too long (a spreadsheet bomb)."""
    used = len(cells)
    while used and (cells[used - 1] is None or cells[used - 1] == ""):
        used -= 1
    if used > caps.columns:
        raise refuse(_("la fila tiene datos en %(used)s columnas; el máximo es %(most)s. Borre "
                       "las columnas sobrantes", used=thousands(used),
                       most=thousands(caps.columns)), number)
    for index in range(used):
        cell = cells[index]
        if isinstance(cell, str) and len(cell) > caps.cell_chars:
            raise refuse(_("la celda tiene %(chars)s caracteres; el máximo es %(most)s",
                           chars=thousands(len(cell)), most=thousands(caps.cell_chars)),
                         number, get_column_letter(index + 1))


def check_rows(number: int, header_line: int, caps: Limits) -> None:
    """Stop at the first row beyond the cap, without reading the rest of the file."""
    if number - header_line > caps.rows:
        raise refuse(_("el archivo tiene más de %(most)s filas de datos; divídalo en varios "
                       "archivos", most=thousands(caps.rows)), number)
