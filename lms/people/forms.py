"""People forms; the API validates its JSON with these same classes."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.extensions import db
from lms.forms import choices, coded
from lms.people.models import DOCUMENT_TYPES, SEXES, ZONES, Area
from lms.people.services import ETHNIC_GROUPS, MAX_LENGTHS

NO_ANSWER = _l("Prefiero no responder")
YES_NO = {"si": _l("Sí"), "no": _l("No")}
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
#: How an authorization reached us, as the person page names it.
CHANNEL_LABELS = {
    "form": _l("Formulario web"),
    "planilla": _l("Planilla en papel"),
    "api": _l("API"),
    "checkin": _l("Autorregistro (QR)"),
}
CONSENT_LABEL = _l(
    "Autorizo el tratamiento de mis datos personales según el aviso de privacidad anterior "
    "(Ley 1581 de 2012)."
)


def area_choices() -> list[SelectChoice]:
    """Comunas and corregimientos from the Area table, grouped by zone."""
    groups = {"urbana": _("Comunas (zona urbana)"), "rural": _("Corregimientos (zona rural)")}
    rows = db.session.scalars(select(Area).order_by(Area.zone.desc(), Area.id))
    options = [SelectChoice("", _("Seleccione…"))]
    options += [SelectChoice(a.name, a.name, optgroup=groups.get(a.zone)) for a in rows]
    return options


class PersonForm(FlaskForm):
    """A person's data and optional self-identification (create, correct, API).

    Selects skip WTForms' choice check and the e-mail and document number have no format
    check here: ``people.services.clean_person_data`` and ``normalize_document`` validate
    them with a Spanish message naming the field, for the form, the API and imports alike.
    """

    document_type = SelectField(
        _l("Tipo de documento"),
        choices=choices({k: coded(k, v) for k, v in DOCUMENT_TYPES.items()}),
        validators=[DataRequired(message=_l("Elija el tipo de documento."))],
    )
    document_number = StringField(
        _l("Número de documento"),
        validators=[DataRequired(message=_l("Escriba el número de documento."))],
        description=_l("Sin puntos ni espacios; se guardan sin ellos de todas formas."),
    )
    first_names = StringField(
        _l("Nombres"),
        validators=[
            DataRequired(message=_l("Escriba los nombres.")),
            Length(max=MAX_LENGTHS["first_names"]),
        ],
    )
    last_names = StringField(
        _l("Apellidos"),
        validators=[
            DataRequired(message=_l("Escriba los apellidos.")),
            Length(max=MAX_LENGTHS["last_names"]),
        ],
    )
    birth_date = DateField(
        _l("Fecha de nacimiento"),
        validators=[InputRequired(message=_l("Escriba la fecha de nacimiento (AAAA-MM-DD)."))],
    )
    sex = SelectField(
        _l("Sexo"),
        choices=choices(SEXES, blank=_l("Seleccione…")),
        validators=[DataRequired(message=_l("Elija el sexo."))],
    )
    gender_identity = StringField(
        _l("Identidad de género (opcional)"),
        validators=[Optional(), Length(max=MAX_LENGTHS["gender_identity"])],
    )
    phone = StringField(_l("Teléfono"), validators=[Optional(), Length(max=MAX_LENGTHS["phone"])])
    email = EmailField(
        _l("Correo electrónico"), validators=[Optional(), Length(max=MAX_LENGTHS["email"])]
    )
    zone = SelectField(
        _l("Zona"),
        choices=choices(ZONES, blank=_l("Seleccione…")),
        validators=[DataRequired(message=_l("Elija la zona."))],
    )
    area = SelectField(_l("Comuna o corregimiento"), validators=[Optional()], validate_choice=False)
    barrio = StringField(
        _l("Barrio o vereda"), validators=[Optional(), Length(max=MAX_LENGTHS["barrio"])]
    )
    ethnic_group = SelectField(
        _l("Pertenencia étnica"), choices=choices(ETHNIC_GROUPS, blank=NO_ANSWER)
    )
    disability = SelectField(_l("¿Tiene alguna discapacidad?"), choices=choices(YES_NO, NO_ANSWER))
    victim = SelectField(
        _l("¿Es víctima del conflicto armado?"), choices=choices(YES_NO, NO_ANSWER)
    )
    migrant = SelectField(_l("¿Es persona migrante?"), choices=choices(YES_NO, NO_ANSWER))

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


class ConsentFields(Form):
    """The authorization: the notice version shown, the consent and, for minors, the guardian."""

    notice_version = HiddenField()
    guardian_name = StringField(
        _l("Nombre del acudiente o representante legal"), validators=[Optional(), Length(max=160)]
    )
    guardian_document = StringField(
        _l("Documento del acudiente (tipo y número)"),
        validators=[Optional(), Length(max=40)],
        description=_l("Por ejemplo: CC 1090123456."),
    )
    consent = BooleanField(
        CONSENT_LABEL,
        validators=[
            DataRequired(
                message=_l("Se requiere la autorización para el tratamiento de datos personales.")
            )
        ],
    )

    def authorization(self) -> dict:
        """The arguments of ``people.services.record_consent`` after the person and channel."""
        return {
            "consent": self.consent.data,
            "guardian_name": self.guardian_name.data,
            "guardian_document": self.guardian_document.data,
            "notice_version": self.notice_version.data,
        }


class RegisterForm(PersonForm, ConsentFields):
    """Registration: the person, the authorization and, for minors, the guardian."""

    def registration(self) -> dict:
        """The arguments of ``people.services.register_person`` but the channel."""
        return {"data": self.person_data(), "sensitive": self.sensitive_data(),
                **self.authorization()}


class ConsentForm(FlaskForm, ConsentFields):
    """A new authorization for someone already registered (after revoking, or expired)."""

    channel = SelectField(
        _l("Cómo autorizó"),
        choices=choices(
            {"form": _l("En persona, leyendo el aviso"), "planilla": _l("Firmó el aviso en papel")}
        ),
        validators=[DataRequired(message=_l("Elija cómo autorizó."))],
    )

    def authorization(self) -> dict:
        """The arguments of ``people.services.record_consent`` after the person."""
        return {"channel": self.channel.data, **ConsentFields.authorization(self)}


class MergeForm(FlaskForm):
    """The duplicate record that will be folded into this one, and the typed confirmation."""

    duplicate_id = IntegerField(
        _l("Registro duplicado"),
        validators=[InputRequired(message=_l("Elija el registro duplicado."))],
    )
    confirm_document = StringField(
        _l("Escriba el número de documento del registro que se conserva"),
        validators=[Length(max=40)],
        description=_l("Así confirma cuál de los dos registros queda."),
        render_kw={"autocomplete": "off"},
    )


class ConfirmForm(FlaskForm):
    """A POST-only confirmation (anonymise, revoke)."""

    confirm = BooleanField(
        _l("Entiendo que esta acción no se puede deshacer."),
        validators=[DataRequired(message=_l("Confirme la acción."))],
    )
