"""Operations commands: look at the task queue, re-send stalled tasks, test the e-mail."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms import mail, tasks
from lms.commands import run_once
from lms.ops import services


def attempts(count: int) -> str:
    """"1 intento" / "9 intentos"."""
    return ngettext("%(num)d intento", "%(num)d intentos", count)


def register(group: AppGroup) -> None:
    """Add the operations commands to ``group``."""

    @group.command("tasks")
    def list_tasks():
        """Muestra las tareas en ejecución, programadas, fallidas y reintentadas."""
        for _key, heading, records in services.overview():
            click.echo(f"== {heading}: {len(records)}")
            for r in records:
                error = f" · {r.error.splitlines()[0][:120]}" if r.error else ""
                click.echo(f"  #{r.id} {tasks.label(r.name)} [{r.state}, "
                           f"{attempts(r.attempts)}]{error}")

    @group.command("sweep-tasks")
    def sweep_tasks():
        """Reenvía las tareas sin enviar o detenidas (el consumidor lo hace cada minuto)."""
        click.echo(_("Tareas reenviadas: %(num)s.", num=tasks.sweep()))

    @group.command("send-test-mail")
    @click.argument("address")
    def send_test_mail(address):
        """Encola un correo de prueba para ADDRESS (comprueba MAIL_* y el consumidor)."""
        message = run_once(lambda: mail.send(
            address, _("Prueba de correo — Formación TIC"),
            _("Este es un mensaje de prueba del servicio de formación TIC.")))
        click.echo(_("Correo %(id)s encolado.", id=message.id))
