"""Forms of the attendance domain."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.attendance.models import STATUSES
from lms.forms import choices, coded
from lms.people.models import DOCUMENT_TYPES, SEXES, ZONES

_REQUIRED = "Este campo es obligatorio."


def _choices(mapping: dict, blank: str | None = None) -> list[SelectChoice]:
    # Short codes (CC, F) read better with their meaning next to them.
    labelled = {k: coded(k, v, " · ") if len(k) <= 3 else v for k, v in mapping.items()}
    return choices(labelled, blank)


class MarkForm(FlaskForm):
    """One tap on the roster."""

    enrollment_id = IntegerField("Inscripción", validators=[InputRequired(_REQUIRED)])
    status = SelectField("Estado", choices=choices(STATUSES),
                         validators=[InputRequired(_REQUIRED)])


class NoteForm(FlaskForm):
    """The short note on one person's mark (marks.clean_note checks it)."""

    enrollment_id = IntegerField("Inscripción", validators=[InputRequired(_REQUIRED)])
    note = StringField("Nota", validators=[Optional()])


class DocumentMixin:
    """Document type and number, as people say them."""

    document_type = SelectField("Tipo de documento", choices=_choices(DOCUMENT_TYPES),
                                default="CC", validators=[InputRequired(_REQUIRED)])
    document_number = StringField("Número de documento",
                                  validators=[DataRequired(_REQUIRED), Length(max=30)])


class WalkInForm(DocumentMixin, FlaskForm):
    """A person who arrives without being enrolled; new people are registered here."""

    # Asked on the spot: it confirms that a registered document is the person's own.
    birth_year = IntegerField(
        "Año de nacimiento (si ya está registrada)",
        validators=[Optional(), NumberRange(1900, 2100, "Escriba el año con cuatro cifras.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})

    first_names = StringField("Nombres", validators=[Optional(), Length(max=120)])
    last_names = StringField("Apellidos", validators=[Optional(), Length(max=120)])
    birth_date = DateField("Fecha de nacimiento", validators=[Optional()],
                           render_kw={"autocomplete": "off"})
    sex = SelectField("Sexo", choices=_choices(SEXES, "—"), validators=[Optional()])
    zone = SelectField("Zona", choices=_choices(ZONES, "—"), validators=[Optional()])
    phone = StringField("Teléfono", validators=[Optional(), Length(max=30)])
    # Its format is checked where every channel's is: people.services.clean_person_data.
    email = StringField("Correo electrónico", validators=[Optional(), Length(max=254)])
    consent = BooleanField("La persona leyó el aviso de privacidad y autoriza el tratamiento "
                           "de sus datos")
    guardian_name = StringField("Nombre del acudiente (menores de edad)",
                                validators=[Optional(), Length(max=160)])
    guardian_document = StringField("Documento del acudiente",
                                    validators=[Optional(), Length(max=40)])


class CheckinForm(DocumentMixin, FlaskForm):
    """The public self check-in form."""

    ticket = HiddenField(validators=[DataRequired()])


class RequestForm(FlaskForm):
    """Confirm or reject a queued self check-in (CSRF only)."""


class SettleRequestForm(FlaskForm):
    """Settle a queued self check-in (the API's; the roster settles one by a tap)."""

    action = SelectField("Decisión", choices=choices({
        "confirm": "Confirmar: marcar a la persona inscrita",
        "reject": "Rechazar: no está en la sesión",
    }), validators=[InputRequired(_REQUIRED)])
    status = SelectField("Estado al confirmar", choices=choices(STATUSES), default="presente",
                         validators=[Optional()])


class ImportForm(FlaskForm):
    """Planilla upload."""

    file = FileField("Archivo de la planilla (CSV o XLSX)", validators=[
        FileRequired("Seleccione un archivo."),
        FileAllowed(["csv", "xlsx"], "El archivo debe ser CSV o XLSX."),
    ])
    dry_run = BooleanField("Solo validar (no guardar nada)")
    create_new = BooleanField(
        "Crear grupos y sesiones nuevos",
        description="Sin esta opción, una fila con un código de grupo que no existe o con una "
                    "fecha en la que el grupo no tiene sesión es un error (suele ser un error de "
                    "digitación). Valide primero: el resultado nombra cada grupo y sesión nuevos.")


class ResolveForm(FlaskForm):
    """Settle a completion conflict."""

    action = SelectField("Decisión", choices=choices({
        "keep": "Mantener la finalización",
        "undo": "Deshacer la finalización",
    }), validators=[InputRequired(_REQUIRED)])
