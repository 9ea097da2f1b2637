"""Certificate forms; the API validates its JSON with these same classes."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.forms import choices
from lms.people.models import DOCUMENT_TYPES


class IssueForm(FlaskForm):
    """Issue one document for an enrollment."""

    enrollment_id = IntegerField(
        "Inscripción", validators=[InputRequired("Indique la inscripción (número).")]
    )


class BatchForm(FlaskForm):
    """Issue every pending document of a course and/or a cohort, picked from lists."""

    # The lists name what has documents pending; the service checks the codes exist.
    course = SelectField("Curso", validate_choice=False, validators=[Optional()])
    cohort = SelectField("Grupo", validate_choice=False, validators=[Optional()])

    def offer(self, pending: list) -> "BatchForm":
        """Fill the lists from ``issue.pending_counts()`` rows, each with its count."""
        courses: dict[str, list] = {}
        for _cohort, code, name, count in pending:
            courses.setdefault(code, [name, 0])[1] += count
        self.course.choices = [("", "Todos los cursos")] + [
            (code, f"{code} · {name} ({count} pendientes)")
            for code, (name, count) in courses.items()]
        self.cohort.choices = [("", "Todos los grupos")] + [
            (cohort, f"{cohort} · {name} ({count} pendientes)")
            for cohort, _code, name, count in pending]
        return self


class SearchForm(FlaskForm):
    """Find documents (the API's search; a document number never goes in a URL)."""

    q = StringField("Código, parte del nombre o número de documento", validators=[
        DataRequired("Escriba qué buscar."), Length(max=200)])


class RevokeForm(FlaskForm):
    """Revoke a document."""

    reason = TextAreaField(
        "Motivo de la revocación",
        validators=[DataRequired("Escriba el motivo de la revocación."), Length(min=5, max=300,
                    message="El motivo debe tener entre 5 y 300 caracteres.")],
    )


class CorrectForm(FlaskForm):
    """Correct the printed data: issues a new document that supersedes the old one."""

    holder_name = StringField("Nombre del titular", validators=[
        DataRequired("Escriba el nombre."), Length(max=240)])
    document_type = SelectField("Tipo de documento", choices=choices(DOCUMENT_TYPES))
    document_number = StringField("Número de documento", validators=[
        DataRequired("Escriba el número."), Length(max=30)])
    course_name = StringField("Nombre del curso", validators=[
        DataRequired("Escriba el nombre del curso."), Length(max=200)])
    hours = DecimalField("Horas", places=2, validators=[
        InputRequired("Escriba las horas."), NumberRange(min=0.5, max=9999,
                                                         message="Horas entre 0,5 y 9999.")])
    completed_on = DateField("Fecha de finalización", validators=[
        InputRequired("Escriba la fecha (AAAA-MM-DD).")])
    site_name = StringField("Sede", validators=[DataRequired("Escriba la sede."),
                                                Length(max=160)])
    trainer_name = StringField("Formador(a)", validators=[Optional(), Length(max=1000)])


class PortalForm(FlaskForm):
    """A citizen looks up their own documents."""

    document_type = SelectField("Tipo de documento", choices=choices(DOCUMENT_TYPES, "Elija…"),
                                validators=[DataRequired("Elija el tipo de documento.")])
    document_number = StringField("Número de documento", validators=[
        DataRequired("Escriba el número de documento."), Length(max=30)])
    birth_date = DateField("Fecha de nacimiento", validators=[
        InputRequired("Escriba la fecha de nacimiento (AAAA-MM-DD).")])


class UploadForm(FlaskForm):
    """A verifier uploads a PDF to compare it with the issued file.

    Without a CSRF token: the comparison changes nothing and tells nothing the page does not
    show, so a forged submission gains nothing, and the public page needs no session cookie.
    """

    class Meta:
        """No CSRF token (see above)."""

        csrf = False

    pdf = FileField("Archivo PDF", validators=[FileRequired("Elija el archivo PDF.")])


class SignerForm(FlaskForm):
    """The office sets who signs the documents issued from now on."""

    name = StringField("Nombre de quien firma", validators=[
        DataRequired("Escriba el nombre de quien firma."), Length(max=120)])
    title = StringField("Cargo", validators=[
        DataRequired("Escriba el cargo de quien firma."), Length(max=160)],
        description="Por ejemplo: Jefe Oficina TIC.")
    image = FileField("Imagen de la firma (PNG o JPG, opcional)",
                      description="Firma manuscrita escaneada, idealmente con fondo "
                                  "transparente. Si no elige una, se conserva la actual.")
