"""The main menu: one entry per page, shown only to the roles that may open it."""

from flask import Flask
from flask_babel import lazy_gettext as _l

ADMIN, TRAINER, ANALYST = "admin", "trainer", "analyst"

NAV_ITEMS = (
    ("courses.cohorts", _l("Grupos"), (ADMIN, TRAINER, ANALYST)),
    ("attendance.today", _l("Hoy"), (ADMIN, TRAINER)),
    ("people.index", _l("Personas"), (ADMIN,)),
    ("courses.sites", _l("Sedes"), (ADMIN,)),
    ("courses.catalog", _l("Catálogo"), (ADMIN,)),
    ("attendance.import_planilla", _l("Planillas"), (ADMIN,)),
    ("attendance.conflicts", _l("Conflictos"), (ADMIN,)),
    ("certificates.index", _l("Certificados"), (ADMIN,)),
    ("indicators.dashboard", _l("Indicadores"), (ADMIN, ANALYST)),
    ("auth.users", _l("Usuarios"), (ADMIN,)),
    ("auth.tokens", _l("API"), (ADMIN,)),
    ("audit.index", _l("Auditoría"), (ADMIN,)),
)


def aria_attrs(field) -> dict:
    """ARIA attributes linking a form field to its error or help text."""
    if field.errors:
        return {"aria-invalid": "true", "aria-describedby": f"{field.id}-err"}
    if field.description:
        return {"aria-describedby": f"{field.id}-help"}
    return {}


def register(app: Flask) -> None:
    """Expose the menu and the form helpers to every template."""
    app.context_processor(lambda: {"nav_items": NAV_ITEMS})
    app.jinja_env.globals["aria_attrs"] = aria_attrs
