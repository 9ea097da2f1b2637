"""The cohort list's filter form: read from the query string, so a filtered list is a link
that can be shared, and kept in the form after each search."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from lms.courses.cohort_search import MAX_QUERY, STATES, CohortFilters
from lms.formatting import lazy_label


def _id_or_none(value):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value  # kept, so the choice check names the field
    return number


def _options(pairs, blank) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(value, label) for value, label in pairs)]


class CohortFilterForm(Form):
    """Search and filters of "Grupos"; each select lists only what can match."""

    class Meta:
        """WTForms' own messages ("not a valid choice") in Spanish."""

        locales = ("es",)

    q = StringField(_l("Buscar"), validators=[Optional(), Length(max=MAX_QUERY)],
                    description=_l("Código del grupo, nombre del curso o de la sede."))
    curso = SelectField(_l("Curso"), coerce=_id_or_none)
    sede = SelectField(_l("Sede"), coerce=_id_or_none)
    formador = SelectField(_l("Formador"), coerce=_id_or_none)
    anio = SelectField(_l("Año"), coerce=_id_or_none)
    estado = SelectField(_l("Estado"), choices=[
        SelectChoice("", _l("Todos")), *(SelectChoice(k, lazy_label(v)) for k, v in STATES)])

    def fill(self, *, courses, sites, trainers, years) -> None:
        """Set the choices; ``trainers`` None hides the trainer filter (a trainer's own list)."""
        self.curso.choices = _options(courses, _l("Todos"))
        self.sede.choices = _options(sites, _l("Todas"))
        self.anio.choices = _options(((y, str(y)) for y in years), _l("Todos"))
        if trainers is None:
            del self.formador
        else:
            self.formador.choices = _options(trainers, _l("Todos"))

    def filters(self) -> CohortFilters:
        """The valid filters; an invalid one (reported on its field) is left out."""
        valid = self.validate()

        def ok(field):
            return field.data if field is not None and not field.errors else None

        return CohortFilters(
            text=(self.q.data or "") if valid or not self.q.errors else "",
            course_id=ok(self.curso), site_id=ok(self.sede),
            trainer_id=ok(getattr(self, "formador", None)), year=ok(self.anio),
            state=ok(self.estado) or None,
        )

    def active(self) -> dict:
        """The filters as query-string arguments, for the pagination links."""
        return {field.name: field.raw_data[0] for field in self
                if field.raw_data and field.raw_data[0] not in ("", None)}
