"""``lms demo``: realistic synthetic data for demos and benchmarks, up to today or in a plan's
period, with a trainer and an analyst who can sign in."""

import time

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.extensions import db
from lms.formatting import N_, label, number

LABELS = {
    "sites": N_("sedes"),
    "users": N_("formadores"),
    "people": N_("personas"),
    "people_sensitive": N_("con datos sensibles declarados"),
    "consents": N_("autorizaciones (Ley 1581)"),
    "cohorts": N_("grupos"),
    "cohort_trainers": N_("asignaciones de formador"),
    "sessions": N_("sesiones"),
    "enrollments": N_("inscripciones"),
    "attendance": N_("marcas de asistencia"),
    "certificates": N_("certificados"),
}


def _period(_ctx, _param, value: str | None) -> tuple[int, int] | None:
    """``AAAA-AAAA`` as (first year, last year)."""
    if value is None:
        return None
    first, _sep, last = value.partition("-")
    if not (first.isdigit() and last.isdigit() and 2000 <= int(first) <= int(last) <= 2100):
        raise click.BadParameter(
            _("«%(value)s» no es un periodo AAAA-AAAA, p. ej. 2020-2023.", value=value))
    return int(first), int(last)


def register(group: AppGroup) -> None:
    """Add the demo command to the ``lms`` group."""

    @group.command("demo")
    @click.option("--people", type=click.IntRange(min=1), default=2000, show_default=True,
                  help="Número de personas a crear.")
    @click.option("--seed", type=int, default=2020, show_default=True,
                  help="Semilla: la misma semilla sobre la misma base produce los mismos datos.")
    @click.option("--period", callback=_period, metavar="AAAA-AAAA",
                  help="Años del plan (p. ej. 2020-2023); por defecto, los cuatro años hasta hoy.")
    @click.option("--fast-documents", is_flag=True,
                  help="Certificados sin PDF ni firma (solo para pruebas de rendimiento).")
    def demo(people: int, seed: int, period, fast_documents: bool) -> None:
        """Crea sedes, grupos, sesiones, personas, asistencia y certificados de demostración."""
        from lms.demo.accounts import activate
        from lms.demo.build import DemoError, build

        started = time.perf_counter()
        try:
            counts = build(people, seed, period=period,
                           documents="placeholder" if fast_documents else "auto")
            accounts = activate(seed)
        except DemoError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        made = counts.pop("documents_made_by")
        click.echo(_("Datos de demostración creados en %(seconds)s s (semilla %(seed)s):",
                     seconds=number(time.perf_counter() - started, 1), seed=seed))
        for table, text in LABELS.items():
            click.echo(f"  {number(counts.get(table, 0)):>9}  {label(text)}")
        click.echo(_("Cuentas para entrar (las contraseñas se muestran una sola vez):"))
        for role, email, password in accounts:
            click.echo("  " + _("%(role)s: %(email)s · contraseña: %(password)s", role=role,
                                email=email, password=password))
        if made == "placeholder":
            click.echo("  " + _("(certificados sin PDF firmado: servicio de emisión no disponible "
                                "o --fast-documents)"))
