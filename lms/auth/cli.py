"""Account commands: create-admin, create-token, ensure-admin."""

import os

import click
from flask.cli import AppGroup
from sqlalchemy import select

from lms.auth import services
from lms.auth.models import User
from lms.extensions import db


def register(group: AppGroup) -> None:
    """Add the account commands to the ``lms`` group."""

    @group.command("create-admin")
    @click.argument("email")
    @click.option("--password", help="Contraseña; si falta se usa LMS_ADMIN_PASSWORD o se pide.")
    def create_admin(email: str, password: str | None) -> None:
        """Create an admin, or make an existing user admin with a new password."""
        password = password or os.environ.get("LMS_ADMIN_PASSWORD")
        if not password:
            password = click.prompt("Contraseña", hide_input=True, confirmation_prompt=True)
        try:
            services.ensure_admin(email, password)
        except services.AuthError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Administrador listo: {services.normalize_email(email)}")

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
            click.echo(f"Administrador existente: {email}")
            return
        try:
            _, generated = services.ensure_admin(email, password)
        except services.AuthError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Administrador listo: {email}")
        if generated:
            click.echo(f"Contraseña generada (se muestra una sola vez): {generated}")

    @group.command("create-token")
    @click.argument("email")
    @click.option("--name", default="CLI", help="Para qué se usa el token.")
    def create_token(email: str, name: str) -> None:
        """Print a new API token for the user, on the last line."""
        user = db.session.scalar(select(User).where(User.email == services.normalize_email(email)))
        if user is None or not user.active:
            raise click.ClickException(f"No existe un usuario activo con el correo {email}.")
        token = services.create_token(user, name)
        db.session.commit()
        click.echo(token)
