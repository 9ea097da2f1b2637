"""Citizens, their habeas-data consent, and the places they live in."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.formatting import N_
from lms.timeutil import age_on, utcnow

DOCUMENT_TYPES = {
    "CC": N_("Cédula de ciudadanía"),
    "TI": N_("Tarjeta de identidad"),
    "RC": N_("Registro civil"),
    "CE": N_("Cédula de extranjería"),
    "PA": N_("Pasaporte"),
    "PEP": N_("Permiso especial de permanencia"),
    "PPT": N_("Permiso por protección temporal"),
}
#: Types whose numbers are digits only; the others may carry letters.
NUMERIC_DOCUMENTS = {"CC", "TI", "RC"}
SEXES = {"F": N_("Femenino"), "M": N_("Masculino"), "I": N_("Intersexual")}
ZONES = {"urbana": N_("Urbana"), "rural": N_("Rural")}
CONSENT_CHANNELS = ("form", "planilla", "api", "checkin")
#: Age of majority in Colombia: younger people need their guardian's authorization.
ADULT_AGE = 18
#: Age groups of the indicator breakdowns: (label, age in whole years the group starts at).
AGE_GROUPS = (
    (f"<{ADULT_AGE}", 0),
    (f"{ADULT_AGE}-28", ADULT_AGE),
    ("29-59", 29),
    ("60+", 60),
)


def age_group(birth: date, on: date) -> str:
    """The age group of someone born on ``birth`` on the day ``on`` (whole years)."""
    age = age_on(birth, on)
    return next((label for label, start in reversed(AGE_GROUPS) if age >= start), AGE_GROUPS[0][0])


def is_minor_on(birth: date, on: date) -> bool:
    """Whether someone born on ``birth`` is under age on the day ``on``."""
    return age_on(birth, on) < ADULT_AGE


class Area(db.Model):
    """A comuna (urban) or corregimiento (rural); editable data, not constants."""

    __tablename__ = "areas"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name, e.g. "Comuna 1" or "Palmarito".
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: urbana (comuna) or rural (corregimiento).
    zone: Mapped[str] = mapped_column(String(10))


def mask_document(document_type: str, number: str) -> str:
    """Document type and only its last four characters, for public pages."""
    return f"{document_type} ****{number[-4:]}"


def full_name(first_names: str, last_names: str) -> str:
    """Given names followed by surnames (Person.full_name, also for rows read as plain values)."""
    return f"{first_names} {last_names}".strip()


class Person(db.Model):
    """A participant, identified by document type and number: one document, one person."""

    __tablename__ = "people"
    __audited__ = True
    __table_args__ = (UniqueConstraint("document_type", "document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: CC, TI, RC, CE, PA, PEP or PPT.
    document_type: Mapped[str] = mapped_column(String(3))
    #: Normalized: no dots, spaces or dashes; letters upper-case.
    document_number: Mapped[str] = mapped_column(String(30))
    #: Given names.
    first_names: Mapped[str] = mapped_column(String(120))
    #: Surnames.
    last_names: Mapped[str] = mapped_column(String(120))
    #: Needed to tell minors apart and for the age-group breakdown.
    birth_date: Mapped[date | None]
    #: F, M or I (sex as registered).
    sex: Mapped[str | None] = mapped_column(String(1))
    #: Optional self-described gender identity.
    gender_identity: Mapped[str | None] = mapped_column(String(60))
    #: Contact phone.
    phone: Mapped[str | None] = mapped_column(String(30))
    #: Contact email.
    email: Mapped[str | None] = mapped_column(String(254))
    #: urbana or rural.
    zone: Mapped[str | None] = mapped_column(String(10))
    #: Comuna or corregimiento name (see Area).
    area: Mapped[str | None] = mapped_column(String(80))
    #: Neighbourhood or vereda.
    barrio: Mapped[str | None] = mapped_column(String(120))
    #: When the record was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the identity was removed under Ley 1581; the counts stay.
    anonymized_at: Mapped[datetime | None]

    sensitive: Mapped["PersonSensitive | None"] = relationship(
        back_populates="person", cascade="all, delete-orphan", uselist=False
    )
    consents: Mapped[list["Consent"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Consent.granted_at"
    )

    @property
    def full_name(self) -> str:
        """Given names followed by surnames."""
        return full_name(self.first_names, self.last_names)

    @property
    def masked_name(self) -> str:
        """Each name cut to its first letters ("Ma*** Pé***"): enough for the person to
        recognise themselves on a shared phone, too little for a stranger to learn it."""
        return " ".join(f"{word[:2] if len(word) > 3 else word[:1]}***"
                        for word in self.full_name.split())

    @property
    def masked_document(self) -> str:
        """Document type and only its last four characters, for public pages."""
        return mask_document(self.document_type, self.document_number)


class PersonSensitive(db.Model):
    """Optional self-identification for the differential approach, kept apart."""

    __tablename__ = "people_sensitive"
    __audited__ = True

    #: The person this belongs to.
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    #: Self-declared ethnic group (indígena, afrocolombiano, raizal, palenquero, rrom…).
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    #: Declared disability; None means not answered.
    disability: Mapped[bool | None]
    #: Declared victim of the armed conflict; None means not answered.
    victim: Mapped[bool | None]
    #: Declared migrant; None means not answered.
    migrant: Mapped[bool | None]

    person: Mapped[Person] = relationship(back_populates="sensitive")


class PrivacyNotice(db.Model):
    """A version of the habeas-data notice (aviso de privacidad) shown to people."""

    __tablename__ = "privacy_notices"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Version label, e.g. "2024-01".
    version: Mapped[str] = mapped_column(String(20), unique=True)
    #: Full text as shown on the form and printed on the planilla.
    text: Mapped[str] = mapped_column(Text)
    #: When it took effect (UTC); the newest one is current.
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class Consent(db.Model):
    """Provable authorization (Ley 1581): which notice, when, by whom, through which channel."""

    __tablename__ = "consents"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who authorized the processing of their data.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: The notice version the person was shown.
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id"))
    #: When the authorization was given (UTC).
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Staff member who recorded it; empty for self check-in.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: form, planilla, api or checkin.
    channel: Mapped[str] = mapped_column(String(10))
    #: Guardian's full name, required for minors.
    guardian_name: Mapped[str | None] = mapped_column(String(160))
    #: Guardian's document (type and number), required for minors.
    guardian_document: Mapped[str | None] = mapped_column(String(40))
    #: When the person revoked it, if ever.
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="consents")
    notice: Mapped[PrivacyNotice] = relationship()
