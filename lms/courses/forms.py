"""Forms of the courses domain; the API validates JSON with these same classes.

Field names equal the model attributes, so ``validated(Form, obj=record)`` can merge a
partial update. Forms only parse types; the business rules live in the services.
"""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from lms.courses.catalog import product_codes
from lms.courses.cohorts import WEEKDAYS, trainers
from lms.courses.enrollments import MANUAL_STATUSES
from lms.courses.models import (
    DOCUMENT_KINDS,
    ENROLLMENT_STATUSES,
    MODALITIES,
    RULES,
    SITE_KINDS,
    Course,
    Site,
)
from lms.extensions import db
from lms.forms import choices
from lms.people.forms import RegisterForm
from lms.people.models import ZONES

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
REQUIRED = _l("Este campo es obligatorio.")


def optional_int(value):
    """Coerce a select's value to int, keeping "no choice" as None instead of an error."""
    if value in ("", None):
        return None
    return int(value)


class CommaDecimalField(DecimalField):
    """A decimal that also accepts a comma, as people in Colombia write "2,5".

    Rendered as text with a decimal keypad: browsers refuse a comma in type=number.
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        """Parse the submitted text, reading a comma as the decimal separator."""
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(_("No es un número válido."))


class SiteForm(FlaskForm):
    """A site (sede)."""

    code = StringField(
        _l("Código"),
        validators=[DataRequired(REQUIRED), Length(max=30)],
        description=_l("Ej.: CAC-ATALAYA"),
    )
    name = StringField(_l("Nombre"), validators=[DataRequired(REQUIRED), Length(max=160)])
    # Choices are checked by the service, which also accepts labels ("Punto Vive Digital").
    kind = SelectField(_l("Tipo"), choices=choices(SITE_KINDS), validate_choice=False)
    zone = SelectField(_l("Zona"), choices=choices(ZONES), validate_choice=False)
    area = StringField(
        _l("Comuna o corregimiento"),
        validators=[Optional(), Length(max=80)],
        render_kw={"list": "areas", "autocomplete": "off"},
    )
    address = StringField(_l("Dirección"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Activa"), default=True)


class SiteImportForm(FlaskForm):
    """Upload of a sites file (CSV or XLSX)."""

    file = FileField(
        _l("Archivo CSV o XLSX"),
        validators=[
            FileRequired(_l("Elija un archivo.")),
            FileAllowed(["csv", "xlsx"], _l("El archivo debe ser .csv o .xlsx.")),
        ],
        description=_l("Encabezado: codigo,nombre,tipo,zona,comuna_corregimiento,direccion"),
    )
    dry_run = BooleanField(_l("Solo validar (no guardar nada)"))


class IndicatorForm(FlaskForm):
    """A plan indicator."""

    code = StringField(_l("Código"), validators=[DataRequired(REQUIRED), Length(max=30)])
    name = StringField(
        _l("Nombre del indicador"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    product_code = StringField(
        _l("Código del producto MGA"), validators=[DataRequired(REQUIRED), Length(max=20)]
    )
    product_name = StringField(_l("Nombre del producto"), validators=[Optional(), Length(max=200)])
    goal = IntegerField(_l("Meta (personas)"), validators=[InputRequired(REQUIRED)])
    period_start = DateField(_l("Inicio del periodo"), validators=[InputRequired(REQUIRED)])
    period_end = DateField(_l("Fin del periodo"), validators=[InputRequired(REQUIRED)])
    rule = SelectField(_l("Regla de conteo"), choices=choices(RULES), validate_choice=False)


class CourseForm(FlaskForm):
    """A course of the catalog."""

    code = StringField(_l("Código"), validators=[DataRequired(REQUIRED), Length(max=30)])
    name = StringField(_l("Nombre"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Descripción"), validators=[Optional()])
    hours = CommaDecimalField(_l("Horas totales"), validators=[InputRequired(REQUIRED)])
    min_attendance_pct = IntegerField(
        _l("Asistencia mínima (%)"), default=80, validators=[InputRequired(REQUIRED)]
    )
    grants_document = BooleanField(_l("Otorga documento al completar"), default=True)
    document_kind = SelectField(
        _l("Tipo de documento"),
        choices=choices(DOCUMENT_KINDS, blank=_l("— Ninguno —")),
        validate_choice=False,
    )
    auto_issue = BooleanField(
        _l("Emisión automática al completar"),
        description=_l("Si no se marca, un administrador emite el documento manualmente."),
    )
    one_document_per_product = BooleanField(
        _l("Un solo documento vigente por producto"),
        description=_l("Quien ya tiene un documento vigente de otro curso del mismo producto "
                       "(que también lo indique) no recibe otro. Sin marcar: uno por curso."),
    )
    # Any code is accepted here; the service explains in Spanish when no indicator has it.
    product_code = SelectField(_l("Producto del plan"), validate_choice=False)
    active = BooleanField(_l("Activo"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.product_code.choices = [
            SelectChoice(code, f"{code} · {name}" if name else code)
            for code, name in product_codes()
        ]


class CohortForm(FlaskForm):
    """A cohort (grupo), with its trainers."""

    code = StringField(_l("Código"), validators=[DataRequired(REQUIRED), Length(max=40)])
    course_id = SelectField(
        _l("Curso"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(REQUIRED)],
    )
    site_id = SelectField(
        _l("Sede"), coerce=optional_int, validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    trainer_ids = SelectMultipleField(_l("Formadores"), coerce=int, validate_choice=False)
    start_date = DateField(_l("Fecha de inicio"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("Fecha de fin"), validators=[InputRequired(REQUIRED)])
    capacity = IntegerField(_l("Capacidad"), default=30, validators=[InputRequired(REQUIRED)])
    modality = SelectField(_l("Modalidad"), choices=choices(MODALITIES), validate_choice=False)

    def __init__(self, *args, cohort=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = _options(Course, cohort.course_id if cohort else None)
        self.site_id.choices = _options(Site, cohort.site_id if cohort else None)
        self.trainer_ids.choices = [SelectChoice(u.id, u.name) for u in trainers()]


def _options(model, current: int | None) -> list[SelectChoice]:
    # Inactive records are offered only to the cohort that already uses them.
    query = select(model).where(model.active | (model.id == current)).order_by(model.name)
    options = [SelectChoice(r.id, f"{r.code} · {r.name}") for r in db.session.scalars(query)]
    return [SelectChoice("", _("— Elija —")), *options]


def _timing(form) -> dict:
    # Hours, start time and topic: what a single session and a series share.
    return {"hours": form.hours.data, "start_time": form.start_time.data,
            "topic": form.topic.data or ""}


class SessionForm(FlaskForm):
    """One session of a cohort."""

    date = DateField(_l("Fecha"), validators=[InputRequired(REQUIRED)])
    start_time = TimeField(_l("Hora de inicio"), format=TIME_FORMATS, validators=[Optional()])
    hours = CommaDecimalField(_l("Duración (horas)"), validators=[InputRequired(REQUIRED)])
    topic = StringField(_l("Tema"), validators=[Optional(), Length(max=200)])

    def session(self) -> dict:
        """The arguments of ``add_session`` / ``update_session`` after the cohort or session."""
        return {"day": self.date.data, **_timing(self)}


class SeriesForm(FlaskForm):
    """A recurring series of sessions: chosen weekdays between two dates."""

    first_date = DateField(_l("Desde"), validators=[InputRequired(REQUIRED)])
    last_date = DateField(_l("Hasta"), validators=[InputRequired(REQUIRED)])
    weekdays = SelectMultipleField(_l("Días de la semana"), choices=choices(WEEKDAYS))
    start_time = TimeField(_l("Hora de inicio"), format=TIME_FORMATS, validators=[Optional()])
    hours = CommaDecimalField(
        _l("Duración de cada sesión (horas)"), validators=[InputRequired(REQUIRED)]
    )
    topic = StringField(_l("Tema"), validators=[Optional(), Length(max=200)])
    include_holidays = BooleanField(
        _l("Programar también los días festivos"),
        description=_l("Si no se marca, los festivos de Colombia se omiten de la serie."),
    )

    def series(self) -> dict:
        """The arguments of ``add_series`` after the cohort."""
        days = {"first": self.first_date.data, "last": self.last_date.data}
        return {**days, "weekdays": self.weekdays.data, **_timing(self),
                "include_holidays": bool(self.include_holidays.data)}


#: Asked only when the cohort has ended (courses.enrollments.check_open).
REASON_LABEL = _l("Motivo (solo si el grupo ya terminó)")


class LateRegisterForm(RegisterForm):
    """Register a person into a cohort that has ended: the admin says why."""

    reason = StringField(
        _l("Motivo para inscribir en un grupo terminado"),
        validators=[DataRequired(message=_l("Escriba el motivo.")), Length(max=300)],
    )


class EnrollForm(FlaskForm):
    """Enroll an existing person in a cohort."""

    cohort_id = SelectField(
        _l("Grupo"), coerce=int, validators=[DataRequired(message=_l("Elija el grupo."))]
    )
    reason = StringField(REASON_LABEL, validators=[Optional(), Length(max=300)])


class StatusForm(FlaskForm):
    """Change an enrollment's status by hand."""

    status = SelectField(
        _l("Estado"),
        # "completo" is left out on purpose: only the completion rule sets it.
        choices=choices({s: ENROLLMENT_STATUSES[s] for s in MANUAL_STATUSES}),
        validators=[DataRequired(message=_l("Elija el estado."))],
    )


class EnrollmentApiForm(FlaskForm):
    """API: enroll a person in a cohort."""

    person_id = IntegerField(
        _l("Id de la persona"), validators=[InputRequired(message=_l("Falta person_id."))]
    )
    cohort_id = IntegerField(
        _l("Id del grupo"), validators=[InputRequired(message=_l("Falta cohort_id."))]
    )
    reason = StringField(REASON_LABEL, validators=[Optional(), Length(max=300)])
