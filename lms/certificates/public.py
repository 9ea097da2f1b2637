"""What the public sees: code lookups, the verification record, and the citizen portal's
lookup and download links (the signed status list is in status.py)."""

import hashlib
import json
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, defer

from lms.certificates import compact, issue
from lms.certificates.codes import forms
from lms.certificates.issue import hours_value, masked_document
from lms.certificates.layout import local_date
from lms.certificates.lifecycle import is_anonymized
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.database import read_once, without_waiting_for_disk
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import normalize_document

_Replacement = aliased(Certificate)


def base_url() -> str:
    """The public address printed in every QR."""
    return current_app.config["BASE_URL"]


def find(code_text: str) -> tuple[Certificate, str | None] | None:
    """The document for a typed or scanned code and its replacement's code, or None.

    A code as typed (any case, dashes, check symbol) or a QR's 16 symbols (any case).
    """
    spellings = forms(code_text)  # either check scheme: the 16 symbols name the document
    if not spellings:
        return None
    row = db.session.execute(
        select(Certificate, _Replacement.code)
        .outerjoin(_Replacement, _Replacement.id == Certificate.superseded_by_id)
        .where(Certificate.code.in_(spellings))
    ).first()
    return (row[0], row[1]) if row else None


#: What the public verification reads of a document: everything but the file, the signed
#: payload and the download secret, with its status and its replacement's code; built once
#: (the statement's construction would cost more than its round trip).
_LOOKUP = (
    select(*[c for c in Certificate.__table__.c
             if c.key not in ("pdf", "jws", "download_token_hash")],
           Certificate.status.label("status"), _Replacement.code.label("replaced_by"))
    .outerjoin(_Replacement, _Replacement.id == Certificate.superseded_by_id)
    .where(Certificate.code.in_(bindparam("spellings", expanding=True)))
)


def lookup(code_text: str):
    """The public verification's row for a typed or scanned code, or None.

    One indexed SELECT of the columns the pages show, with the document's status and its
    replacement's code, in one round trip (``database.read_once``): no ORM objects, no
    transaction. Read on every request, never cached per process, so a revocation
    committed by any worker shows on the very next read.
    """
    spellings = forms(code_text)
    if not spellings:
        return None
    return read_once(_LOOKUP, {"spellings": list(spellings)})


def record(cert: Certificate, replaced_by: str | None) -> dict:
    """The JSON verification record (issue 4, section 6) of a document or of its ``lookup``
    row, document masked."""
    anonymous = is_anonymized(cert)
    return {
        "code": cert.code,
        "status": cert.status,
        "kind": cert.kind,
        "name": cert.holder_name,
        "doc": f"{cert.document_type} ****" if anonymous
        else masked_document(cert.document_type, cert.document_number),
        "course": cert.course_code,
        "course_name": cert.course_name,
        "hours": hours_value(cert.hours),
        "completed": cert.completed_on.isoformat(),
        "issued": cert.issued_at.isoformat() + "Z",
        "sha256": cert.sha256,
        "replaced_by": replaced_by,
    }


def record_json(code_text: str) -> bytes | None:
    """The JSON verification record as bytes, or None for unknown codes.

    Read from the database on every request, never from a per-process cache: a revocation
    committed by any worker or machine shows on the very next read (bench/scale_out.py).
    """
    row = lookup(code_text)
    if row is None:
        return None
    return json.dumps(record(row, row.replaced_by), ensure_ascii=False).encode()


def carried_fields(cert: Certificate) -> dict:
    """The registry's record in the QR's FIELDS form, for the page to compare field by field.

    An anonymised holder's name and number are no longer on record: they are left out.
    """
    values = dict(zip(compact.FIELDS, compact.field_values(
        {c: getattr(cert, c) for c in issue.FROZEN}, local_date(cert.issued_at)), strict=True))
    if is_anonymized(cert):
        values.pop("name")
        values.pop("doc")
    return values


def same_file(cert: Certificate, data: bytes) -> bool:
    """Whether an uploaded file is byte for byte the issued PDF."""
    return secrets.compare_digest(hashlib.sha256(data).hexdigest(), cert.sha256)


def portal_lookup(document_type: str, number: str, birth_date: date) -> list[tuple]:
    """A citizen's documents as (certificate, fresh download token or None), newest first.

    Only valid documents get a link: a revoked or superseded one is listed with its status.

    One query whatever the input, so a wrong combination takes as long as a right one
    and answers the same empty list whether or not the person exists. Each lookup
    issues new links (only their hashes are stored), which retires older ones.
    """
    try:
        document_type, number = normalize_document(document_type, number)
    except ValidationError:  # a malformed number simply matches nobody
        number = ""
    certs = list(
        db.session.scalars(
            select(Certificate)
            .options(defer(Certificate.pdf), defer(Certificate.jws))
            .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
            .join(Person, Person.id == Enrollment.person_id)
            .where(
                Person.document_type == document_type,
                Person.document_number == number,
                Person.birth_date == birth_date,
                Person.anonymized_at.is_(None),
            )
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )
    if any(cert.is_valid for cert in certs):
        without_waiting_for_disk()  # a link lost in a crash is simply asked for again
    out = []
    for cert in _distinct(certs):
        token = None
        if cert.is_valid:
            token = secrets.token_urlsafe(24)
            cert.download_token_hash = _hash(token)
        out.append((cert, token))
    db.session.flush()
    return out


def _distinct(certs: list[Certificate]) -> list[Certificate]:
    # Never two identical valid documents (two held from before the one-per-course rule,
    # or joined by a merge): the first one issued for a course is the one listed.
    first = {}
    for cert in reversed(certs):
        if cert.is_valid:
            first.setdefault((cert.course_code, cert.kind), cert.id)
    return [c for c in certs if not c.is_valid or first[(c.course_code, c.kind)] == c.id]


def by_token(token: str) -> Certificate | None:
    """The document a citizen download link points to (only a valid one)."""
    if not token or len(token) > 100:
        return None
    cert = db.session.scalar(
        select(Certificate).where(Certificate.download_token_hash == _hash(token))
    )
    if cert is None or not cert.is_valid or is_anonymized(cert):
        return None
    return cert


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
