"""Streaming CSV/XLSX reading shared by every import (sites, attendance planillas).

Offices fill these files by hand in Excel or LibreOffice, so headers and enumerated values
are matched loosely (case, accents, spacing), the encodings and separators Excel writes
are all accepted, and every problem is reported precisely as ``fila N, columna X:
problema`` so the person can fix the file and import it again. Files are capped (rows,
columns, cell length, unpacked size: ``report.Limits``) and reading stops at the first
excess, so no upload can hold a worker for long or fill its memory.
"""

import os
from collections.abc import Iterator, Sequence
from typing import IO

from flask_babel import gettext as _

from lms.tabular.cells import key
from lms.tabular.csv_reader import read_csv
from lms.tabular.report import (
    REPORT_LIMIT,
    Limits,
    RowError,
    RowErrors,
    TabularError,
    limits,
    more_errors,
    nothing_imported,
    refuse,
)
from lms.tabular.xlsx_reader import read_xlsx
from lms.text import fold

__all__ = ["REPORT_LIMIT", "Limits", "RowError", "RowErrors", "TabularError", "limits",
           "match_choice", "more_errors", "nothing_imported", "read_table"]


def match_choice(value: str | None, choices: dict[str, str]) -> str | None:
    """Return the key of ``choices`` whose key or label matches ``value`` loosely, else None."""
    wanted = key(value)
    if not wanted:
        return None
    for code, label in choices.items():
        if wanted in (key(code), key(label)):
            return code
    return None


def read_table(
    stream_or_path: str | os.PathLike | IO,
    filename: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream ``(row_number, {column: text})`` from a CSV or XLSX file, header on its first line.

    Columns are the canonical names in ``required`` and ``optional`` (missing optional ones
    come back as ""); other columns are ignored and blank rows skipped. A missing required
    column, an unreadable file or one over the limits raises TabularError while iterating.
    """
    name = fold(filename)
    if name.endswith(".csv") or name.endswith(".txt"):
        return read_csv(stream_or_path, required, optional)
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return read_xlsx(stream_or_path, required, optional)
    return _refuse(filename)


def _refuse(filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    raise refuse(_("«%(name)s» no es un archivo .csv ni .xlsx", name=filename))
    yield  # pragma: no cover - makes this a generator, like the readers
