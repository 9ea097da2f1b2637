"""People pages: search, registration with consent and corrections (rules in blueprint.py).

The person page itself lists enrollments and lives in courses (``courses.person``).
"""

from flask import render_template, request
from flask_babel import gettext as _

from lms.auth.models import Role
from lms.extensions import db
from lms.people import search, services
from lms.people.forms import SENSITIVE_FIELDS, PersonForm
from lms.people.models import Person
from lms.people.pages import act_on, person_url, registration
from lms.web import loads, requires

PER_PAGE = 25


@requires(Role.ADMIN)
def index():
    """Search people by document or name (the search form posts; GET lists everybody)."""
    q = request.form.get("q", "").strip() if request.method == "POST" else ""
    page = request.values.get("page", 1, type=int)
    pagination = db.paginate(search.search_query(q), page=page, per_page=PER_PAGE, error_out=False)
    return render_template("people/index.html", q=q, pagination=pagination)


@requires(Role.ADMIN)
def register():
    """Register a person with consent (``?grupo=<id>`` also enrolls them: see courses)."""
    return registration(
        lambda form: services.register_person(channel="form", **form.registration()),
        lambda person: _("Se registró a %(name)s.", name=person.full_name),
        then=lambda person: person_url(person.id),
    )


@requires(Role.ADMIN)
@loads("person_id", Person)
def edit(person: Person):
    """Correct a person's data (right to rectify); every change is audited."""
    form = PersonForm(obj=person)
    if request.method == "GET" and person.sensitive is not None:
        for key in SENSITIVE_FIELDS:
            value = getattr(person.sensitive, key)
            form[key].data = {True: "si", False: "no", None: ""}.get(value, value)
    done = act_on(
        person.id,
        form,
        lambda: services.update_person(person, form.person_data(), sensitive=form.sensitive_data()),
        _("Datos corregidos."),
    )
    return done or render_template("people/edit.html", form=form, person=person)
