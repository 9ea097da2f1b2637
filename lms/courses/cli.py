"""Commands of the courses domain: seed-catalog and import-sites (one commit each)."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.commands import run_once
from lms.courses import services
from lms.errors import ValidationError
from lms.formatting import EMPTY, N_, label
from lms.tabular import TabularError, more_errors, nothing_imported

REFERENCE_LABELS = {
    "areas_created": N_("comunas y corregimientos creados"),
    "notice_created": N_("aviso de privacidad creado"),
    "notice": N_("versión vigente del aviso"),
}


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("seed-catalog")
    def seed_catalog() -> None:
        """Create the official plan indicators and courses if missing (safe to repeat)."""
        report = run_once(services.seed_catalog)
        for kind, title in (("indicators", _("Indicadores")), ("courses", _("Cursos"))):
            created, kept = report[kind]["created"], report[kind]["kept"]
            made = ngettext("%(num)d creado (%(codes)s)", "%(num)d creados (%(codes)s)",
                            len(created), codes=", ".join(created) or EMPTY)
            there = ngettext("%(num)d ya existía (%(codes)s)", "%(num)d ya existían (%(codes)s)",
                             len(kept), codes=", ".join(kept) or EMPTY)
            click.echo(_("%(kind)s: %(made)s, %(there)s.", kind=title, made=made, there=there))
        details = ", ".join(
            f"{label(REFERENCE_LABELS.get(key, key))}: {_plain(value)}"
            for key, value in report["reference"].items()
        )
        click.echo(_("Datos de referencia de personas: %(details)s.", details=details))

    @group.command("import-sites")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_sites(file: Path) -> None:
        """Create or update sites from a CSV or XLSX file (all rows or none).

        Header: codigo,nombre,tipo,zona,comuna_corregimiento,direccion
        """

        def action():
            try:
                return services.import_sites(file, file.name)
            except TabularError as exc:
                for error in exc.errors:
                    click.echo(str(error), err=True)
                if exc.more:
                    click.echo(more_errors(exc.more), err=True)
                raise ValidationError(nothing_imported(exc.count)) from exc

        result = run_once(action)
        click.echo(services.imported_text(result))


def _plain(value) -> str:
    return (_("sí") if value else _("no")) if isinstance(value, bool) else str(value)
