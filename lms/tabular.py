"""Streaming CSV/XLSX reading shared by every import (sites, attendance planillas).

Offices fill these files by hand in Excel or LibreOffice, so headers and enumerated values
are matched loosely (case, accents, spacing), while every problem is reported precisely as
``fila N, columna X: problema`` so the person can fix the file and import it again.
"""

import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from itertools import chain
from typing import IO

from lms.errors import ValidationError
from lms.text import fold

__all__ = ["RowError", "TabularError", "match_choice", "read_table"]

#: Cap on errors kept in a TabularError's summary message (the full list stays in .errors).
SUMMARY_LIMIT = 20


def _key(text: str | None) -> str:
    # Keys such as "salon_comunal" or headers such as "comuna_corregimiento" are often
    # typed with spaces or dashes instead of underscores.
    return fold(str(text or "").replace("_", " ").replace("-", " "))


def match_choice(value: str | None, choices: dict[str, str]) -> str | None:
    """Return the key of ``choices`` whose key or label matches ``value`` loosely, else None."""
    wanted = _key(value)
    if not wanted:
        return None
    for key, label in choices.items():
        if wanted in (_key(key), _key(label)):
            return key
    return None


class RowError:
    """One problem in an imported file, located by row (as numbered in the file) and column."""

    def __init__(self, row: int | None, column: str | None, message: str):
        self.row, self.column, self.message = row, column, message

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"fila {self.row}")
        if self.column:
            parts.append(f"columna {self.column}")
        return f"{', '.join(parts)}: {self.message}" if parts else self.message

    def __repr__(self) -> str:
        return f"RowError({self.row!r}, {self.column!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowError) and (self.row, self.column, self.message) == (
            other.row,
            other.column,
            other.message,
        )

    __hash__ = None  # type: ignore[assignment]


class TabularError(ValidationError):
    """An import refused as a whole; ``errors`` lists every RowError found."""

    def __init__(self, errors: Iterable[RowError], field: str = "file"):
        self.errors = list(errors)
        lines = [str(e) for e in self.errors]
        summary = "; ".join(lines[:SUMMARY_LIMIT])
        if len(lines) > SUMMARY_LIMIT:
            summary += f"; … y {len(lines) - SUMMARY_LIMIT} errores más"
        super().__init__(
            f"El archivo tiene {len(lines)} error(es): {summary}",
            field=field,
            fields={field: lines},
        )


def read_table(
    stream_or_path: str | os.PathLike | IO,
    filename: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream ``(row_number, {column: text})`` from a CSV or XLSX file, header on its first line.

    Columns are the canonical names in ``required`` and ``optional`` (missing optional ones
    come back as ""); other columns are ignored and blank rows skipped. A missing required
    column, an unreadable file or a non-UTF-8 CSV raises TabularError when iteration starts.
    """
    name = fold(filename)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(stream_or_path, required, optional)
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return _read_xlsx(stream_or_path, required, optional)
    return _refuse(filename)


def _refuse(filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    raise TabularError([RowError(None, None, f"«{filename}» no es un archivo .csv ni .xlsx")])
    yield  # pragma: no cover - makes this a generator, like the readers


def _header_map(
    header: Sequence, line: int, required: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    """Map each canonical column to its position, or raise listing the missing ones."""
    positions: dict[str, int] = {}
    wanted = {_key(c): c for c in chain(required, optional)}
    for index, cell in enumerate(header):
        canonical = wanted.get(_key(_text(cell)))
        if canonical is not None and canonical not in positions:
            positions[canonical] = index
    missing = [c for c in required if c not in positions]
    if missing:
        raise TabularError(
            [RowError(line, c, "falta esta columna obligatoria en el encabezado") for c in missing]
        )
    return positions


def _pick(cells: Sequence, positions: dict[str, int], optional: Sequence[str]) -> dict[str, str]:
    row = {c: _text(cells[i]) if i < len(cells) else "" for c, i in positions.items()}
    for column in optional:
        row.setdefault(column, "")
    return row


def _text(value) -> str:
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


def _open_binary(stream_or_path) -> tuple[IO, bool]:
    """Return a binary stream and whether we opened it (and so must close it)."""
    if isinstance(stream_or_path, str | os.PathLike):
        return open(stream_or_path, "rb"), True  # noqa: SIM115 - closed by the caller
    # werkzeug FileStorage wraps the real stream.
    return getattr(stream_or_path, "stream", stream_or_path), False


def _read_csv(stream_or_path, required, optional) -> Iterator[tuple[int, dict[str, str]]]:
    raw, owned = _open_binary(stream_or_path)
    if isinstance(raw, io.TextIOBase):
        text, wrapped = raw, False
    else:
        text, wrapped = io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), True
    line = header_line = consumed = 0
    try:
        first = ""
        while not first.strip():
            first = text.readline()
            line += 1
            if not first:
                raise TabularError([RowError(None, None, "el archivo está vacío")])
        first = first.lstrip("\ufeff")
        # Excel in es-CO saves "CSV" with semicolons, so the header line decides.
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(chain([first], text), delimiter=delimiter)
        header_line = line
        positions = _header_map(next(reader), header_line, required, optional)
        consumed = reader.line_num
        for cells in reader:
            row_number = header_line + consumed
            consumed = reader.line_num
            if any(c.strip() for c in cells):
                yield row_number, _pick(cells, positions, optional)
    except UnicodeDecodeError:
        raise TabularError(
            [
                RowError(
                    None,
                    None,
                    "el archivo CSV no está en UTF-8; guárdelo como «CSV UTF-8» "
                    "e inténtelo de nuevo",
                )
            ]
        ) from None
    except csv.Error as exc:
        raise TabularError(
            [RowError(header_line + consumed, None, f"CSV mal formado ({exc})")]
        ) from None
    finally:
        if wrapped:
            # Give the caller's stream back open (FileStorage closes it itself).
            text.detach()
        if owned:
            raw.close()


def _read_xlsx(stream_or_path, required, optional) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    raw, owned = _open_binary(stream_or_path)
    try:
        try:
            book = load_workbook(raw, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise TabularError(
                [RowError(None, None, "el archivo no es un libro de Excel (.xlsx) válido")]
            ) from None
        try:
            sheet = book.worksheets[0]
            # Some writers store a stale sheet size; reading without it never truncates.
            sheet.reset_dimensions()
            positions = None
            for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                if not any(_text(c) for c in cells):
                    continue
                if positions is None:
                    positions = _header_map(cells, number, required, optional)
                    continue
                yield number, _pick(cells, positions, optional)
            if positions is None:
                raise TabularError([RowError(None, None, "el archivo está vacío")])
        finally:
            book.close()
    finally:
        if owned:
            raw.close()
