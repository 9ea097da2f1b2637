"""Login, user and token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from lms.auth.models import ROLE_LABELS, Role, User
from lms.extensions import db
from lms.forms import choices


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Correo electrónico"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Contraseña"), validators=[DataRequired()])


class UserForm(FlaskForm):
    """Create or edit a staff account."""

    email = EmailField(
        _l("Correo electrónico"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    name = StringField(_l("Nombre completo"), validators=[DataRequired(), Length(max=120)])
    #: The least powerful role that runs a cohort: an admin account is a deliberate choice.
    role = SelectField(_l("Rol"), choices=choices(ROLE_LABELS), default=Role.TRAINER)
    active = BooleanField(_l("Activo"), default=True)
    password = PasswordField(
        _l("Contraseña"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Al menos 12 caracteres y que no sea una contraseña común. "
            "Déjela vacía para no cambiarla."
        ),
    )


def active_users() -> list[SelectChoice]:
    """The accounts a token may be made for (``services.create_token`` refuses the others)."""
    rows = db.session.scalars(select(User).where(User.active).order_by(User.name))
    return [SelectChoice(u.id, f"{u.name} ({u.email})") for u in rows]


class TokenForm(FlaskForm):
    """Create an API token for a user."""

    # The service checks the account (it exists, it is active), for the page and the API.
    user_id = SelectField(_l("Usuario"), coerce=int, choices=active_users,
                          validate_choice=False,
                          validators=[InputRequired(message=_l("Elija el usuario."))])
    name = StringField(_l("Uso del token"), validators=[DataRequired(), Length(max=120)])
