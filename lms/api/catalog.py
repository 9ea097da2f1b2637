"""API resources: sites, plan indicators and courses (read: staff; write: admins).

Plan indicators are read by admins and analysts only. Every write goes through the
same services and WTForms classes as the web pages.
"""

from flask import jsonify
from sqlalchemy import func, select

from lms.api import bp
from lms.api.core import json_body, page_args, require_role, validated
from lms.api.openapi import doc
from lms.courses import services
from lms.courses.forms import CourseForm, IndicatorForm, SiteForm
from lms.courses.models import SITE_KINDS, Course, PlanIndicator, Site
from lms.extensions import db

STAFF = ("admin", "trainer", "analyst")


def page_schema(item: dict) -> dict:
    """Schema of a paginated list of ``item``."""
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def paginated(query, dump) -> dict:
    """Run ``query`` for the requested page: {"items", "page", "per_page", "total"}."""
    page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    return {"items": [dump(r) for r in rows], "page": page, "per_page": per_page, "total": total}


def obj(props: dict) -> dict:
    """Schema of a JSON object with these properties."""
    return {"type": "object", "properties": props}


STR, INT, NUM, BOOL = ({"type": t} for t in ("string", "integer", "number", "boolean"))
DATE = {"type": "string", "format": "date"}
SITE = obj(
    {
        "id": INT,
        "code": STR,
        "name": STR,
        "kind": STR,
        "kind_label": STR,
        "zone": STR,
        "area": STR,
        "address": STR,
        "active": BOOL,
    }
)
INDICATOR = obj(
    {
        "id": INT,
        "code": STR,
        "name": STR,
        "product_code": STR,
        "product_name": STR,
        "goal": INT,
        "period_start": DATE,
        "period_end": DATE,
        "rule": STR,
    }
)
COURSE = obj(
    {
        "id": INT,
        "code": STR,
        "name": STR,
        "description": STR,
        "hours": NUM,
        "min_attendance_pct": INT,
        "grants_document": BOOL,
        "document_kind": STR,
        "auto_issue": BOOL,
        "product_code": STR,
        "active": BOOL,
    }
)


def dump_site(site: Site) -> dict:
    """A site as JSON."""
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "kind_label": SITE_KINDS.get(site.kind, site.kind),
        "zone": site.zone,
        "area": site.area,
        "address": site.address,
        "active": site.active,
    }


def dump_indicator(indicator: PlanIndicator) -> dict:
    """A plan indicator as JSON."""
    return {
        "id": indicator.id,
        "code": indicator.code,
        "name": indicator.name,
        "product_code": indicator.product_code,
        "product_name": indicator.product_name,
        "goal": indicator.goal,
        "period_start": indicator.period_start.isoformat(),
        "period_end": indicator.period_end.isoformat(),
        "rule": indicator.rule,
    }


def dump_course(course: Course) -> dict:
    """A course as JSON."""
    return {
        "id": course.id,
        "code": course.code,
        "name": course.name,
        "description": course.description,
        "hours": float(course.hours),
        "min_attendance_pct": course.min_attendance_pct,
        "grants_document": course.grants_document,
        "document_kind": course.document_kind,
        "auto_issue": course.auto_issue,
        "product_code": course.product_code,
        "active": course.active,
    }


def merged_payload(form_class, obj, payload: dict | None = None, **kwargs) -> dict:
    """The record's current values overlaid with the JSON body, for partial updates (PATCH).

    Built with ``formdata=None``: left to itself Flask-WTF would read the JSON request as
    form data and treat every omitted check box as unchecked.
    """
    payload = json_body() if payload is None else payload
    form = form_class(formdata=None, obj=obj, meta={"csrf": False}, **kwargs)
    merged = {name: field.data for name, field in form._fields.items()}
    merged.update(payload)
    return merged


def _with_defaults(defaults: dict) -> dict:
    # An omitted check box reads as "unchecked"; JSON clients expect the model's default.
    payload = json_body()
    for key, value in defaults.items():
        payload.setdefault(key, value)
    return payload


# --- sites -------------------------------------------------------------------------------


@bp.get("/sites")
@doc("Listar sedes", response=page_schema(SITE), tags=("sedes",))
def sites_list():
    """List sites (any staff role)."""
    require_role(*STAFF)
    return jsonify(paginated(select(Site).order_by(Site.code), dump_site))


@bp.post("/sites")
@doc("Crear sede (admin)", body=SiteForm, response=SITE, status=201, tags=("sedes",))
def sites_create():
    """Create a site."""
    require_role("admin")
    form = validated(SiteForm, _with_defaults({"active": True}))
    site = services.create_site(form.data)
    db.session.commit()
    return jsonify(dump_site(site)), 201


@bp.get("/sites/<int:site_id>")
@doc("Ver sede", response=SITE, tags=("sedes",))
def sites_get(site_id: int):
    """One site."""
    require_role(*STAFF)
    return jsonify(dump_site(db.get_or_404(Site, site_id)))


