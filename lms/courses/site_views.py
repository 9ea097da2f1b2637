"""Site pages (admin): list, create, edit, delete, and the CSV/XLSX import (rules in
blueprint.py)."""

from types import SimpleNamespace

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms import tasks
from lms.auth.models import Role
from lms.courses import services
from lms.courses.forms import SiteForm, SiteImportForm
from lms.courses.models import SITE_KINDS, Site
from lms.courses.pages import Named
from lms.courses.site_jobs import queue_sites
from lms.courses.sites import area_lookup
from lms.extensions import db
from lms.formatting import labels
from lms.tabular import TabularError
from lms.tabular.jobs import ImportJob, is_large, progress_key
from lms.web import fail_request, loads, requires

SITE = Named(
    _l("Sede %(code)s"), _l("Nueva sede"), _l("Sede %(code)s guardada."),
    _l("Sede eliminada."), "courses.site_delete", "site_id",
)


def _sites(_saved=None) -> str:
    return url_for("courses.sites")


def _sites_page(import_form: SiteImportForm, import_failure=None, status: int = 200):
    sites = db.session.scalars(select(Site).order_by(Site.active.desc(), Site.code)).all()
    return (
        render_template(
            "courses/sites.html",
            sites=sites,
            kinds=labels(SITE_KINDS),
            import_form=import_form,
            import_failure=import_failure,
        ),
        status,
    )


@requires(Role.ADMIN)
def sites():
    """List sites, with the import form."""
    return _sites_page(SiteImportForm())


@requires(Role.ADMIN)
def import_sites():
    """Create or update sites from a CSV/XLSX file: all rows or none.

    A big file goes to the background queue and the browser to the job's page.
    """
    form = SiteImportForm()
    if not form.validate_on_submit():
        return _sites_page(form, status=422)
    upload = form.file.data
    if is_large(upload, upload.filename or ""):
        job = queue_sites(upload, upload.filename or "", dry_run=form.dry_run.data,
                          actor_id=current_user.id)
        return redirect(url_for("courses.site_import_job", upload_id=job.id))
    try:
        result = services.import_sites(upload.stream, upload.filename or "", form.dry_run.data)
    except TabularError as exc:
        fail_request()
        return _sites_page(form, exc, status=422)
    flash(services.imported_text(result), "success")
    return redirect(_sites())


@requires(Role.ADMIN)
@loads("upload_id", ImportJob)
def site_import_job(upload: ImportJob):
    """A background sites import: its progress, then its counts or its first errors."""
    failure = None
    if upload.state == "failed":
        failure = SimpleNamespace(errors=upload.errors or [], count=upload.error_count,
                                  more=upload.error_count - len(upload.errors or []))
    return render_template("courses/site_import_job.html", job=upload, failure=failure,
                           rows=tasks.noted(progress_key(upload.id), 0))


@requires(Role.ADMIN)
@loads("site_id", Site, optional=True)
def site_form(site: Site | None):
    """Create or edit a site (the comunas and corregimientos are offered as suggestions)."""
    areas = sorted(a.name for a in area_lookup().values())
    form = SiteForm(obj=site)
    return SITE.form(form, site, services.save_site, then=_sites, back=_sites(), areas=areas)


@requires(Role.ADMIN)
@loads("site_id", Site)
def site_delete(site: Site):
    """Delete a site no cohort uses."""
    refused = url_for("courses.site_form", site_id=site.id)
    return SITE.remove(services.delete_site, site, done=_sites(), refused=refused)
