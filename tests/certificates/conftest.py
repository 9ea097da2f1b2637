"""Fixtures for the certificates tests: completed enrollments and issued documents."""

from contextlib import contextmanager
from datetime import date

import pytest

from tests import factories


def completed_enrollment(cohort=None, person_=None, day=date(2021, 5, 15)):
    """An enrollment that met the completion rule on ``day``."""
    return factories.enrollment(cohort=cohort, person_=person_, status="completo",
                                hours_credited=20, completed_on=day)


@pytest.fixture
def completed(db):
    """A completed enrollment in a course granting a constancia, with a trainer."""
    trainer = factories.user(role="trainer", name="Pedro Peña")
    cohort = factories.cohort(trainers=[trainer])
    person = factories.person(first_names="María José", last_names="Núñez Ibáñez",
                              document_number="1090123456", birth_date=date(1990, 3, 4))
    return completed_enrollment(cohort, person)


@pytest.fixture
def issued(db, completed):
    """A document issued for ``completed``."""
    from lms.certificates.issue import issue_for

    return issue_for(completed)


@contextmanager
def standalone_app(directory, tables=True, **overrides):
    """A separate app on its own SQLite file and key directory under ``directory``.

    For what the shared, rolled-back app cannot show: a fresh installation with no
    keys (and, with ``tables=False``, no schema), or a server and an offline verifier
    that share nothing but files. Use it without the ``db`` fixture, so the app's
    own session, not the shared one, answers its queries.
    """
    from lms import create_app
    from lms.config import TestConfig
    from lms.extensions import db as _db

    app = create_app({
        **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'lms.sqlite3'}",
        "SIGNING_KEY_DIR": str(directory / "keys"),
        **overrides,
    })
    if tables:
        with app.app_context():
            _db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def qr_text(cert, base="http://localhost") -> str:
    """The compact QR text of an issued document (what its PDF carries)."""
    from lms.certificates import compact

    return f"{compact.prefix(base)}{compact.code16(cert.code)}#{cert.jws}"


def legacy_jws(cert, base="http://localhost") -> str:
    """Make ``cert`` a document of the earlier JWS form (its claims signed with the same keys),
    as every document issued before the compact QR is; returns its QR text."""
    import calendar

    from lms.certificates import signing
    from lms.certificates.issue import hours_value, masked_document
    from lms.extensions import db

    claims = {
        "iss": base, "jti": cert.code, "iat": calendar.timegm(cert.issued_at.timetuple()),
        "name": cert.holder_name, "doc": masked_document(cert.document_type, cert.document_number),
        "course": cert.course_code, "course_name": cert.course_name,
        "hours": hours_value(cert.hours), "completed": cert.completed_on.isoformat(),
        "kind": cert.kind,
    }
    cert.jws = signing.keyring().sign(claims)
    db.session.flush()
    return f"{base}/v/{cert.code}#{cert.jws}"


def old_scheme(cert, base="http://localhost") -> str:
    """Give ``cert`` a code of the earlier scheme (Crockford mod 37) ending in one of its
    hard-to-read symbols (* ~ $ = U), as documents issued before were; its compact QR is
    signed again over the new 16 symbols with the current key, as issuing did then.
    Returns the QR text."""
    import secrets

    from lms.certificates import codes, compact, signing
    from lms.extensions import db

    while True:
        symbols = "".join(secrets.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
        old = codes.spellings(symbols)[-1]
        if old[-1] in "*~$=U":
            break
    values = compact.parse(qr_text(cert, base)).values()
    ring = signing.keyring()
    text = compact.build(base, old, list(values.values()), ring.keys[ring.current].private_key,
                         ring.thumbprint_prefix(ring.current))
    cert.code, cert.jws = old, text.split("#", 1)[1]
    db.session.flush()
    return text