@bp.patch("/sites/<int:site_id>")
@doc("Modificar sede (admin)", body=SiteForm, response=SITE, tags=("sedes",))
def sites_update(site_id: int):
    """Change some fields of a site."""
    require_role("admin")
    site = db.get_or_404(Site, site_id)
    form = validated(SiteForm, merged_payload(SiteForm, site))
    services.update_site(site, form.data)
    db.session.commit()
    return jsonify(dump_site(site))


@bp.delete("/sites/<int:site_id>")
@doc("Eliminar sede sin grupos (admin)", status=204, tags=("sedes",))
def sites_delete(site_id: int):
    """Delete a site no cohort uses."""
    require_role("admin")
    services.delete_site(db.get_or_404(Site, site_id))
    db.session.commit()
    return "", 204


# --- plan indicators ---------------------------------------------------------------------


@bp.get("/plan-indicators")
@doc("Listar indicadores del plan", response=page_schema(INDICATOR), tags=("catálogo",))
def indicators_list():
    """List plan indicators (admins and analysts)."""
    require_role("admin", "analyst")
    query = select(PlanIndicator).order_by(PlanIndicator.code)
    return jsonify(paginated(query, dump_indicator))


@bp.post("/plan-indicators")
@doc(
    "Crear indicador (admin)",
    body=IndicatorForm,
    response=INDICATOR,
    status=201,
    tags=("catálogo",),
)
def indicators_create():
    """Create a plan indicator."""
    require_role("admin")
    indicator = services.save_indicator(validated(IndicatorForm).data)
    db.session.commit()
    return jsonify(dump_indicator(indicator)), 201


@bp.get("/plan-indicators/<int:indicator_id>")
@doc("Ver indicador", response=INDICATOR, tags=("catálogo",))
def indicators_get(indicator_id: int):
    """One plan indicator."""
    require_role("admin", "analyst")
    return jsonify(dump_indicator(db.get_or_404(PlanIndicator, indicator_id)))


@bp.patch("/plan-indicators/<int:indicator_id>")
@doc("Modificar indicador (admin)", body=IndicatorForm, response=INDICATOR, tags=("catálogo",))
def indicators_update(indicator_id: int):
    """Change some fields of a plan indicator."""
    require_role("admin")
    indicator = db.get_or_404(PlanIndicator, indicator_id)
    form = validated(IndicatorForm, merged_payload(IndicatorForm, indicator))
    services.save_indicator(form.data, indicator)
    db.session.commit()
    return jsonify(dump_indicator(indicator))


@bp.delete("/plan-indicators/<int:indicator_id>")
@doc("Eliminar indicador (admin)", status=204, tags=("catálogo",))
def indicators_delete(indicator_id: int):
    """Delete a plan indicator no course depends on."""
    require_role("admin")
    services.delete_indicator(db.get_or_404(PlanIndicator, indicator_id))
    db.session.commit()
    return "", 204


# --- courses -----------------------------------------------------------------------------


@bp.get("/courses")
@doc("Listar cursos", response=page_schema(COURSE), tags=("catálogo",))
def courses_list():
    """List courses (any staff role)."""
    require_role(*STAFF)
    return jsonify(paginated(select(Course).order_by(Course.code), dump_course))


@bp.post("/courses")
@doc("Crear curso (admin)", body=CourseForm, response=COURSE, status=201, tags=("catálogo",))
def courses_create():
    """Create a course; ``grants_document`` defaults to whether a document_kind was sent."""
    require_role("admin")
    payload = json_body()
    defaults = {"active": True, "grants_document": bool(payload.get("document_kind"))}
    for key, value in defaults.items():
        payload.setdefault(key, value)
    course = services.save_course(validated(CourseForm, payload).data)
    db.session.commit()
    return jsonify(dump_course(course)), 201


@bp.get("/courses/<int:course_id>")
@doc("Ver curso", response=COURSE, tags=("catálogo",))
def courses_get(course_id: int):
    """One course."""
    require_role(*STAFF)
    return jsonify(dump_course(db.get_or_404(Course, course_id)))


@bp.patch("/courses/<int:course_id>")
@doc("Modificar curso (admin)", body=CourseForm, response=COURSE, tags=("catálogo",))
def courses_update(course_id: int):
    """Change some fields of a course."""
    require_role("admin")
    course = db.get_or_404(Course, course_id)
    form = validated(CourseForm, merged_payload(CourseForm, course))
    services.save_course(form.data, course)
    db.session.commit()
    return jsonify(dump_course(course))


@bp.delete("/courses/<int:course_id>")
@doc("Eliminar curso sin grupos (admin)", status=204, tags=("catálogo",))
def courses_delete(course_id: int):
    """Delete a course no cohort uses."""
    require_role("admin")
    services.delete_course(db.get_or_404(Course, course_id))
    db.session.commit()
    return "", 204
