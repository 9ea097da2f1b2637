"""Reading one planilla row, and the import's result: formats only, no database (see
planilla_import for the rest)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from lms.attendance.marks import clean_note
from lms.courses.rules import code_of
from lms.errors import ValidationError
from lms.formatting import N_, label, short_date
from lms.people.services import normalize_document
from lms.tabular import RowError
from lms.text import fold

REQUIRED = (
    "curso", "grupo", "sede", "fecha", "horas", "tipo_documento", "numero_documento",
    "nombres", "apellidos", "sexo", "fecha_nacimiento", "zona", "estado", "autorizacion_datos",
)
OPTIONAL = ("correo", "telefono", "comuna_corregimiento", "acudiente_nombre",
            "acudiente_documento", "nota")
#: Service field names to planilla columns, to report a rule's error on the right cell.
COLUMN_OF = {
    "document_type": "tipo_documento", "document_number": "numero_documento",
    "first_names": "nombres", "last_names": "apellidos", "birth_date": "fecha_nacimiento",
    "sex": "sexo", "zone": "zona", "area": "comuna_corregimiento", "email": "correo",
    "phone": "telefono", "consent": "autorizacion_datos", "guardian_name": "acudiente_nombre",
    "guardian_document": "acudiente_documento", "date": "fecha", "hours": "horas",
    "person": "numero_documento", "cohort": "grupo", "topic": "fecha",
}
STATUS_CODES = {"p": "presente", "t": "tarde", "e": "excusa", "a": "ausente",
                "presente": "presente", "tarde": "tarde", "excusa": "excusa",
                "ausente": "ausente"}
SEX_CODES = {"f": "F", "m": "M", "i": "I", "mujer": "F", "hombre": "M"}
ZONE_CODES = {"urbana": "urbana", "rural": "rural"}
YES_NO = {"si": True, "no": False}
#: Warnings kept for display; the rest are only counted.
WARNING_LIMIT = 500


@dataclass(slots=True)
class PlanillaRow:
    """A row whose cells all have a valid format."""

    number: int
    course: str
    cohort: str
    site: str
    day: date
    hours: Decimal
    document_type: str
    document_number: str
    first_names: str
    last_names: str
    sex: str | None
    birth_date: date | None
    zone: str | None
    status: str
    consent: bool | None
    email: str
    phone: str
    area: str
    guardian_name: str
    guardian_document: str
    #: The note on the mark; None (an empty cell) keeps the note the mark has.
    note: str | None = None

    @property
    def document(self) -> tuple[str, str]:
        """Normalized (type, number)."""
        return self.document_type, self.document_number

    def person_data(self) -> dict:
        """The person fields as people.services.register_person expects them."""
        return {
            "document_type": self.document_type, "document_number": self.document_number,
            "first_names": self.first_names, "last_names": self.last_names,
            "birth_date": self.birth_date, "sex": self.sex, "zone": self.zone,
            "area": self.area or None, "email": self.email or None, "phone": self.phone or None,
        }


@dataclass
class ImportResult:
    """Counts of what the import created (or would create, in a dry run)."""

    dry_run: bool = False
    rows: int = 0
    people: int = 0
    enrollments: int = 0
    cohorts: int = 0
    sessions: int = 0
    marks: int = 0
    #: None when not counted (a big file's dry run: counted by writing only).
    completions: int | None = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    #: Each cohort and session created (or that a dry run would create), named.
    new_cohorts: list[str] = field(default_factory=list)
    new_sessions: list[str] = field(default_factory=list)

    def warn(self, row: int, column: str | None, message: str) -> None:
        """Keep a warning (only the first WARNING_LIMIT are stored)."""
        self.warning_count += 1
        if len(self.warnings) < WARNING_LIMIT:
            self.warnings.append(str(RowError(row, column, message)))

    def summary(self) -> list[tuple[str, int]]:
        """Labelled counts, as the CLI prints them and the page shows them."""
        counts = [(_("Filas"), self.rows), (_("Personas creadas"), self.people),
                  (_("Inscripciones"), self.enrollments), (_("Grupos creados"), self.cohorts),
                  (_("Sesiones"), self.sessions), (_("Marcas"), self.marks),
                  (_("Finalizaciones"), self.completions)]
        return [(label, count) for label, count in counts if count is not None]


def superseded_text(row: PlanillaRow, earlier: int) -> str:
    """The warning on a row that a later one replaces: the same person and session twice."""
    document = f"{row.document_type} {row.document_number}"
    return _("%(document)s ya aparece en la fila %(row)s para la sesión del %(day)s del grupo "
             "%(cohort)s; vale la última fila", document=document, row=earlier,
             day=short_date(row.day), cohort=row.cohort)


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY (also D/M/YYYY); None if neither."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_hours(text: str) -> Decimal | None:
    """A decimal written with . or , as separator; None if not a positive number."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def parse_row(number: int, cells: dict[str, str]) -> tuple[PlanillaRow | None, list[RowError]]:
    """Check the format of every cell of a row; return the row or all its problems."""
    errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    codes = {}
    for column, missing in (("curso", N_("falta el código del curso")),
                            ("grupo", N_("falta el código del grupo")),
                            ("sede", N_("falta el código de la sede"))):
        codes[column] = code_of(cells[column])
        if not codes[column]:
            problem(column, label(missing))
    day = parse_date(cells["fecha"])
    if day is None:
        problem("fecha", _("fecha no válida «%(value)s»: use AAAA-MM-DD o DD/MM/AAAA",
                           value=cells["fecha"]))
    hours = parse_hours(cells["horas"])
    if hours is None:
        problem("horas", _("horas no válidas «%(value)s»: escriba un número como 2 o 2,5",
                           value=cells["horas"]))
    doc_type = doc_number = ""
    try:
        doc_type, doc_number = normalize_document(cells["tipo_documento"],
                                                  cells["numero_documento"])
    except ValidationError as exc:
        problem(COLUMN_OF.get(exc.field, "numero_documento"), exc.message)
    sex = _coded(cells["sexo"], SEX_CODES, "sexo", _("use F, M, I, mujer u hombre"), problem)
    zone = _coded(cells["zona"], ZONE_CODES, "zona", _("use urbana o rural"), problem)
    birth = None
    if cells["fecha_nacimiento"].strip():
        birth = parse_date(cells["fecha_nacimiento"])
        if birth is None:
            problem("fecha_nacimiento", _("fecha no válida «%(value)s»: use AAAA-MM-DD o "
                                          "DD/MM/AAAA", value=cells["fecha_nacimiento"]))
    status = STATUS_CODES.get(fold(cells["estado"]))
    if status is None:
        problem("estado", _("estado no válido «%(value)s»: use presente, tarde, excusa, "
                            "ausente o P, T, E, A", value=cells["estado"]))
    consent = None
    if cells["autorizacion_datos"].strip():
        consent = YES_NO.get(fold(cells["autorizacion_datos"]))
        if consent is None:
            problem("autorizacion_datos", _("escriba si o no"))
    note = None
    try:
        note = clean_note(cells["nota"]) or None
    except ValidationError as exc:
        problem("nota", exc.message)
    if errors:
        return None, errors
    return PlanillaRow(
        number=number, course=codes["curso"], cohort=codes["grupo"], site=codes["sede"],
        day=day, hours=hours, document_type=doc_type, document_number=doc_number,
        first_names=cells["nombres"].strip(), last_names=cells["apellidos"].strip(),
        sex=sex, birth_date=birth, zone=zone, status=status, consent=consent,
        email=cells["correo"].strip(), phone=cells["telefono"].strip(),
        area=cells["comuna_corregimiento"].strip(), guardian_name=cells["acudiente_nombre"].strip(),
        guardian_document=cells["acudiente_documento"].strip(), note=note,
    ), []


def _coded(text: str, codes: dict, column: str, hint: str, problem) -> str | None:
    if not text.strip():
        return None
    value = codes.get(fold(text))
    if value is None:
        problem(column, _("valor no válido «%(value)s»: %(hint)s", value=text.strip(),
                          hint=hint))
    return value
