"""LTI forms: registering a platform."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

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
