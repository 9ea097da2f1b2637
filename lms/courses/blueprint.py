"""The courses domain's URLs: cohorts and sessions, sites, the catalog, and the person page
with its enrollments (under /personas, beside the people domain's pages)."""

from flask import Blueprint, request

from lms.courses import catalog_views, person_views, session_views, site_views, views

bp = Blueprint("courses", __name__)

FORM = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/grupos", "cohorts", views.cohorts)
bp.add_url_rule("/grupos/nuevo", "cohort_form", views.cohort_form, methods=FORM)
bp.add_url_rule("/grupos/<int:cohort_id>", "cohort", views.cohort)
bp.add_url_rule("/grupos/<int:cohort_id>/editar", "cohort_form", views.cohort_form, methods=FORM)
bp.add_url_rule("/grupos/<int:cohort_id>/eliminar", "delete_cohort", views.delete_cohort,
                methods=POST)

bp.add_url_rule("/grupos/<int:cohort_id>/sesiones/nueva", "session_new",
                session_views.session_new, methods=FORM)
bp.add_url_rule("/grupos/<int:cohort_id>/sesiones/serie", "session_series",
                session_views.session_series, methods=FORM)
bp.add_url_rule("/sesiones/<int:session_id>/editar", "session_edit", session_views.session_edit,
                methods=FORM)
bp.add_url_rule("/sesiones/<int:session_id>/eliminar", "session_delete",
                session_views.session_delete, methods=POST)

bp.add_url_rule("/sedes", "sites", site_views.sites)
bp.add_url_rule("/sedes/importar", "import_sites", site_views.import_sites, methods=POST)
bp.add_url_rule("/sedes/importaciones/<int:upload_id>", "site_import_job",
                site_views.site_import_job)
bp.add_url_rule("/sedes/nueva", "site_form", site_views.site_form, methods=FORM)
bp.add_url_rule("/sedes/<int:site_id>", "site_form", site_views.site_form, methods=FORM)
bp.add_url_rule("/sedes/<int:site_id>/eliminar", "site_delete", site_views.site_delete,
                methods=POST)

bp.add_url_rule("/catalogo", "catalog", catalog_views.catalog)
bp.add_url_rule("/catalogo/indicadores/nuevo", "indicator_form", catalog_views.indicator_form,
                methods=FORM)
bp.add_url_rule("/catalogo/indicadores/<int:indicator_id>", "indicator_form",
                catalog_views.indicator_form, methods=FORM)
bp.add_url_rule("/catalogo/indicadores/<int:indicator_id>/eliminar", "indicator_delete",
                catalog_views.indicator_delete, methods=POST)
bp.add_url_rule("/catalogo/cursos/nuevo", "course_form", catalog_views.course_form, methods=FORM)
bp.add_url_rule("/catalogo/cursos/<int:course_id>", "course_form", catalog_views.course_form,
                methods=FORM)
bp.add_url_rule("/catalogo/cursos/<int:course_id>/eliminar", "course_delete",
                catalog_views.course_delete, methods=POST)

bp.add_url_rule("/personas/<int:person_id>", "person", person_views.person)
bp.add_url_rule("/personas/<int:person_id>/inscribir", "enroll", person_views.enroll,
                methods=POST)
bp.add_url_rule("/personas/inscripciones/<int:enrollment_id>/estado", "enrollment_status",
                person_views.enrollment_status, methods=POST)


@bp.before_app_request
def _register_and_enroll():
    """``/personas/nueva?grupo=<id>`` registers and enrolls: answered here, not by people.

    A query string cannot pick a URL rule, and people code never imports courses, so the
    people domain's registration page is answered by courses when it names a cohort.
    """
    if request.endpoint == "people.register" and request.args.get("grupo", type=int):
        return person_views.register_and_enroll()
    return None
