"""API resources: sites, plan indicators and courses (read: staff; write: admins).

Plan indicators are read by admins and analysts only. Every write goes through the
same services and WTForms classes as the web pages.
"""

from sqlalchemy import select

from lms.api.resource import Resource
from lms.api.serialize import STR, Shape
from lms.courses import services
from lms.courses.forms import CourseForm, IndicatorForm, SiteForm
from lms.courses.models import SITE_KINDS, Course, PlanIndicator, Site
from lms.policy import Role

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


sites = Resource("sites", Site, SITE, tag="sedes", param="site_id")
sites.list("Listar sedes", lambda: select(Site).order_by(Site.code))
# An omitted check box reads as "unchecked"; JSON clients expect the model's default.
sites.create("Crear sede (admin)", SiteForm, lambda form: services.create_site(form.data),
             defaults={"active": True})
sites.read("Ver sede")
sites.update("Modificar sede (admin)", SiteForm,
             lambda site, form: services.update_site(site, form.data))
sites.delete("Eliminar sede sin grupos (admin)", services.delete_site)

# Plan indicators are read by admins and analysts only.
indicators = Resource("indicators", PlanIndicator, INDICATOR, tag="catálogo",
                      path="/plan-indicators", param="indicator_id",
                      read=(Role.ADMIN, Role.ANALYST))
indicators.list("Listar indicadores del plan",
                lambda: select(PlanIndicator).order_by(PlanIndicator.code))
indicators.create("Crear indicador (admin)", IndicatorForm,
                  lambda form: services.save_indicator(form.data))
indicators.read("Ver indicador")
indicators.update("Modificar indicador (admin)", IndicatorForm,
                  lambda indicator, form: services.save_indicator(form.data, indicator))
indicators.delete("Eliminar indicador (admin)", services.delete_indicator)


def _course_defaults(payload: dict) -> dict:
    # ``grants_document`` defaults to whether a document_kind was sent.
    payload.setdefault("grants_document", bool(payload.get("document_kind")))
    return payload


courses = Resource("courses", Course, COURSE, tag="catálogo", param="course_id")
courses.list("Listar cursos", lambda: select(Course).order_by(Course.code))
courses.create("Crear curso (admin)", CourseForm, lambda form: services.save_course(form.data),
               defaults={"active": True}, prepare=_course_defaults)
courses.read("Ver curso")
courses.update("Modificar curso (admin)", CourseForm,
               lambda course, form: services.save_course(form.data, course))
courses.delete("Eliminar curso sin grupos (admin)", services.delete_course)
