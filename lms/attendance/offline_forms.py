"""The form of the offline app's admin page."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportQueueForm(FlaskForm):
    """Upload of a queue a phone exported ("Exportar pendientes")."""

    file = FileField("Archivo de pendientes (JSON)", validators=[
        FileRequired("Seleccione un archivo."),
        FileAllowed(["json"], "El archivo debe ser el .json que exportó el teléfono."),
    ])
