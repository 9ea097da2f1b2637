"""What an import reports: row errors, the refusal that carries them, and the file limits.

A file with 500,000 wrong rows must not become a 56 MB page (nor 500,000 objects in
memory): ``RowErrors`` keeps the first REPORT_LIMIT errors by row and counts the rest.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.errors import ValidationError

#: Row errors listed in a report (page, command, background job); the rest are counted.
REPORT_LIMIT = 200
#: Cap on errors kept in a TabularError's one-line summary message.
SUMMARY_LIMIT = 20


class RowError:
    """One problem in an imported file, located by row (as numbered in the file) and column."""

    def __init__(self, row: int | None, column: str | None, message: str):
        self.row, self.column, self.message = row, column, message

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("fila %(row)s", row=self.row))
        if self.column:
            parts.append(_("columna %(column)s", column=self.column))
        return f"{', '.join(parts)}: {self.message}" if parts else str(self.message)

    def __repr__(self) -> str:
        return f"RowError({self.row!r}, {self.column!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowError) and (self.row, self.column, self.message) == (
            other.row,
            other.column,
            other.message,
        )

    __hash__ = None  # type: ignore[assignment]


def _in_file_order(error: RowError) -> int:
    return error.row or 0


class TabularError(ValidationError):
    """An import refused as a whole: ``errors`` holds the first REPORT_LIMIT problems in
    file order, ``count`` how many there were in all."""

    def __init__(self, errors: Iterable[RowError], field: str = "file", count: int | None = None):
        errors = list(errors)
        self.count = len(errors) if count is None else count
        self.errors = errors[:REPORT_LIMIT]
        lines = [str(e) for e in self.errors]
        summary = "; ".join(lines[:SUMMARY_LIMIT])
        if self.count > SUMMARY_LIMIT:
            summary += "; " + more_errors(self.count - SUMMARY_LIMIT).rstrip(".")
        super().__init__(
            ngettext("El archivo tiene %(num)d error: %(summary)s",
                     "El archivo tiene %(num)d errores: %(summary)s", self.count,
                     summary=summary),
            field=field,
            fields={field: lines},
        )

    @property
    def more(self) -> int:
        """Errors counted but not listed."""
        return self.count - len(self.errors)


class RowErrors:
    """An import's errors as they are found: the first REPORT_LIMIT by row, and a count."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.count = 0

    def append(self, error: RowError) -> None:
        """Record one error (memory stays bounded however many there are)."""
        self.count += 1
        self.kept.append(error)
        if len(self.kept) >= 4 * REPORT_LIMIT:
            self._trim()

    def extend(self, errors: Iterable[RowError]) -> None:
        """Record several errors."""
        for error in errors:
            self.append(error)

    def _trim(self) -> None:
        # Stable: errors of one row keep the order they were found in.
        self.kept.sort(key=_in_file_order)
        del self.kept[REPORT_LIMIT:]

    def __bool__(self) -> bool:
        return self.count > 0

    def refusal(self) -> TabularError:
        """The TabularError to raise: the first errors in file order, and the count."""
        self._trim()
        return TabularError(self.kept, count=self.count)


@dataclass(frozen=True)
class Limits:
    """How big a file an import reads; the first excess stops it (``IMPORT_MAX_*``)."""

    #: Data rows (an XLSX row number beyond header + rows stops the reading).
    rows: int = 200_000
    #: Columns with something in them.
    columns: int = 60
    #: Characters in one cell.
    cell_chars: int = 1_000
    #: Bytes of an XLSX once unzipped (all its parts together).
    unpacked_bytes: int = 400 * 1024 * 1024


def limits() -> Limits:
    """The limits configured for this app (the defaults outside one)."""
    if not has_app_context():
        return Limits()
    config, default = current_app.config, Limits()
    return Limits(
        rows=config.get("IMPORT_MAX_ROWS", default.rows),
        columns=config.get("IMPORT_MAX_COLUMNS", default.columns),
        cell_chars=config.get("IMPORT_MAX_CELL_CHARS", default.cell_chars),
        unpacked_bytes=config.get("IMPORT_MAX_UNPACKED_BYTES", default.unpacked_bytes),
    )


def refuse(message: str, row: int | None = None, column: str | None = None) -> TabularError:
    """A refusal of the whole file for one reason."""
    return TabularError([RowError(row, column, message)])


def thousands(number: int) -> str:
    """12345 as «12.345», the way Colombian Spanish writes it."""
    return f"{number:,}".replace(",", ".")


def more_errors(count: int) -> str:
    """"… y 1 error más." / "… y 3 errores más.": the errors a report leaves out."""
    return ngettext("… y %(num)d error más.", "… y %(num)d errores más.", count)


def nothing_imported(count: int) -> str:
    """The refusal of a whole file, counted: "No se importó nada: 1 error."."""
    return ngettext("No se importó nada: %(num)d error.", "No se importó nada: %(num)d errores.",
                    count)
