"""API resources: sites, plan indicators and courses (read: staff; write: admins).

Plan indicators are read by admins and analysts only. Every write goes through the
same services and WTForms classes as the web pages.
"""

from flask import jsonify
from sqlalchemy import select

from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import STAFF, json_body, require_role, validated
from lms.api.openapi import doc
from lms.api.serialize import STR, Shape, page_schema
from lms.courses import services
from lms.courses.forms import CourseForm, IndicatorForm, SiteForm
from lms.courses.models import SITE_KINDS, Course, PlanIndicator, Site
from lms.extensions import db

SITE = Shape(
    Site,
    "id code name kind zone area address active",
    kind_label=(STR, lambda site: SITE_KINDS.get(site.kind, site.kind)),
)
INDICATOR = Shape(
    PlanIndicator, "id code name product_code product_name goal period_start period_end rule"
)
COURSE = Shape(
    Course,
    "id code name description hours min_attendance_pct grants_document document_kind"
    " auto_issue one_document_per_product product_code active",
)


# --- sites -------------------------------------------------------------------------------


@bp.get("/sites")
@doc("Listar sedes", response=page_schema(SITE.schema), tags=("sedes",))
def sites_list():
    """List sites (any staff role)."""
    require_role(*STAFF)
    return jsonify(paginated(select(Site).order_by(Site.code), SITE.dump))


@bp.post("/sites")
@doc("Crear sede (admin)", body=SiteForm, response=SITE.schema, status=201, tags=("sedes",))
def sites_create():
    """Create a site."""
    require_role("admin")
    # An omitted check box reads as "unchecked"; JSON clients expect the model's default.
    form = validated(SiteForm, json_body(active=True))
    site = services.create_site(form.data)
    return jsonify(SITE.dump(site)), 201


@bp.get("/sites/<int:site_id>")
@doc("Ver sede", response=SITE.schema, tags=("sedes",))
def sites_get(site_id: int):
    """One site."""
    require_role(*STAFF)
    return jsonify(SITE.dump(db.get_or_404(Site, site_id)))


@bp.patch("/sites/<int:site_id>")
@doc("Modificar sede (admin)", body=SiteForm, response=SITE.schema, tags=("sedes",))
def sites_update(site_id: int):
    """Change some fields of a site."""
    require_role("admin")
    site = db.get_or_404(Site, site_id)
    form = validated(SiteForm, obj=site)
    services.update_site(site, form.data)
    return jsonify(SITE.dump(site))


@bp.delete("/sites/<int:site_id>")
@doc("Eliminar sede sin grupos (admin)", status=204, tags=("sedes",))
def sites_delete(site_id: int):
    """Delete a site no cohort uses."""
    require_role("admin")
    services.delete_site(db.get_or_404(Site, site_id))
    return "", 204


# --- plan indicators ---------------------------------------------------------------------


@bp.get("/plan-indicators")
@doc("Listar indicadores del plan", response=page_schema(INDICATOR.schema), tags=("catálogo",))
def indicators_list():
    """List plan indicators (admins and analysts)."""
    require_role("admin", "analyst")
    query = select(PlanIndicator).order_by(PlanIndicator.code)
    return jsonify(paginated(query, INDICATOR.dump))


@bp.post("/plan-indicators")
@doc(
    "Crear indicador (admin)",
    body=IndicatorForm,
    response=INDICATOR.schema,
    status=201,
    tags=("catálogo",),
)
def indicators_create():
    """Create a plan indicator."""
    require_role("admin")
    indicator = services.save_indicator(validated(IndicatorForm).data)
    return jsonify(INDICATOR.dump(indicator)), 201


@bp.get("/plan-indicators/<int:indicator_id>")
@doc("Ver indicador", response=INDICATOR.schema, tags=("catálogo",))
def indicators_get(indicator_id: int):
    """One plan indicator."""
    require_role("admin", "analyst")
    return jsonify(INDICATOR.dump(db.get_or_404(PlanIndicator, indicator_id)))


@bp.patch("/plan-indicators/<int:indicator_id>")
@doc(
    "Modificar indicador (admin)", body=IndicatorForm, response=INDICATOR.schema, tags=("catálogo",)
)
def indicators_update(indicator_id: int):
    """Change some fields of a plan indicator."""
    require_role("admin")
    indicator = db.get_or_404(PlanIndicator, indicator_id)
    form = validated(IndicatorForm, obj=indicator)
    services.save_indicator(form.data, indicator)
    return jsonify(INDICATOR.dump(indicator))


@bp.delete("/plan-indicators/<int:indicator_id>")
@doc("Eliminar indicador (admin)", status=204, tags=("catálogo",))
def indicators_delete(indicator_id: int):
    """Delete a plan indicator no course depends on."""
    require_role("admin")
    services.delete_indicator(db.get_or_404(PlanIndicator, indicator_id))
    return "", 204


# --- courses -----------------------------------------------------------------------------


@bp.get("/courses")
@doc("Listar cursos", response=page_schema(COURSE.schema), tags=("catálogo",))
def courses_list():
    """List courses (any staff role)."""
    require_role(*STAFF)
    return jsonify(paginated(select(Course).order_by(Course.code), COURSE.dump))


@bp.post("/courses")
@doc("Crear curso (admin)", body=CourseForm, response=COURSE.schema, status=201, tags=("catálogo",))
def courses_create():
    """Create a course; ``grants_document`` defaults to whether a document_kind was sent."""
    require_role("admin")
    payload = json_body(active=True)
    payload.setdefault("grants_document", bool(payload.get("document_kind")))
    course = services.save_course(validated(CourseForm, payload).data)
    return jsonify(COURSE.dump(course)), 201


@bp.get("/courses/<int:course_id>")
@doc("Ver curso", response=COURSE.schema, tags=("catálogo",))
def courses_get(course_id: int):
    """One course."""
    require_role(*STAFF)
    return jsonify(COURSE.dump(db.get_or_404(Course, course_id)))


@bp.patch("/courses/<int:course_id>")
@doc("Modificar curso (admin)", body=CourseForm, response=COURSE.schema, tags=("catálogo",))
def courses_update(course_id: int):
    """Change some fields of a course."""
    require_role("admin")
    course = db.get_or_404(Course, course_id)
    form = validated(CourseForm, obj=course)
    services.save_course(form.data, course)
    return jsonify(COURSE.dump(course))


@bp.delete("/courses/<int:course_id>")
@doc("Eliminar curso sin grupos (admin)", status=204, tags=("catálogo",))
def courses_delete(course_id: int):
    """Delete a course no cohort uses."""
    require_role("admin")
    services.delete_course(db.get_or_404(Course, course_id))
    return "", 204
