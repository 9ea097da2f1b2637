"""The trail as an XLSX for the auditor: one row per changed field, in Spanish, times in
Bogotá, every text cell neutralised against formulas (lms.spreadsheet)."""

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import joinedload

from lms.audit import labels
from lms.audit.models import AuditEntry
from lms.audit.search import AuditFilters, entries
from lms.extensions import db
from lms.formatting import date_time
from lms.spreadsheet import xlsx_bytes

#: Most entries one file holds; a narrower filter gets the rest.
MAX_ENTRIES = 20_000
HEADER = ("Fecha y hora (Bogotá)", "Usuario", "Acción", "Entidad", "Registro", "Campo",
          "Antes", "Después")
WIDTHS = (19, 28, 22, 24, 10, 26, 36, 36)


def actor_name(entry: AuditEntry) -> str:
    """Who made the change, or "Sistema" for commands, jobs and anonymous check-ins."""
    return entry.actor.name if entry.actor is not None else "Sistema"


def workbook(filters: AuditFilters) -> tuple[bytes, bool]:
    """The matching entries as an XLSX, and whether MAX_ENTRIES cut the list."""
    query = entries(filters).options(joinedload(AuditEntry.actor)).limit(MAX_ENTRIES + 1)
    rows = list(db.session.scalars(query))
    cut = len(rows) > MAX_ENTRIES
    book = Workbook()
    sheet = book.active
    sheet.title = "Auditoría"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    for entry in rows[:MAX_ENTRIES]:
        lead = (date_time(entry.at, seconds=True), actor_name(entry),
                labels.action_label(entry.action), labels.entity_label(entry.entity),
                entry.entity_id)
        for field, before, after in labels.changes(entry.changes) or [("—", "—", "—")]:
            sheet.append((*lead, field, before, after))
    sheet.freeze_panes = "A2"
    return xlsx_bytes(book), cut
