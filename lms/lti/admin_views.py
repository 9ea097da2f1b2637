"""Admin pages of the LTI tool: the registered platforms (rules in blueprint.py)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.auth.models import Role
from lms.lti import grades, platforms
from lms.lti.forms import PlatformForm
from lms.lti.launch import redirect_uri
from lms.web import attempt, requires


@requires(Role.ADMIN)
def index():
    """Registered platforms, and the URLs to give an LMS."""
    base = redirect_uri().removesuffix("/lti/launch")
    return render_template("lti/platforms.html", platforms=platforms.listing(), base=base)


@requires(Role.ADMIN)
def new():
    """Register a platform by hand (the values its LMS shows for this tool)."""
    form = PlatformForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            platform = platforms.register(**form.values())
        if done:
            flash(_("Plataforma registrada (id %(id)s).", id=platform.id), "success")
            return redirect(url_for("lti.platforms"))
    return render_template("lti/platform_form.html", form=form)


@requires(Role.ADMIN)
def failed_grades():
    """Grade posts to LMSs that failed (retried automatically, or by hand once exhausted)."""
    return render_template("lti/grades.html", records=grades.failed_posts())
