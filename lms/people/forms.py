"""People forms; the API validates its JSON with these same classes."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from lms.extensions import db
from lms.forms import choices
from lms.people.models import DOCUMENT_TYPES, SEXES, ZONES, Area
from lms.people.services import ETHNIC_GROUPS

NO_ANSWER = "Prefiero no responder"
YES_NO = {"si": "Sí", "no": "No"}
SENSITIVE_FIELDS = ("ethnic_group", "disability", "victim", "migrant")
PERSON_FIELDS = (
    "document_type",
    "document_number",
    "first_names",
    "last_names",
    "birth_date",
    "sex",
    "gender_identity",
    "phone",
    "email",
    "zone",
    "area",
    "barrio",
)
CONSENT_LABEL = (
    "Autorizo el tratamiento de mis datos personales según el aviso de privacidad anterior "
    "(Ley 1581 de 2012)."
)


def area_choices() -> list[SelectChoice]:
    """Comunas and corregimientos from the Area table, grouped by zone."""
    groups = {"urbana": "Comunas (zona urbana)", "rural": "Corregimientos (zona rural)"}
    rows = db.session.scalars(select(Area).order_by(Area.zone.desc(), Area.id))
    options = [SelectChoice("", "Seleccione…")]
    options += [SelectChoice(a.name, a.name, optgroup=groups.get(a.zone)) for a in rows]
    return options


class PersonForm(FlaskForm):
    """A person's data and optional self-identification (create, correct, API).

    Selects skip WTForms' choice check: the services validate every value with a
    Spanish message naming the field, for the form, the API and imports alike.
    """

    document_type = SelectField(
        "Tipo de documento",
        choices=choices({k: f"{k} — {v}" for k, v in DOCUMENT_TYPES.items()}),
        validators=[DataRequired(message="Elija el tipo de documento.")],
    )
    document_number = StringField(
        "Número de documento",
        validators=[DataRequired(message="Escriba el número de documento."), Length(max=30)],
        description="Sin puntos ni espacios; se guardan sin ellos de todas formas.",
    )
    first_names = StringField(
        "Nombres", validators=[DataRequired(message="Escriba los nombres."), Length(max=120)]
    )
    last_names = StringField(
        "Apellidos", validators=[DataRequired(message="Escriba los apellidos."), Length(max=120)]
    )
    birth_date = DateField(
        "Fecha de nacimiento",
        validators=[InputRequired(message="Escriba la fecha de nacimiento (AAAA-MM-DD).")],
    )
    sex = SelectField(
        "Sexo",
        choices=choices(SEXES, blank="Seleccione…"),
        validators=[DataRequired(message="Elija el sexo.")],
    )
    gender_identity = StringField(
        "Identidad de género (opcional)", validators=[Optional(), Length(max=60)]
    )
    phone = StringField("Teléfono", validators=[Optional(), Length(max=30)])
    email = EmailField(
        "Correo electrónico",
        validators=[Optional(), Email(message="Correo electrónico no válido."), Length(max=254)],
    )
    zone = SelectField(
        "Zona",
        choices=choices(ZONES, blank="Seleccione…"),
        validators=[DataRequired(message="Elija la zona.")],
    )
    area = SelectField("Comuna o corregimiento", validators=[Optional()], validate_choice=False)
    barrio = StringField("Barrio o vereda", validators=[Optional(), Length(max=120)])
    ethnic_group = SelectField(
        "Pertenencia étnica", choices=choices(ETHNIC_GROUPS, blank=NO_ANSWER)
    )
    disability = SelectField("¿Tiene alguna discapacidad?", choices=choices(YES_NO, NO_ANSWER))
    victim = SelectField("¿Es víctima del conflicto armado?", choices=choices(YES_NO, NO_ANSWER))
    migrant = SelectField("¿Es persona migrante?", choices=choices(YES_NO, NO_ANSWER))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, SelectField):
                field.validate_choice = False
        # Areas are editable data, so the options are read per request.
        self.area.choices = area_choices()

    def person_data(self) -> dict:
        """The person fields as the services take them."""
        return {name: self[name].data for name in PERSON_FIELDS}

    def sensitive_data(self) -> dict:
        """The optional answers; empty means 'prefiero no responder'."""
        out = {"ethnic_group": self.ethnic_group.data or None}
        for key in ("disability", "victim", "migrant"):
            out[key] = {"si": True, "no": False}.get(self[key].data)
        return out


class RegisterForm(PersonForm):
    """Registration: the person, the authorization and, for minors, the guardian."""

    guardian_name = StringField(
        "Nombre del acudiente o representante legal", validators=[Optional(), Length(max=160)]
    )
    guardian_document = StringField(
        "Documento del acudiente (tipo y número)",
        validators=[Optional(), Length(max=40)],
        description="Por ejemplo: CC 1090123456.",
    )
    consent = BooleanField(
        CONSENT_LABEL,
        validators=[
            DataRequired(
                message="Se requiere la autorización para el tratamiento de datos personales."
            )
        ],
    )


class EnrollForm(FlaskForm):
    """Enroll an existing person in a cohort."""

    cohort_id = SelectField(
        "Grupo", coerce=int, validators=[DataRequired(message="Elija el grupo.")]
    )


class StatusForm(FlaskForm):
    """Change an enrollment's status by hand."""

    status = SelectField(
        "Estado",
        # "completo" is left out on purpose: only the completion rule sets it.
        choices=choices({"inscrito": "Inscrito", "en_curso": "En curso", "retirado": "Retirado"}),
        validators=[DataRequired(message="Elija el estado.")],
    )


class MergeForm(FlaskForm):
    """Pick the duplicate record that will be folded into this one."""

    duplicate_id = IntegerField(
        "Registro duplicado", validators=[InputRequired(message="Elija el registro duplicado.")]
    )


class ConfirmForm(FlaskForm):
    """A POST-only confirmation (anonymise, revoke)."""

    confirm = BooleanField(
        "Entiendo que esta acción no se puede deshacer.",
        validators=[DataRequired(message="Confirme la acción.")],
    )


class EnrollmentApiForm(FlaskForm):
    """API: enroll a person in a cohort."""

    person_id = IntegerField(
        "Id de la persona", validators=[InputRequired(message="Falta person_id.")]
    )
    cohort_id = IntegerField("Id del grupo", validators=[InputRequired(message="Falta cohort_id.")])
