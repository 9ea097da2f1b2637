"""Account commands: create-admin, create-user, create-token, ensure-admin."""

import os

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth import services
from lms.auth.models import Role, User
from lms.extensions import db

#: The role names people type, in Spanish, and the role each one is.
ROLE_NAMES = {"formador": Role.TRAINER, "analista": Role.ANALYST, "admin": Role.ADMIN}


def _commit(action):
    """Run an account change and commit it; an account rule broken is the command's error."""
    try:
        result = action()
    except services.AuthError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    return result


def _report(done: str, generated: str | None) -> None:
    click.echo(done)
    if generated:
        click.echo(_("Contraseña generada (se muestra una sola vez): %(password)s",
                     password=generated))


def register(group: AppGroup) -> None:
    """Add the account commands to the ``lms`` group."""

    @group.command("create-admin")
    @click.argument("email")
    @click.option("--password", help="Contraseña; si falta se usa LMS_ADMIN_PASSWORD o se pide.")
    def create_admin(email: str, password: str | None) -> None:
        """Create an admin, or make an existing user admin with a new password."""
        password = password or os.environ.get("LMS_ADMIN_PASSWORD")
        if not password:
            password = click.prompt(_("Contraseña"), hide_input=True, confirmation_prompt=True)
        try:
            services.ensure_admin(email, password)
        except services.AuthError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(_("Administrador listo: %(email)s", email=services.normalize_email(email)))

    @group.command("create-user")
    @click.argument("email")
    @click.option("--role", "role", required=True, type=click.Choice(list(ROLE_NAMES)),
                  help="Rol de la cuenta: formador, analista o admin.")
    @click.option("--name", help="Nombre visible; por defecto, lo que va antes de @ en el correo.")
    @click.option("--password", help="Contraseña; si falta se genera una y se muestra una vez.")
    def create_user(email: str, role: str, name: str | None, password: str | None) -> None:
        """Crea una cuenta de formador, analista o administrador."""
        generated = None if password else services.generate_password()
        user = _commit(lambda: services.create_user(
            email, name or email.split("@")[0], ROLE_NAMES[role], password or generated
        ))
        _report(_("Cuenta creada: %(email)s (%(role)s)", email=user.email, role=user.role_label),
                generated)

    @group.command("ensure-admin")
    def ensure_admin() -> None:
        """Make sure an admin exists (LMS_ADMIN_EMAIL/PASSWORD, or admin@localhost)."""
        email = os.environ.get("LMS_ADMIN_EMAIL", "admin@localhost")
        password = os.environ.get("LMS_ADMIN_PASSWORD")
        ready = db.session.scalar(
            select(User.id).where(
                User.email == services.normalize_email(email), User.role == "admin", User.active
            )
        )
        # A demoted or deactivated admin@localhost is restored, keeping its password.
        if ready and not password:
            click.echo(_("Administrador existente: %(email)s", email=email))
            return
        _user, generated = _commit(lambda: services.ensure_admin(email, password))
        _report(_("Administrador listo: %(email)s", email=email), generated)

    @group.command("create-token")
    @click.argument("email")
    @click.option("--name", default="CLI", help="Para qué se usa el token.")
    def create_token(email: str, name: str) -> None:
        """Print a new API token for the user, on the last line."""
        user = db.session.scalar(select(User).where(User.email == services.normalize_email(email)))
        if user is None:
            raise click.ClickException(
                _("No existe un usuario activo con el correo %(email)s.", email=email))
        try:
            token = services.create_token(user, name)
        except services.AuthError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(token)
