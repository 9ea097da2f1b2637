"""The webhook endpoint form: the admin page and the API validate with it."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import choices
from lms.webhooks.models import EVENTS


class WebhookForm(FlaskForm):
    """Where events go and which ones."""

    url = StringField("URL (https)", validators=[DataRequired("Escriba la URL."),
                                                 Length(max=500)])
    events = SelectMultipleField("Eventos", choices=choices({e: e for e in EVENTS}),
                                 validators=[DataRequired("Elija uno o más eventos.")])
    description = StringField("Descripción", validators=[Optional(), Length(max=200)])
    active = BooleanField("Activo", default=True)
