"""Cells that a spreadsheet shows as text and never runs: the one owner of that rule for every
export (XLSX and CSV, staff and public).

Excel, LibreOffice and Google Sheets read a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula, and a leading tab or carriage return can hide one; a participant's name or a
site's name is typed by people, so ``=HYPERLINK(...)`` would become a live link in the
office's report. Such values get a leading apostrophe (OWASP's advice), which keeps the
whole text visible and makes the cell plain text.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

#: First characters that make a spreadsheet evaluate (or hide) a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """``value`` as a cell that is never a formula; anything but text is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: The two CSV shapes every export offers: ``excel`` for Excel set to Spanish (a UTF-8 byte
#: order mark, so accents survive, and ``;``, because the decimal separator is the comma),
#: and ``rfc4180`` for programs (no mark, ``,``). Both end lines with CRLF, as RFC 4180 says.
CSV_FORMATS = {"excel": (";", "\ufeff"), "rfc4180": (",", "")}


def csv_text(rows: Iterable[Iterable], fmt: str = "rfc4180") -> str:
    """CSV text of ``rows`` (the header first) in ``fmt`` (CSV_FORMATS), every cell neutralised."""
    delimiter, mark = CSV_FORMATS[fmt]
    out = io.StringIO()
    out.write(mark)
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([neutralize(value) for value in row])
    return out.getvalue()


def xlsx_bytes(workbook: Workbook) -> bytes:
    """Neutralise every text cell of ``workbook`` and return the saved file."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralize(cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
