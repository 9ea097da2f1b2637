"""Site pages (admin): list, create, edit, delete, and the CSV/XLSX import."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.decorators import admin_required
from lms.courses import services
from lms.courses.forms import SiteForm, SiteImportForm, show_errors
from lms.courses.models import SITE_KINDS, Site
from lms.courses.sites import area_lookup
from lms.courses.views import bp
from lms.errors import ValidationError
from lms.extensions import db
from lms.tabular import TabularError


def _sites_page(import_form: SiteImportForm, import_errors=(), status: int = 200):
    sites = db.session.scalars(select(Site).order_by(Site.active.desc(), Site.code)).all()
    return (
        render_template(
            "courses/sites.html",
            sites=sites,
            kinds=SITE_KINDS,
            import_form=import_form,
            import_errors=import_errors,
        ),
        status,
    )


@bp.route("/sedes")
@admin_required
def sites():
    """List sites, with the import form."""
    return _sites_page(SiteImportForm())


@bp.route("/sedes/importar", methods=["POST"])
@admin_required
def import_sites():
    """Create or update sites from a CSV/XLSX file: all rows or none."""
    form = SiteImportForm()
    if not form.validate_on_submit():
        return _sites_page(form, status=422)
    upload = form.file.data
    try:
        result = services.import_sites(upload.stream, upload.filename or "")
    except TabularError as exc:
        return _sites_page(form, [str(e) for e in exc.errors], status=422)
    db.session.commit()
    flash(
        _(
            "Importación completa: %(created)s sedes creadas, %(updated)s actualizadas.",
            created=result["created"],
            updated=result["updated"],
        ),
        "success",
    )
    return redirect(url_for("courses.sites"))


@bp.route("/sedes/nueva", methods=["GET", "POST"])
@bp.route("/sedes/<int:site_id>", methods=["GET", "POST"])
@admin_required
def site_form(site_id: int | None = None):
    """Create or edit a site."""
    site = db.get_or_404(Site, site_id) if site_id else None
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            if site is None:
                site = services.create_site(form.data)
            else:
                services.update_site(site, form.data)
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Sede %(code)s guardada.", code=site.code), "success")
            return redirect(url_for("courses.sites"))
    return render_template(
        "courses/edit.html",
        form=form,
        title=_("Sede %(code)s", code=site.code) if site else _("Nueva sede"),
        back=url_for("courses.sites"),
        delete_url=url_for("courses.site_delete", site_id=site.id) if site else None,
        areas=sorted(a.name for a in area_lookup().values()),
    )


@bp.route("/sedes/<int:site_id>/eliminar", methods=["POST"])
@admin_required
def site_delete(site_id: int):
    """Delete a site no cohort uses."""
    site = db.get_or_404(Site, site_id)
    try:
        services.delete_site(site)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("courses.site_form", site_id=site.id))
    db.session.commit()
    flash(_("Sede eliminada."), "success")
    return redirect(url_for("courses.sites"))
