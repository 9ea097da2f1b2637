"""Planilla import: the people of the rows, checked by the people domain's rules (no writes).

Shared by the check that reads a whole file before anything is written (planilla_check) and
by the import that writes it (planilla_import); ``report`` is either of them (a RowReport).
"""

import re
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import select

from lms.attendance.marks import pair_filter
from lms.attendance.planilla_rows import COLUMN_OF, ImportResult, PlanillaRow, parse_row
from lms.errors import ValidationError, take_warnings
from lms.extensions import db
from lms.formatting import short_date
from lms.people.consent import check_consent
from lms.people.models import Person
from lms.people.services import clean_person_data
from lms.tabular import RowError, RowErrors
from lms.text import fold
from lms.timeutil import local_today

_COMPARED = (("first_names", "nombres"), ("last_names", "apellidos"),
             ("birth_date", "fecha_nacimiento"), ("sex", "sexo"), ("zone", "zona"),
             ("email", "correo"), ("phone", "telefono"), ("area", "comuna_corregimiento"))
#: Written between a phone number's digits; "300 123-4567" is the same number.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


class RowReport:
    """What a pass over a planilla found: row errors, warnings and counts (``result``)."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.errors = RowErrors()
        self.today: date = local_today()

    def error(self, row: int, column: str, message: str) -> None:
        """Note a row's problem."""
        self.errors.append(RowError(row, column, message))

    def parse_into(self, chunk: list[PlanillaRow], number: int, cells: dict) -> None:
        """Read a row's cells: add the row to ``chunk``, or note its problems."""
        parsed, problems = parse_row(number, cells)
        self.errors.extend(problems)
        if parsed is not None:
            chunk.append(parsed)

    def rule_error(self, row: int, exc: ValidationError, default: str) -> None:
        """Note a domain rule's refusal on the columns of the fields it names."""
        for name, messages in (exc.fields or {exc.field: [exc.message]}).items():
            for message in messages:
                self.error(row, COLUMN_OF.get(name, default), message)


def known_people(docs) -> dict[tuple[str, str], object]:
    """The stored people among ``docs`` ((type, number) pairs), with the compared fields."""
    docs = list(docs)
    known = {}
    for start in range(0, len(docs), 500):
        batch = set(docs[start : start + 500])
        for person in db.session.execute(
            select(Person.id, Person.document_type, Person.document_number,
                   Person.first_names, Person.last_names, Person.birth_date, Person.sex,
                   Person.zone, Person.email, Person.phone, Person.area,
                   Person.anonymized_at).where(
                pair_filter(Person.document_type, Person.document_number, batch))
        ):
            if (person.document_type, person.document_number) in batch:
                known[(person.document_type, person.document_number)] = person
    return known


def check_new(report, row: PlanillaRow) -> tuple[dict, tuple] | None:
    """Apply the people domain's rules to a person this row would register."""
    missing = [col for col, value in (("nombres", row.first_names),
                                      ("apellidos", row.last_names), ("sexo", row.sex),
                                      ("fecha_nacimiento", row.birth_date),
                                      ("zona", row.zone)) if not value]
    for column in missing:
        report.error(row.number, column, _("es obligatorio para registrar a una persona nueva"))
    guardian = None
    if row.consent is not True:
        report.error(row.number, "autorizacion_datos",
                     _("la persona es nueva: se requiere «si» (autorización firmada en papel)"))
    else:
        # Checked even when other cells are missing, so every missing cell is listed.
        holder = SimpleNamespace(birth_date=row.birth_date, document_type=row.document_type)
        try:
            guardian = check_consent(holder, "planilla", True, row.guardian_name,
                                     row.guardian_document, report.today)
        except ValidationError as exc:
            report.rule_error(row.number, exc, "numero_documento")
    if missing or guardian is None:
        return None
    try:
        fields = clean_person_data(row.person_data(), today=report.today)
    except ValidationError as exc:
        report.rule_error(row.number, exc, "numero_documento")
        return None
    for warning in take_warnings():  # e.g. a TI holder who just turned 18
        report.result.warn(row.number, "fecha_nacimiento", warning)
    fields.update(document_type=row.document_type, document_number=row.document_number)
    return fields, guardian


def compare(report, row: PlanillaRow, person) -> None:
    """Warn about each cell that differs from the stored person (the stored value stays)."""
    for attr, column in _COMPARED:
        given, stored = getattr(row, attr), getattr(person, attr)
        if given in (None, "") or stored is None:
            continue
        if attr == "phone":
            given, stored = _PHONE_SEPARATORS.sub("", given), _PHONE_SEPARATORS.sub("", stored)
        same = fold(given) == fold(stored) if isinstance(given, str) else given == stored
        if not same:
            shown = short_date(stored) if isinstance(stored, date) else stored
            report.result.warn(row.number, column,
                               _("difiere del dato guardado («%(stored)s»); se conserva el "
                                 "guardado", stored=shown))
