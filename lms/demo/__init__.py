"""``lms demo``: realistic synthetic data across 2020–2023 for demos and benchmarks."""

import time

import click
from flask.cli import AppGroup

from lms.extensions import db

LABELS = {
    "sites": "sedes",
    "users": "formadores",
    "people": "personas",
    "people_sensitive": "con datos sensibles declarados",
    "consents": "autorizaciones (Ley 1581)",
    "cohorts": "grupos",
    "cohort_trainers": "asignaciones de formador",
    "sessions": "sesiones",
    "enrollments": "inscripciones",
    "attendance": "marcas de asistencia",
    "certificates": "certificados",
}


def register(group: AppGroup) -> None:
    """Add the demo command to the ``lms`` group."""

    @group.command("demo")
    @click.option("--people", type=click.IntRange(min=1), default=2000, show_default=True,
                  help="Número de personas a crear.")
    @click.option("--seed", type=int, default=2020, show_default=True,
                  help="Semilla: la misma semilla sobre la misma base produce los mismos datos.")
    @click.option("--fast-documents", is_flag=True,
                  help="Certificados sin PDF ni firma (solo para pruebas de rendimiento).")
    def demo(people: int, seed: int, fast_documents: bool) -> None:
        """Build synthetic sites, cohorts, sessions, people, attendance and certificates."""
        from lms.demo.build import DemoError, build

        started = time.perf_counter()
        try:
            counts = build(people, seed, documents="placeholder" if fast_documents else "auto")
        except DemoError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        made = counts.pop("documents_made_by")
        click.echo(f"Datos de demostración creados en {time.perf_counter() - started:.1f} s "
                   f"(semilla {seed}):")
        for table, label in LABELS.items():
            click.echo(f"  {counts.get(table, 0):>9}  {label}")
        if made == "placeholder":
            click.echo("  (certificados sin PDF firmado: servicio de emisión no disponible o "
                       "--fast-documents)")
