"""The main menu: one entry per page, shown to the roles the page's own ``requires`` allows
(so the menu can never offer a page that answers 403, nor hide one a role may open)."""

from collections.abc import Callable

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

#: The menu by role of work: (group, ((endpoint, label), ...)). A group with one entry the
#: user may open is shown as that entry; otherwise as a drop-down named by the group.
NAV_GROUPS = (
    (_l("Formación"), (
        ("courses.cohorts", _l("Grupos")),
        ("attendance.today", _l("Hoy")),
        ("people.index", _l("Personas")),
        ("courses.sites", _l("Sedes")),
        ("courses.catalog", _l("Catálogo")),
        ("attendance.import_planilla", _l("Planillas")),
        ("attendance.conflicts", _l("Conflictos")),
    )),
    (_l("Certificados"), (("certificates.index", _l("Certificados")),)),
    (_l("Indicadores"), (("indicators.dashboard", _l("Indicadores")),)),
    (_l("Administración"), (
        ("auth.users", _l("Usuarios")),
        ("auth.tokens", _l("API")),
        ("webhooks.index", _l("Webhooks")),
        ("audit.index", _l("Auditoría")),
        ("ops.index", _l("Tareas")),
        ("lti.platforms", _l("LMS")),
    )),
)
#: Every menu entry, in order.
NAV_ITEMS = tuple(item for _group, items in NAV_GROUPS for item in items)


def _allowed(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    return current_user.role in getattr(view, "required_roles", ())


def menu() -> list[tuple[str, str]]:
    """The (endpoint, label) entries the current user may open."""
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label in NAV_ITEMS if _allowed(endpoint)]


def menu_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu's groups with the entries the current user may open (empty groups left out)."""
    if not current_user.is_authenticated:
        return []
    groups = []
    for group, items in NAV_GROUPS:
        allowed = [(endpoint, label) for endpoint, label in items if _allowed(endpoint)]
        if allowed:
            groups.append((group, allowed))
    return groups


#: The admin home's pending work, filled by each domain's blueprint at import time:
#: (endpoint of the page that settles it, label, aggregate count). The home knows no domain.
PENDING: list[tuple[str, str, Callable[[], int]]] = []


def pending(endpoint: str, label, count: Callable[[], int]) -> None:
    """Show ``count()`` (one aggregate query) on the home page, linking to ``endpoint``."""
    if all(known != endpoint for known, _label, _count in PENDING):
        PENDING.append((endpoint, label, count))


def pending_work() -> list[tuple[str, str, int]]:
    """(label, url, count) of the pending work the current user may open."""
    if not current_user.is_authenticated:
        return []
    return [(label, url_for(endpoint), count()) for endpoint, label, count in PENDING
            if _allowed(endpoint)]


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
    app.jinja_env.globals["menu_groups"] = menu_groups
    app.jinja_env.globals["aria_attrs"] = aria_attrs
