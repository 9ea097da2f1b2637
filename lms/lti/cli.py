"""Commands of the LTI tool: register a platform, rotate the tool's key."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.commands import run_once
from lms.lti import keys, platforms


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("lti-add-platform")
    @click.option("--issuer", required=True, help="Emisor (iss) de la plataforma.")
    @click.option("--client-id", required=True, help="Client ID asignado a la herramienta.")
    @click.option("--deployment-id", "deployment_ids", multiple=True, required=True,
                  help="Deployment ID (repetible).")
    @click.option("--auth-login-url", required=True, help="URL de autorización OIDC.")
    @click.option("--token-url", required=True, help="URL de tokens OAuth2.")
    @click.option("--jwks-url", required=True, help="URL del juego de claves públicas.")
    def add_platform(issuer, client_id, deployment_ids, auth_login_url, token_url, jwks_url):
        """Register an LMS platform; prints its id on the last line."""
        platform = run_once(lambda: platforms.register(
            issuer=issuer, client_id=client_id, deployment_ids=list(deployment_ids),
            auth_login_url=auth_login_url, token_url=token_url, jwks_url=jwks_url))
        click.echo(_("Plataforma registrada: %(issuer)s (%(client)s).", issuer=platform.issuer,
                     client=platform.client_id))
        click.echo(platform.id)

    @group.command("lti-rotate-key")
    def rotate_key():
        """Create a new signing key for the tool; the previous one stays published."""
        click.echo(_("Nueva clave de la herramienta: %(kid)s", kid=keys.rotate()))
