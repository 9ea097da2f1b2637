"""XLSX read safely: the zip's parts are measured before any is parsed, the sheet is
streamed (openpyxl ``read_only``) and each row is checked against the caps as it comes.

An XLSX is a zip of XML parts: 1 MB on disk can unpack to a 1 GiB cell (openpyxl holds the
shared strings in memory) or 3 million rows. The sizes a zip declares are the most it will
ever unpack (Python's zipfile cuts each part at its declared size and fails its CRC if the
data was longer), so refusing declared sizes over the limit bounds the work before it
starts. openpyxl parses XML with defusedxml when it is installed (a dependency of ours), so
entity expansion ("billion laughs") and external entities are refused too.
"""

import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from flask_babel import gettext as _

from lms.formatting import N_, label
from lms.tabular.cells import check_rows, check_size, header_map, pick, text
from lms.tabular.csv_reader import open_binary
from lms.tabular.report import limits, refuse, thousands

_NOT_A_BOOK = N_("el archivo no es un libro de Excel (.xlsx) válido")
_UNSAFE_XML = N_("el libro de Excel tiene XML no permitido o dañado (entidades o DTD); ábralo "
                 "y guárdelo de nuevo con Excel o LibreOffice")
#: What defusedxml refuses, and XML that does not parse.
_UNSAFE = (DefusedXmlException, ParseError)


def check_archive(raw, most: int) -> None:
    """Refuse a zip whose parts would unpack to more than ``most`` bytes in all."""
    start = raw.tell()
    try:
        with zipfile.ZipFile(raw) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(label(_NOT_A_BOOK)) from None
    finally:
        raw.seek(start)
    if unpacked > most:
        mb = thousands(unpacked // (1024 * 1024))
        raise refuse(_("el libro de Excel ocupa %(size)s MB descomprimido; el máximo es "
                       "%(most)s MB. Guarde solo la hoja de la planilla o divídala en varios "
                       "archivos", size=mb, most=thousands(most // (1024 * 1024))))


def read_xlsx(stream_or_path, required, optional) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream ``(row_number, {column: text})`` from the first sheet of an XLSX file."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    raw, owned = open_binary(stream_or_path)
    caps = limits()
    try:
        check_archive(raw, caps.unpacked_bytes)
        try:
            book = load_workbook(raw, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
                ParseError) as exc:
            # openpyxl wraps what the XML parser refused in a ValueError.
            unsafe = isinstance(exc, _UNSAFE) or isinstance(exc.__context__, _UNSAFE)
            raise refuse(label(_UNSAFE_XML if unsafe else _NOT_A_BOOK)) from None
        try:
            yield from _rows(book.worksheets[0], required, optional, caps)
        except _UNSAFE:
            raise refuse(label(_UNSAFE_XML)) from None
        finally:
            book.close()
    finally:
        if owned:
            raw.close()


def _rows(sheet, required, optional, caps) -> Iterator[tuple[int, dict[str, str]]]:
    # Some writers store a stale sheet size; reading without it never truncates.
    sheet.reset_dimensions()
    positions = None
    header_line = 0
    for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
        if positions is not None:
            check_rows(number, header_line, caps)
        check_size(cells, number, caps)
        if not any(text(c) for c in cells):
            continue
        if positions is None:
            positions, header_line = header_map(cells, number, required, optional), number
            continue
        yield number, pick(cells, positions, optional)
    if positions is None:
        raise refuse(_("el archivo está vacío"))
