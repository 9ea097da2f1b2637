"""CSV as offices save it: UTF-8 (with or without BOM), UTF-16 or Windows-1252, separated by
commas, semicolons or tabs.

Excel in Spanish (Colombia) saves «CSV (delimitado por comas)» as Windows-1252 with ``;``,
«CSV UTF-8» with a BOM, and «Texto Unicode» as UTF-16 with tabs; LibreOffice and Google
Sheets write UTF-8 with ``,``. The encoding is decided from the BOM, or else by checking the
whole file as UTF-8 (a Windows-1252 file is almost never valid UTF-8: its accented letters
are single bytes above 0x7F); the separator by the header line.
"""

import codecs
import csv
import io
import os
from collections.abc import Iterator
from itertools import chain
from typing import IO

from flask_babel import gettext as _

from lms.tabular.cells import check_rows, check_size, header_map, pick
from lms.tabular.report import RowError, TabularError, limits, refuse, thousands

#: Bytes read to look for a BOM or UTF-16's zero bytes.
SAMPLE = 64 * 1024
SEPARATORS = (";", ",", "\t")


def open_binary(stream_or_path) -> tuple[IO, bool]:
    """Return a binary stream and whether we opened it (and so must close it)."""
    if isinstance(stream_or_path, str | os.PathLike):
        return open(stream_or_path, "rb"), True  # noqa: SIM115 - closed by the caller
    # werkzeug FileStorage wraps the real stream.
    return getattr(stream_or_path, "stream", stream_or_path), False


def _is_utf8(raw: IO, start: int) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(start)
    return True


def detect_encoding(raw: IO) -> str:
    """The codec of a seekable binary stream, which is left where it was."""
    start = raw.tell()
    sample = raw.read(SAMPLE)
    raw.seek(start)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = sample[0::2], sample[1::2]
    if sample and odd.count(0) > len(odd) // 3 and even.count(0) < len(even) // 10:
        return "utf-16-le"  # ASCII text as UTF-16 without a BOM: every other byte is zero
    if sample and even.count(0) > len(even) // 3 and odd.count(0) < len(odd) // 10:
        return "utf-16-be"
    return "utf-8" if _is_utf8(raw, start) else "cp1252"


def _separator(header: str) -> str:
    return max(SEPARATORS, key=header.count)


def _lines(text: IO, longest: int, first_number: int) -> Iterator[str]:
    # readline(limit) never holds more than one bounded line: a "CSV" of one 1 GiB line is
    # refused after reading ``longest`` characters of it.
    number = first_number
    while line := text.readline(longest + 1):
        if len(line) > longest and not line.endswith("\n"):
            raise refuse(_("la línea tiene más de %(most)s caracteres", most=thousands(longest)),
                         number)
        number += 1
        yield line


def read_csv(stream_or_path, required, optional) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream ``(row_number, {column: text})`` from a CSV file (see the module's docstring)."""
    source, owned = open_binary(stream_or_path)
    caps = limits()
    raw = source if source.seekable() else io.BytesIO(source.read())
    text = io.TextIOWrapper(raw, encoding=detect_encoding(raw), newline="")
    header_line = consumed = 0
    try:
        lines = _lines(text, caps.columns * (caps.cell_chars + 3), 1)
        first = ""
        for first in lines:
            header_line += 1
            if first.strip():
                break
        if not first.strip():
            raise refuse(_("el archivo está vacío"))
        first = first.lstrip("\ufeff")
        reader = csv.reader(chain([first], lines), delimiter=_separator(first))
        header = next(reader)
        check_size(header, header_line, caps)
        positions = header_map(header, header_line, required, optional)
        consumed = reader.line_num
        for cells in reader:
            row_number = header_line + consumed
            consumed = reader.line_num
            check_rows(row_number, header_line, caps)
            check_size(cells, row_number, caps)
            if any(c.strip() for c in cells):
                yield row_number, pick(cells, positions, optional)
    except UnicodeDecodeError:
        raise refuse(_("no se reconoce la codificación del archivo; guárdelo como «CSV UTF-8» "
                       "e inténtelo de nuevo")) from None
    except csv.Error as exc:
        raise TabularError(
            [RowError(header_line + consumed, None, _("CSV mal formado (%(error)s)", error=exc))]
        ) from None
    finally:
        # Give the caller's stream back open (FileStorage closes it itself).
        text.detach()
        if owned:
            source.close()
