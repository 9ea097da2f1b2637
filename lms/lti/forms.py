"""LTI forms: registering a platform."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from lms.certificates.forms import PortalForm
from lms.courses.forms import CohortForm, optional_int

REQUIRED = _l("Este campo es obligatorio.")


class PlatformForm(FlaskForm):
    """A platform's registration, as the LMS shows it to its admin."""

    issuer = StringField(_l("Emisor (issuer)"), [DataRequired(REQUIRED), Length(max=255)],
                         description=_l("Por ejemplo https://campus.ejemplo.edu.co"))
    client_id = StringField(_l("Client ID"), [DataRequired(REQUIRED), Length(max=255)])
    deployment_ids = TextAreaField(_l("Deployment IDs"), [DataRequired(REQUIRED)],
                                   description=_l("Uno por línea."))
    auth_login_url = StringField(_l("URL de inicio de sesión (auth login URL)"),
                                 [DataRequired(REQUIRED), Length(max=500)])
    token_url = StringField(_l("URL de tokens (token URL)"),
                            [DataRequired(REQUIRED), Length(max=500)])
    jwks_url = StringField(_l("URL del juego de claves (JWKS URL)"),
                           [DataRequired(REQUIRED), Length(max=500)])
    name = StringField(_l("Nombre (opcional)"), [Length(max=120)])

    def values(self) -> dict:
        """The form's data as ``platforms.register`` arguments."""
        data = {f: getattr(self, f).data or "" for f in
                ("issuer", "client_id", "auth_login_url", "token_url", "jwks_url", "name")}
        data["deployment_ids"] = (self.deployment_ids.data or "").splitlines()
        return data


class LinkForm(FlaskForm):
    """An instructor picks the cohort their LMS course opens."""

    cohort_id = SelectField(_l("Grupo"), coerce=optional_int, validate_choice=False,
                            validators=[InputRequired(_l("Elija un grupo."))])

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort_id.choices = [SelectChoice("", "— Elija —"), *(
            SelectChoice(c.id, f"{c.code} · {c.course.name} · {c.site.name}") for c in cohorts)]


class NewCohortForm(CohortForm):
    """A cohort created from the LMS; its trainer is the instructor (the trainer field is
    not shown, and the service sets it)."""

    SHOWN = ("code", "course_id", "site_id", "start_date", "end_date", "capacity", "modality")


class MatchForm(PortalForm):
    """A learner names themselves once: the citizen portal's document and birth date."""
