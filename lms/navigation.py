"""The main menu: one entry per page, shown only to the roles that may open it."""

from flask import Flask

ADMIN, TRAINER, ANALYST = "admin", "trainer", "analyst"

NAV_ITEMS = (
    ("courses.cohorts", "Grupos", (ADMIN, TRAINER, ANALYST)),
    ("attendance.today", "Hoy", (ADMIN, TRAINER)),
    ("people.index", "Personas", (ADMIN,)),
    ("courses.sites", "Sedes", (ADMIN,)),
    ("courses.catalog", "Catálogo", (ADMIN,)),
    ("attendance.import_planilla", "Planillas", (ADMIN,)),
    ("attendance.conflicts", "Conflictos", (ADMIN,)),
    ("certificates.index", "Certificados", (ADMIN,)),
    ("indicators.dashboard", "Indicadores", (ADMIN, ANALYST)),
    ("auth.users", "Usuarios", (ADMIN,)),
    ("auth.tokens", "API", (ADMIN,)),
    ("audit.index", "Auditoría", (ADMIN,)),
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
