"""Commands of the courses domain: seed-catalog and import-sites (one commit each)."""

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.commands import run_once
from lms.courses import services
from lms.errors import ValidationError
from lms.tabular import TabularError, more_errors, nothing_imported

REFERENCE_LABELS = {
    "areas_created": "comunas y corregimientos creados",
    "notice_created": "aviso de privacidad creado",
    "notice": "versión vigente del aviso",
}


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("seed-catalog")
    def seed_catalog() -> None:
        """Create the official plan indicators and courses if missing (safe to repeat)."""
        report = run_once(services.seed_catalog)
        for kind, label in (("indicators", "Indicadores"), ("courses", "Cursos")):
            created, kept = report[kind]["created"], report[kind]["kept"]
            click.echo(
                f"{label}: {len(created)} creados ({', '.join(created) or '—'}), "
                f"{len(kept)} ya existían ({', '.join(kept) or '—'})."
            )
        details = ", ".join(
            f"{REFERENCE_LABELS.get(key, key)}: {_plain(value)}"
            for key, value in report["reference"].items()
        )
        click.echo(f"Datos de referencia de personas: {details}.")

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
    return ("sí" if value else "no") if isinstance(value, bool) else str(value)
