"""Login, user and token forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from lms.auth.models import ROLE_LABELS
from lms.forms import choices


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Correo electrónico", validators=[DataRequired(), Email()])
    password = PasswordField("Contraseña", validators=[DataRequired()])


class UserForm(FlaskForm):
    """Create or edit a staff account."""

    email = EmailField("Correo electrónico", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Nombre completo", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Rol", choices=choices(ROLE_LABELS))
    active = BooleanField("Activo", default=True)
    password = PasswordField(
        "Contraseña",
        validators=[Optional(), Length(min=10, max=200)],
        description="Al menos 10 caracteres. Déjela vacía para no cambiarla.",
    )


class TokenForm(FlaskForm):
    """Create an API token for a user."""

    user_id = SelectField("Usuario", coerce=int)
    name = StringField("Uso del token", validators=[DataRequired(), Length(max=120)])
