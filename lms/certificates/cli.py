"""Commands of the certificates domain: issue, revoke, correct, verify, export, rotate keys."""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import undefer

from lms.audit.services import system_actor
from lms.certificates import compact, issue, lifecycle, public, qr, signing, status
from lms.certificates.codes import MISTYPED, forms, looks_mistyped, normalize, symbols_of
from lms.certificates.models import Certificate
from lms.certificates.verify import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_UNCHECKED,
    Verdict,
    verify_text,
)
from lms.commands import acting_as, actor_option, run_once
from lms.courses.models import Cohort, Course
from lms.extensions import db
from lms.formatting import N_, date_time, label, number

VERDICTS = {
    "valid": N_("AUTÉNTICO Y VIGENTE"),
    "superseded": N_("AUTÉNTICO, PERO REEMPLAZADO por una corrección"),
    "revoked": N_("AUTÉNTICO, PERO REVOCADO"),
    "unknown": N_("AUTÉNTICO (estado de revocación sin comprobar)"),
    "invalid": N_("NO AUTÉNTICO"),
}


VERIFY_EXIT_HELP = (
    f"Código de salida: {EXIT_OK} auténtico y no revocado (vigente o reemplazado); "
    f"{EXIT_REJECTED} no auténtico, revocado o archivo ilegible; "
    f"{EXIT_UNCHECKED} auténtico pero sin comprobar la revocación (--jwks sin "
    "--status-list, o una lista vencida o con firma no válida)."
)


def _read_input(value: str) -> str:
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        text = qr.read_pdf(path.read_bytes())
        if text is None:
            raise click.ClickException(_("No se encontró un código QR en %(file)s.", file=value))
        return text
    return value


def _load_json_file(path: str | None, label: str):
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise click.ClickException(_("No se pudo leer %(what)s %(path)s: %(error)s.", what=label,
                                     path=path, error=exc.strerror)) from exc


def _registry_verdict(code: str, offline: bool) -> Verdict:
    # A bare code carries no signature: only the registry can answer for it.
    if offline:
        raise click.ClickException(_("Un código sin firma solo se comprueba en el registro: "
                                     "quite --jwks o verifique el texto del QR o el PDF."))
    found = public.find(code)
    if found is None:
        return Verdict(False, "invalid",
                       reason=_("No existe un documento con el código %(code)s.", code=code))
    record = public.record(*found)
    verdict = Verdict(True, record["status"], claims={"jti": record["code"], **record})
    if record["replaced_by"]:
        verdict.reason = _("Reemplazado por %(code)s.", code=record["replaced_by"])
    return verdict


def _certificate(code: str, *options) -> Certificate:
    if looks_mistyped(code):
        raise click.ClickException(_(MISTYPED, code=code))
    spellings = forms(code)  # either check scheme
    cert = spellings and db.session.scalar(
        db.select(Certificate).options(*options).where(Certificate.code.in_(spellings))
    )
    if not cert:
        raise click.ClickException(_("No existe un documento con el código %(code)s.", code=code))
    return cert


def _offline_inputs(jwks_file: str, status_file: str | None) -> tuple[dict, str | None]:
    # Offline means files only: no database, no signing keys (which could be created).
    try:
        jwks = json.loads(_load_json_file(jwks_file, _("el JWKS")))
    except ValueError as exc:
        raise click.ClickException(_("El archivo JWKS no es JSON válido.")) from exc
    if not isinstance(jwks, dict):
        raise click.ClickException(_("El archivo JWKS no es un conjunto de claves (JWK Set)."))
    status = _load_json_file(status_file, _("la lista de estado")) if status_file else None
    return jwks, status


