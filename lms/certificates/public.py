"""What the public sees: code lookups, the verification record, and the citizen portal's
lookup and download links (the signed status list is in status.py)."""

import hashlib
import json
import secrets
from datetime import date

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from lms import pagecache
from lms.certificates import compact, issue
from lms.certificates.codes import forms
from lms.certificates.issue import hours_value, masked_document
from lms.certificates.layout import local_date
from lms.certificates.lifecycle import is_anonymized
from lms.certificates.models import SHOWN, Certificate
from lms.courses.models import Enrollment
from lms.database import read_all, read_once
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
    select(*[Certificate.__table__.c[key] for key in SHOWN],
           Certificate.status.label("status"), _Replacement.code.label("replaced_by"))
    .outerjoin(_Replacement, _Replacement.id == Certificate.superseded_by_id)
    .where(Certificate.code.in_(bindparam("spellings", expanding=True)))
)


def lookup(code_text: str):
    """The public verification's row for a typed or scanned code, or None.

    One indexed SELECT of the columns the pages show, with the document's status and its
    replacement's code, in one round trip (``database.read_once``): no ORM objects, no
    transaction.
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

    Kept per process while no document changes (``pagecache``): a revocation committed by
    any worker or machine shows on the very next read (bench/scale_out.py).
    """
    return pagecache.cached(("json", code_text), lambda: _record_json(code_text))


def _record_json(code_text: str) -> bytes | None:
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


#: A citizen's documents, newest first, with what the portal lists of each; built once.
_PORTAL = (
    select(Certificate.id, Certificate.code, Certificate.kind, Certificate.course_code,
           Certificate.course_name, Certificate.completed_on, Certificate.issued_at,
           Certificate.status.label("status"), Certificate.is_valid.label("is_valid"))
    .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
    .join(Person, Person.id == Enrollment.person_id)
    .where(Person.document_type == bindparam("document_type"),
           Person.document_number == bindparam("number"),
           Person.birth_date == bindparam("birth_date"),
           Person.anonymized_at.is_(None))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)
#: How long a download link works (a lookup gives new ones).
LINK_SECONDS = 3600


def portal_lookup(document_type: str, number: str, birth_date: date) -> list[tuple]:
    """A citizen's documents as (document row, download token or None), newest first.

    Only valid documents get a link: a revoked or superseded one is listed with its status.

    One query whatever the input, so a wrong combination takes as long as a right one
    and answers the same empty list whether or not the person exists. It writes nothing:
    each link is signed (``_links``) and works for LINK_SECONDS, while its document stays
    valid and its holder on record (``by_token``).
    """
    try:
        document_type, number = normalize_document(document_type, number)
    except ValidationError:  # a malformed number simply matches nobody
        number = ""
    rows = read_all(_PORTAL, {"document_type": document_type, "number": number,
                              "birth_date": birth_date})
    links = _links()
    return [(row, links.dumps(row.id) if row.is_valid else None) for row in _distinct(rows)]


def _distinct(rows: list) -> list:
    # Never two identical valid documents (two held from before the one-per-course rule,
    # or joined by a merge): the first one issued for a course is the one listed.
    first = {}
    for row in reversed(rows):
        if row.is_valid:
            first.setdefault((row.course_code, row.kind), row.id)
    return [r for r in rows if not r.is_valid or first[(r.course_code, r.kind)] == r.id]


def by_token(token: str) -> Certificate | None:
    """The document a citizen's download link points to: only a valid one, within
    LINK_SECONDS of the lookup that gave the link."""
    if not token or len(token) > 100:
        return None
    try:
        cert_id = _links().loads(token, max_age=LINK_SECONDS)
    except BadData:  # forged, altered or expired
        return None
    cert = db.session.get(Certificate, cert_id) if isinstance(cert_id, int) else None
    if cert is None or not cert.is_valid or is_anonymized(cert):
        return None
    return cert


def _links() -> URLSafeTimedSerializer:
    # Signed with the app's secret: unguessable, and nothing stored per lookup.
    return URLSafeTimedSerializer(current_app.secret_key, salt="lms.certificates.download")
