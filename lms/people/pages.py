"""Page pieces shared by the people views and by the courses pages built on them.

The person page lists enrollments, so it belongs to courses (``courses.person``); the
people pages only link and return to it.
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for

from lms.people import services
from lms.people.forms import RegisterForm
from lms.web import attempt


def person_url(person_id: int) -> str:
    """The person page's address."""
    return url_for("courses.person", person_id=person_id)


def to_person(person_id: int):
    """Redirect to the person page."""
    return redirect(person_url(person_id))


def act_on(person_id: int, form, action: Callable, message: str | Callable):
    """On a valid POST run ``action()``; when the service agrees, flash ``message`` (or
    ``message(result)``) and return the redirect to the person page.

    None means: show the form again (not submitted, invalid, or refused by the service,
    whose message then sits next to its field and whose writes were undone).
    """
    if not form.validate_on_submit():
        return None
    with attempt(form) as done:
        result = action()
    if not done:
        return None
    flash(message(result) if callable(message) else message, "success")
    return to_person(person_id)


def registration(save: Callable, message: Callable, *, then: Callable, cohort=None,
                 form_class=RegisterForm):
    """The registration page: ``save(form)`` registers (and maybe enrolls) on a valid POST.

    Then it flashes ``message(person)`` and goes to ``then(person)``; a refusal shows the
    form again with the input kept, nothing written, and the message next to its field.
    ``form_class``: RegisterForm or a subclass with the fields enrolling needs.
    """
    form = form_class()
    if not form.validate_on_submit():
        return _registration_page(form, cohort)
    with attempt(form) as done:
        person = save(form)
    if not done:
        return _registration_page(form, cohort, done.error.field)
    flash(message(person), "success")
    return redirect(then(person))


def _registration_page(form, cohort=None, refused_field: str | None = None):
    # After a refused document, the page names who already holds it, to enroll them instead.
    existing = None
    if refused_field == "document_number":
        existing = services.existing_person(form.document_type.data, form.document_number.data)
    notice = services.current_notice()
    # The page shows this notice: the version travels with the form to prove what was read.
    form.notice_version.data = notice.version
    return render_template(
        "people/register.html", form=form, cohort=cohort, existing=existing, notice=notice
    )
