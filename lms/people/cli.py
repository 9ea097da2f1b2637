"""Commands of the people domain: the holder's rights from the command line.

The office answers written requests (habeas data) from a terminal as often as
from the web, so export, anonymise and merge are also commands; they call the
same services and commit once, or write nothing on error.
"""


import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.commands import acting_as, actor_option, run_once
from lms.errors import ValidationError
from lms.people import merging, rights, services


def _person(document_type: str, number: str):
    try:
        person = services.find_person(document_type, number)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from exc
    if person is None:
        raise click.ClickException(
            _("No existe una persona con el documento %(type)s %(number)s.",
              type=document_type, number=number)
        )
    return person


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("export-person")
    @click.argument("document_type")
    @click.argument("number")
    @actor_option
    def export_person(document_type, number, actor_email):
        """Print everything stored about one person as JSON (right to know)."""
        person = _person(document_type, number)

        with acting_as(actor_email):
            text = run_once(lambda: rights.export_json(person, indent=2))
        click.echo(text)

    @group.command("anonymize-person")
    @click.argument("document_type")
    @click.argument("number")
    @actor_option
    @click.confirmation_option(prompt=_l("¿Anonimizar a esta persona? No se puede deshacer."))
    def anonymize_person(document_type, number, actor_email):
        """Remove a person's identity while keeping their counts (right to delete)."""
        person = _person(document_type, number)
        with acting_as(actor_email):
            run_once(lambda: rights.anonymize_person(person))
        click.echo(_("Persona %(id)s anonimizada: %(document)s.", id=person.id,
                     document=person.document_number))

    @group.command("merge-people")
    @click.argument("keep_type")
    @click.argument("keep_number")
    @click.argument("duplicate_type")
    @click.argument("duplicate_number")
    @actor_option
    @click.confirmation_option(
        prompt=_l("¿Fusionar el duplicado en el registro que se conserva?"))
    def merge_people(keep_type, keep_number, duplicate_type, duplicate_number, actor_email):
        """Fold a duplicate record into the one kept; its enrollments and attendance move."""
        survivor = _person(keep_type, keep_number)
        duplicate = _person(duplicate_type, duplicate_number)
        with acting_as(actor_email):
            detail = run_once(lambda: merging.merge_people(survivor, duplicate))
        moved = len(detail.get("enrollments_moved", []))
        joined = len(detail.get("enrollments_joined", []))
        click.echo(_(
            "Fusionado %(merged)s en %(kept)s: %(moved)s, %(joined)s.",
            merged=detail["merged_id"], kept=detail["survivor_id"],
            moved=ngettext("%(num)d inscripción trasladada", "%(num)d inscripciones trasladadas",
                           moved),
            joined=ngettext("%(num)d unida", "%(num)d unidas", joined),
        ))

    @group.command("seed-people")
    def seed_people():
        """Create the comunas, corregimientos and default privacy notice if missing."""
        result = run_once(services.seed_reference_data)
        click.echo(_(
            "Comunas y corregimientos creados: %(areas)s; aviso de privacidad vigente: "
            "%(notice)s.", areas=result["areas_created"], notice=result["notice"]
        ))
