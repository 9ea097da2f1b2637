"""Plumbing shared by the domains' commands: who the changes are attributed to, and
one commit per command (or nothing written, with the Spanish message, on error)."""

from contextlib import contextmanager

import click
from flask_babel import gettext as _
from sqlalchemy import select

from lms import tasks
from lms.audit.services import system_actor
from lms.auth.models import User
from lms.errors import ValidationError
from lms.extensions import db

#: ``--actor EMAIL``: the staff member the audit trail names for this command.
actor_option = click.option(
    "--actor", "actor_email", default=None, help="Correo del usuario que responde la solicitud."
)


@contextmanager
def acting_as(email: str | None):
    """Attribute the audit entries to a staff member for the duration of the command."""
    user_id = None
    if email:
        user_id = db.session.scalar(select(User.id).where(User.email == email.strip().lower()))
        if user_id is None:
            raise click.ClickException(_("No existe el usuario %(email)s.", email=email))
    token = system_actor.set(user_id)
    try:
        yield
    finally:
        system_actor.reset(token)


def run_once(action):
    """Run ``action`` and commit once (then send its tasks); a ValidationError becomes the
    command's error and nothing is written or sent."""
    try:
        with db.session.begin_nested():
            result = action()
    except ValidationError as exc:
        raise click.ClickException(exc.message) from exc
    tasks.commit()
    return result
