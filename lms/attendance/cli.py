"""Commands of the attendance domain: import-attendance."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.attendance.planilla_import import import_planilla
from lms.commands import acting_as, run_once
from lms.formatting import number
from lms.tabular import TabularError, more_errors, nothing_imported


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("import-attendance")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Validar y contar sin guardar nada.")
    @click.option("--create-new", is_flag=True,
                  help="Crear grupos y sesiones nuevos (sin esta opción, un grupo o una fecha "
                       "sin sesión que no existen son errores de fila).")
    @click.option("--as", "actor", metavar="EMAIL", help="Usuario al que se atribuyen los cambios.")
    def import_attendance(file: Path, dry_run: bool, create_new: bool, actor: str | None) -> None:
        """Import a planilla (CSV or XLSX): all rows or none.

        Header: curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,
        apellidos,sexo,fecha_nacimiento,zona,estado,autorizacion_datos
        [,correo,telefono,comuna_corregimiento,acudiente_nombre,acudiente_documento]
        """

        def attempt_import():
            try:
                return import_planilla(file, file.name, dry_run=dry_run, create_new=create_new)
            except TabularError as exc:
                # Every row's problem, one a line; run_once then writes nothing.
                for error in exc.errors:
                    click.echo(str(error), err=True)
                if exc.more:
                    click.echo(more_errors(exc.more), err=True)
                click.echo(nothing_imported(exc.count), err=True)
                raise SystemExit(1) from None

        with acting_as(actor):
            result = run_once(attempt_import)
        if dry_run:
            click.echo(_("Validación sin guardar (--dry-run): el archivo no tiene errores. "
                         "Se crearían:"))
        for warning in result.warnings:
            click.echo(_("Advertencia: %(warning)s", warning=warning))
        if result.warning_count > len(result.warnings):
            more = result.warning_count - len(result.warnings)
            click.echo(ngettext("… y %(n)s advertencia más.", "… y %(n)s advertencias más.",
                                more, n=number(more)))
        for name in result.new_cohorts:
            click.echo(_("Grupo nuevo: %(name)s", name=name))
        for name in result.new_sessions:
            click.echo(_("Sesión nueva: %(name)s", name=name))
        for label, value in result.summary():
            click.echo(f"{label}: {number(value)}")
