"""The main menu: one entry per page, shown to the roles the page's own ``requires`` allows
(so the menu can never offer a page that answers 403, nor hide one a role may open)."""

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

NAV_ITEMS = (
    ("courses.cohorts", _l("Grupos")),
    ("attendance.today", _l("Hoy")),
    ("people.index", _l("Personas")),
    ("courses.sites", _l("Sedes")),
    ("courses.catalog", _l("Catálogo")),
    ("attendance.import_planilla", _l("Planillas")),
    ("attendance.conflicts", _l("Conflictos")),
    ("certificates.index", _l("Certificados")),
    ("indicators.dashboard", _l("Indicadores")),
    ("auth.users", _l("Usuarios")),
    ("auth.tokens", _l("API")),
    ("audit.index", _l("Auditoría")),
    ("ops.index", _l("Tareas")),
    ("lti.platforms", _l("LMS")),
)


def menu() -> list[tuple[str, str]]:
    """The (endpoint, label) entries the current user may open."""
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        (endpoint, label)
        for endpoint, label in NAV_ITEMS
        if current_user.role in getattr(views.get(endpoint), "required_roles", ())
    ]


def aria_attrs(field) -> dict:
    """ARIA attributes linking a form field to its error or help text."""
    if field.errors:
        return {"aria-invalid": "true", "aria-describedby": f"{field.id}-err"}
    if field.description:
        return {"aria-describedby": f"{field.id}-help"}
    return {}


def register(app: Flask) -> None:
    """Expose the menu and the form helpers to every template."""
    app.jinja_env.globals["menu"] = menu
    app.jinja_env.globals["aria_attrs"] = aria_attrs
