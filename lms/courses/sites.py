"""Sites (sedes): their rules, and the CSV/XLSX import that creates or updates them by code."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from lms.courses.models import SITE_KINDS, Cohort, Site
from lms.courses.rules import Problems, code_of, delete, store, unique_code
from lms.database import reading
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, labels
from lms.people.models import ZONES, Area
from lms.tabular import RowError, RowErrors, TabularError, match_choice, read_table
from lms.text import fold

#: Import header -> Site attribute; the header is a contract (issue 2, item 4).
IMPORT_COLUMNS = {
    "codigo": "code",
    "nombre": "name",
    "tipo": "kind",
    "zona": "zone",
    "comuna_corregimiento": "area",
    "direccion": "address",
}
REQUIRED_COLUMNS = ("codigo", "nombre", "tipo", "zona")
OPTIONAL_COLUMNS = ("comuna_corregimiento", "direccion")


def area_lookup() -> dict[str, Area]:
    """Comunas and corregimientos keyed by their folded name."""
    return {fold(a.name): a for a in db.session.scalars(select(Area))}


def clean_site(data: dict, site: Site | None = None, areas: dict | None = None) -> dict:
    """Check a site's fields and return them normalized; raise ValidationError listing all."""
    problems = Problems()
    clean = {
        "code": code_of(problems.text(data, "code", N_("Código"), 30)) or None,
        "name": problems.text(data, "name", N_("Nombre"), 160),
        "address": problems.text(data, "address", N_("Dirección"), 200, required=False),
        "active": bool(data.get("active", True)),
    }
    clean["kind"] = match_choice(data.get("kind"), SITE_KINDS)
    if clean["kind"] is None:
        problems.add("kind", _("Tipo de sede no válido: «%(value)s»; use %(kinds)s.",
                               value=data.get("kind") or "",
                               kinds=", ".join(labels(SITE_KINDS).values())))
    clean["zone"] = match_choice(data.get("zone"), ZONES)
    if clean["zone"] is None:
        problems.add("zone", _("Zona no válida: «%(value)s»; use urbana o rural.",
                               value=data.get("zone") or ""))
    clean["area"] = _clean_area(data.get("area"), clean["zone"], problems, areas)
    unique_code(problems, Site, clean["code"], site)
    problems.raise_if_any()
    return clean


def _clean_area(value, zone: str | None, problems: Problems, areas: dict | None) -> str | None:
    # Areas are editable data; until the office loads them any name is accepted.
    name = " ".join(str(value or "").split())
    if not name:
        return None
    areas = area_lookup() if areas is None else areas
    if not areas:
        if len(name) > 80:
            problems.add("area",
                         _("El campo «Comuna o corregimiento» admite máximo 80 caracteres."))
        return name
    area = areas.get(fold(name))
    if area is None:
        problems.add("area", _("Comuna o corregimiento desconocido: «%(name)s».", name=name))
        return name
    if zone and area.zone != zone:
        if area.zone == "urbana":
            message = _("«%(name)s» es una comuna (zona urbana); no coincide con la zona "
                        "%(zone)s.", name=area.name, zone=zone)
        else:
            message = _("«%(name)s» es un corregimiento (zona rural); no coincide con la zona "
                        "%(zone)s.", name=area.name, zone=zone)
        problems.add("area", message)
    return area.name


def save_site(data: dict, site: Site | None = None) -> Site:
    """Create a site, or update ``site``."""
    return store(Site, clean_site(data, site), site)


def create_site(data: dict) -> Site:
    """Create a site from checked data."""
    return save_site(data)


def update_site(site: Site, data: dict) -> Site:
    """Change a site's fields."""
    return save_site(data, site)


def imported_text(result: dict) -> str:
    """A site import's outcome in words, each count with its own plural."""
    created, updated = result["created"], result["updated"]
    if result.get("dry_run"):
        return _("Validación correcta (no se guardó nada): %(created)s y %(updated)s.",
                 created=ngettext("se crearía %(num)d sede", "se crearían %(num)d sedes", created),
                 updated=ngettext("se actualizaría %(num)d", "se actualizarían %(num)d", updated))
    return _("Importación completa: %(created)s, %(updated)s.",
             created=ngettext("%(num)d sede creada", "%(num)d sedes creadas", created),
             updated=ngettext("%(num)d actualizada", "%(num)d actualizadas", updated))


def delete_site(site: Site) -> None:
    """Delete a site that no cohort uses; otherwise ask to deactivate it instead."""
    used = db.session.scalar(select(func.count(Cohort.id)).where(Cohort.site_id == site.id))
    refusal = ngettext("La sede tiene %(num)d grupo; desactívela en lugar de eliminarla.",
                       "La sede tiene %(num)d grupos; desactívela en lugar de eliminarla.", used)
    delete(site, refusal if used else None, "active")


def import_sites(stream, filename: str, dry_run: bool = False) -> dict:
    """Create or update (by code) every site in a CSV/XLSX file, or none if any row is wrong.

    The file is checked with reads only first (the caller's transaction must not have
    written anything: it is ended for the check), then written in the caller's transaction.
    Returns {"created": n, "updated": n, "dry_run": bool}; raises TabularError listing every
    problem. ``dry_run``: check every row and count, but write nothing.
    """
    with reading():
        rows = check_sites(stream, filename)
    return write_sites(rows, dry_run)


def check_sites(stream, filename: str) -> dict[str, tuple[int, dict]]:
    """Check every row of a sites file, reading only: {code: (row, clean fields)}.

    Raises TabularError listing every problem.
    """
    errors = RowErrors()
    rows: dict[str, tuple[int, dict]] = {}
    areas = area_lookup()
    existing = {s.code: s for s in db.session.scalars(select(Site))}
    columns = {attr: col for col, attr in IMPORT_COLUMNS.items()}
    for number, raw in read_table(stream, filename, REQUIRED_COLUMNS, OPTIONAL_COLUMNS):
        data = {IMPORT_COLUMNS[col]: value for col, value in raw.items()}
        code = code_of(data["code"])
        # A re-import must not reactivate a site the office switched off.
        data["active"] = existing[code].active if code in existing else True
        if code and code in rows:
            first = rows[code][0]
            errors.append(
                RowError(number, "codigo", _("código repetido (ya está en la fila %(row)s)",
                                             row=first))
            )
            continue
        try:
            clean = clean_site(data, existing.get(code), areas)
        except ValidationError as exc:
            for field, messages in exc.fields.items():
                errors.extend(RowError(number, columns[field], _lower(m)) for m in messages)
            continue
        rows[code] = (number, clean)
    if errors:
        raise errors.refusal()
    if not rows:
        raise TabularError([RowError(None, None, _("el archivo no tiene filas de datos"))])
    return rows


def write_sites(rows: dict[str, tuple[int, dict]], dry_run: bool = False) -> dict:
    """Create or update (by code) checked sites (``dry_run``: only count); a second run
    changes nothing."""
    existing = {s.code: s for s in db.session.scalars(select(Site))}
    if not dry_run:
        for code, (_number, clean) in rows.items():
            store(Site, clean, existing.get(code))
    updated = len(rows.keys() & existing.keys())
    return {"created": len(rows) - updated, "updated": updated, "dry_run": dry_run}


def _lower(message: str) -> str:
    # Read as the tail of "fila 3, columna zona: …".
    return message[:1].lower() + message[1:].rstrip(".")