def _local_inputs(status_file: str | None) -> tuple[dict, str | None]:
    # On the server: this installation's keys (never created here) and, unless a file
    # is given, a status list freshly signed from the database.
    ring = signing.keyring(create=False)
    if ring is None:
        raise click.ClickException(_("No hay claves locales; indique --jwks."))
    if status_file:
        return ring.jwks(), _load_json_file(status_file, _("la lista de estado"))
    try:
        return ring.jwks(), status.status_list(ring)
    except SQLAlchemyError:
        db.session.rollback()
        click.echo(_("No se pudo leer la base de datos: el estado de revocación queda sin "
                     "comprobar."))
        return ring.jwks(), None


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("issue-certificates")
    @click.option("--course", "course_code", help="Solo este curso (código).")
    @click.option("--cohort", "cohort_code", help="Solo este grupo (código).")
    def issue_certificates(course_code, cohort_code):
        """Issue a document for every eligible enrollment that has none; print how many."""
        if course_code and db.session.scalar(db.select(Course.id).filter_by(code=course_code)) \
                is None:
            raise click.ClickException(_("No existe el curso %(code)s.", code=course_code))
        if cohort_code and db.session.scalar(db.select(Cohort.id).filter_by(code=cohort_code)) \
                is None:
            raise click.ClickException(_("No existe el grupo %(code)s.", code=cohort_code))
        ids = issue.pending_ids(course_code, cohort_code)
        total = 0
        for count in issue.issue_pending(ids):
            db.session.commit()
            total += count
        click.echo(ngettext("Se emitió %(n)s documento.", "Se emitieron %(n)s documentos.",
                            total, n=number(total)))

    @group.command("verify", epilog=VERIFY_EXIT_HELP)
    @click.argument("input_")
    @click.option("--jwks", "jwks_file",
                  help="Archivo JWKS: verifica sin conexión, sin base de datos ni claves locales.")
    @click.option("--status-list", "status_file", help="Lista de estado firmada (JWS).")
    def verify(input_, jwks_file, status_file):
        """Verify QR text, a bare code or a PDF; exit 0 only for a genuine, unrevoked document."""
        text = _read_input(input_)
        if looks_mistyped(text):
            raise click.ClickException(_(MISTYPED, code=text.strip()))
        bare = normalize(text) or (text.strip() if symbols_of(text) else None)
        status = None
        if bare:
            verdict = _registry_verdict(bare, offline=bool(jwks_file))
        else:
            if jwks_file:
                jwks, status = _offline_inputs(jwks_file, status_file)
            else:
                jwks, status = _local_inputs(status_file)
            issuer = compact.issuer(current_app.config["BASE_URL"])
            verdict = verify_text(text, jwks, status, issuer)
        click.echo(_("Veredicto: %(verdict)s", verdict=label(VERDICTS[verdict.status])))
        if verdict.reason:
            click.echo(_("Detalle: %(reason)s", reason=verdict.reason))
        if verdict.status_checked_at:
            when = date_time(datetime.fromtimestamp(verdict.status_checked_at, UTC))
            if verdict.status_expired:
                click.echo(_("Estado comprobado el %(moment)s, hora de Colombia (VENCIDA)",
                             moment=when))
            else:
                click.echo(_("Estado comprobado el %(moment)s, hora de Colombia", moment=when))
        elif bare:
            click.echo(_("Comprobado en el registro oficial (un código solo no lleva firma)."))
        elif verdict.genuine and not status:
            url = verdict.claims["iss"] + "/.well-known/status-list"
            click.echo(_("Estado de revocación sin comprobar: indique --status-list con la "
                         "lista firmada de %(url)s.", url=url))
        for key, value in verdict.claims.items():
            click.echo(f"  {key}: {value}")
        sys.exit(verdict.exit_code)

    @group.command("revoke-certificate")
    @click.argument("code")
    @click.option("--reason", required=True, help="Motivo de la revocación (5 a 300 caracteres).")
    @actor_option
    def revoke_certificate(code, reason, actor_email):
        """Revoke a document with a reason; it stays on record and verifies as revoked."""
        cert = _certificate(code)
        with acting_as(actor_email):
            run_once(lambda: lifecycle.revoke(cert, reason))
        click.echo(_("Documento %(code)s revocado.", code=cert.code))

    @group.command("correct-certificate")
    @click.argument("code")
    @actor_option
    def correct_certificate(code, actor_email):
        """Re-issue from the person's and course's current data; the new one supersedes it."""
        cert = _certificate(code)
        with acting_as(actor_email):
            new = run_once(lambda: lifecycle.reissue(cert, system_actor.get()))
        click.echo(_("Se emitió %(new)s, que reemplaza a %(old)s.", new=new.code, old=cert.code))

    @group.command("export-certificate")
    @click.argument("code")
    @click.option("--output", required=True, help="Archivo PDF de salida.")
    def export_certificate(code, output):
        """Write the issued PDF, byte for byte."""
        cert = _certificate(code, undefer(Certificate.pdf))
        if not cert.pdf:
            raise click.ClickException(_("El PDF fue suprimido (titular anonimizado)."))
        try:
            Path(output).write_bytes(cert.pdf)
        except OSError as exc:
            raise click.ClickException(_("No se pudo escribir %(path)s: %(error)s.", path=output,
                                         error=exc.strerror)) from exc
        click.echo(_("%(path)s: %(size)s bytes, SHA-256 %(sha)s", path=output,
                     size=number(len(cert.pdf)), sha=cert.sha256))

    @group.command("rotate-signing-key")
    def rotate_signing_key():
        """Create a new signing key; older public keys stay published."""
        kid = signing.rotate()
        click.echo(_("Nueva clave de firma: %(kid)s. Las anteriores siguen en el JWKS.", kid=kid))
