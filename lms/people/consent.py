"""Ley 1581 authorizations: the versioned notice, and provable, revocable consent.

Every channel (web form, API, paper planilla, self check-in) records consent here,
so the proof always names the notice version, the time, the staff member and the
channel, and a minor always carries the guardian's authorization.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.audit.services import current_actor_id
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.documents import guardian_document as tidy_guardian_document
from lms.people.models import CONSENT_CHANNELS, Area, Consent, Person, PrivacyNotice, is_minor_on
from lms.people.notice import (
    DEFAULT_NOTICE_TEXT,
    DEFAULT_NOTICE_VERSION,
    RURAL_AREAS,
    URBAN_AREAS,
)
from lms.timeutil import local_today, utcnow

ANONYMIZED = "La persona fue anonimizada; no se le puede registrar una autorización."


def current_notice() -> PrivacyNotice:
    """Return the newest published privacy notice, creating the default one if none exists."""
    notice = db.session.scalar(
        select(PrivacyNotice)
        .where(PrivacyNotice.published_at <= utcnow())
        .order_by(PrivacyNotice.published_at.desc(), PrivacyNotice.id.desc())
        .limit(1)
    )
    if notice is None:
        notice = db.session.scalar(
            select(PrivacyNotice).where(PrivacyNotice.version == DEFAULT_NOTICE_VERSION)
        )
    if notice is None:
        notice = PrivacyNotice(version=DEFAULT_NOTICE_VERSION, text=DEFAULT_NOTICE_TEXT)
        db.session.add(notice)
        db.session.flush()
    return notice


def seed_reference_data() -> dict:
    """Create the comunas, corregimientos and default notice if missing (idempotent)."""
    existing = set(db.session.scalars(select(Area.name)))
    created = 0
    for zone, names in (("urbana", URBAN_AREAS), ("rural", RURAL_AREAS)):
        for name in names:
            if name not in existing:
                db.session.add(Area(name=name, zone=zone))
                created += 1
    had_notice = db.session.scalar(select(func.count(PrivacyNotice.id))) > 0
    db.session.flush()
    notice = current_notice()
    return {"areas_created": created, "notice_created": not had_notice, "notice": notice.version}


def is_minor(birth_date: date | None, document_type: str = "", today: date | None = None) -> bool:
    """Whether the person is under age; TI and RC holders count as minors without a birth date."""
    if birth_date is None:
        return document_type in ("TI", "RC")
    return is_minor_on(birth_date, today or local_today())


def record_consent(
    person: Person,
    *,
    channel: str,
    consent: bool,
    guardian_name: str | None = None,
    guardian_document: str | None = None,
    today: date | None = None,
    notice_version: str | None = None,
) -> Consent:
    """Record an authorization against the current notice; minors need their guardian's."""
    check_consentable(person)
    check_notice_shown(notice_version)
    guardian = check_consent(person, channel, consent, guardian_name, guardian_document, today)
    return add_consent(person, channel, *guardian)


def check_consentable(person: Person) -> None:
    """Refuse a new authorization for an anonymised person: nobody is left to give it."""
    if person.anonymized_at is not None:
        raise ValidationError(ANONYMIZED, status=409)


def check_consent(person, channel, consent, guardian_name, guardian_document, today):
    """Validate an authorization before anything is written; return the guardian fields."""
    if channel not in CONSENT_CHANNELS:
        raise ValidationError(_("Canal de autorización no válido."), "channel")
    if not consent:
        raise ValidationError(
            _("Se requiere la autorización para el tratamiento de datos personales (Ley 1581)."),
            "consent",
        )
    guardian_name = (guardian_name or "").strip() or None
    guardian_document = tidy_guardian_document(guardian_document)
    # Every guardian problem at once: a planilla row lists each missing cell.
    problems: dict[str, list[str]] = {}
    if is_minor(person.birth_date, person.document_type, today):
        if not guardian_name:
            problems["guardian_name"] = [
                "Es menor de edad: escriba el nombre del acudiente que autoriza."]
        if not guardian_document:
            problems["guardian_document"] = [
                "Es menor de edad: escriba el documento del acudiente que autoriza."]
    if guardian_name and len(guardian_name) > 160:
        problems["guardian_name"] = ["Máximo 160 caracteres."]
    if guardian_document and len(guardian_document) > 40:
        problems["guardian_document"] = ["Máximo 40 caracteres."]
    if problems:
        first = next(iter(problems))
        raise ValidationError(problems[first][0], first, fields=problems)
    return guardian_name, guardian_document


def add_consent(person, channel, guardian_name, guardian_document) -> Consent:
    """Store a checked authorization against the current notice."""
    row = Consent(
        person=person,
        notice=current_notice(),
        channel=channel,
        recorded_by_id=current_actor_id(),
        guardian_name=guardian_name,
        guardian_document=guardian_document,
        granted_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def has_valid_consent(person: Person) -> bool:
    """Whether the person holds at least one unrevoked authorization."""
    return (
        db.session.scalar(
            select(func.count(Consent.id)).where(
                Consent.person_id == person.id, Consent.revoked_at.is_(None)
            )
        )
        > 0
    )


def revoke_consents(person: Person) -> int:
    """Revoke every active authorization of a person (their right to revoke); return how many."""
    count = 0
    for consent in person.consents:
        if consent.revoked_at is None:
            consent.revoked_at = utcnow()
            count += 1
    db.session.flush()
    return count


def check_notice_shown(version: str | None) -> None:
    """Refuse an authorization given on a notice that is no longer the current one.

    The form carries the version it displayed, so the consent recorded is provably the
    one the person read; a notice published meanwhile must be read before authorizing.
    """
    if version and version != current_notice().version:
        raise ValidationError(
            _(
                "El aviso de privacidad cambió mientras se llenaba el formulario; lea la versión "
                "vigente y autorice de nuevo.",
            ),
            "consent",
        )
