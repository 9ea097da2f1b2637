"""Pages inside the LMS frame: the instructor links the course to a cohort, the learner
sees their own record (rules in blueprint.py)."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import security
from lms.auth.models import Role
from lms.extensions import db
from lms.lti import deep_linking, learners, linking
from lms.lti import roster as roster_import
from lms.lti.forms import LinkForm, MatchForm, NewCohortForm
from lms.lti.frame import launch_data, launched
from lms.lti.models import Account, Context
from lms.lti.platforms import origin
from lms.people.consent import current_notice
from lms.people.forms import RegisterForm
from lms.people.models import Person
from lms.web import attempt, requires


def _context() -> Context | None:
    ident = launch_data().get("context")
    return db.session.get(Context, ident) if ident else None


@requires(Role.TRAINER)
@launched("instructor")
def link():
    """First launch of an LMS course: pick one of one's cohorts or create one."""
    context = _context()
    if context is None:
        return render_template("lti/error.html", message=(
            "La plataforma no indicó el curso (context); abra la herramienta desde un curso.")
        ), 400
    cohorts = linking.cohorts_to_pick(current_user)
    pick, new = LinkForm(prefix="pick", cohorts=cohorts), NewCohortForm(prefix="new")
    if request.method == "POST" and "pick-cohort_id" in request.form and pick.validate():
        with attempt(pick) as done:
            cohort = linking.link(context, pick.cohort_id.data, current_user)
    elif request.method == "POST" and "new-code" in request.form and new.validate():
        with attempt(new) as done:
            cohort = linking.create_and_link(context, new.data, current_user)
    else:
        done = False
    if done:
        flash(_(
            "El curso de la plataforma quedó enlazado al grupo %(code)s.",
            code=cohort.code,
        ), "success")
        return redirect(url_for("courses.cohort", cohort_id=cohort.id))
    status = 422 if request.method == "POST" else 200
    return render_template("lti/link.html", context=context, pick=pick, new=new,
                           cohorts=cohorts), status


@launched("learner")
def learner():
    """The learner's attendance, hours, progress and documents; or the one-time match."""
    account = db.session.get(Account, launch_data()["account"])
    form = MatchForm()
    if account.person_id is None and form.validate_on_submit():
        with attempt(form):
            learners.match_by_document(account, form.document_type.data,
                                       form.document_number.data, form.birth_date.data)
    person = db.session.get(Person, account.person_id) if account.person_id else None
    if person is None:
        status = 422 if request.method == "POST" else 200
        return render_template("lti/match.html", form=form), status
    context = _context()
    return render_template(
        "lti/learner.html", person=person,
        progress=learners.progress(person, context.cohort_id if context else None),
        documents=learners.documents(person))


@requires(Role.TRAINER)
@launched("instructor")
def deep_link():
    """Deep Linking: pick the cohort the LMS link will open, and hand it to the platform."""
    data = launch_data()
    settings = data.get("deep_link") or {}
    if not settings.get("return_url"):
        return render_template("lti/error.html", message=(
            "La plataforma no pidió un enlace (deep linking).")), 400
    cohorts = linking.cohorts_to_pick(current_user)
    form = LinkForm(cohorts=cohorts)
    if form.validate_on_submit():
        with attempt(form) as done:
            token = deep_linking.answer(data["platform"], data["deployment"], settings,
                                        form.cohort_id.data, current_user)
        if done:
            response = make_response(render_template(
                "lti/deep_link_return.html", url=settings["return_url"], token=token))
            response.headers["Content-Security-Policy"] = security.policy(
                security.current_ancestors(), [origin(settings["return_url"])])
            return response
    status = 422 if request.method == "POST" else 200
    return render_template("lti/deep_link.html", form=form, cohorts=cohorts), status


@requires(Role.TRAINER)
@launched("instructor")
def roster():
    """NRPS: import the LMS course's learners into the linked cohort."""
    context = _context()
    if context is None or not context.cohort_id:
        return redirect(url_for("lti.home"))
    result = None
    with attempt() as done:
        result = roster_import.import_roster(context)
    if not done:
        return redirect(url_for("courses.cohort", cohort_id=context.cohort_id))
    return render_template("lti/roster.html", result=result, context=context)


@launched("learner")
def learner_register():
    """A learner with no person record registers, with consent (the registration form)."""
    account = db.session.get(Account, launch_data()["account"])
    if account.person_id:
        return redirect(url_for("lti.learner"))
    form = RegisterForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            learners.register_self(account, form.registration())
        if done:
            return redirect(url_for("lti.learner"))
    notice = current_notice()
    form.notice_version.data = notice.version
    status = 422 if request.method == "POST" else 200
    return render_template("people/register.html", form=form, notice=notice, existing=None,
                           cohort=None), status
