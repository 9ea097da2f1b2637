"""Helpers for indicator tests: the three plan indicators and completions on given days."""

import itertools
import secrets
from datetime import date, datetime
from decimal import Decimal

import pytest

from lms.certificates.models import Certificate
from lms.extensions import db
from tests import factories


@pytest.fixture
def plan(db):
    """The three seed indicators and one course per product."""
    inds = {
        "basic": factories.indicator(code="PDM-2301031", product_code="2301031", goal=3200),
        "alfa": factories.indicator(
            code="PDM-2301034",
            name="Personas certificadas en alfabetización digital",
            product_code="2301034",
            goal=350,
            rule="certified",
        ),
        "gob": factories.indicator(code="PDM-2302033", product_code="2302033", goal=315),
    }
    courses = {
        "basic": factories.course(code="TIC-BASICO", product_code="2301031"),
        "alfa": factories.course(
            code="ALFA-DIGITAL", product_code="2301034", hours=Decimal("40"),
            document_kind="certificado", name="Alfabetización digital",
        ),
        "gob": factories.course(code="GOB-DIGITAL", product_code="2302033", hours=Decimal("12")),
    }
    return {"ind": inds, "course": courses}


def complete(person, course, day, site=None, **kw):
    """Enroll ``person`` in a new cohort of ``course`` and mark it complete on ``day``."""
    cohort = factories.cohort(course=course, site=site or factories.site(), **kw)
    return factories.enrollment(cohort, person, completed_on=day, status="completo")


#: Distinct status-list bits for the documents written here (issuing picks random ones).
_STATUS_INDEXES = itertools.count()


def certify(enrollment, revoked=False, supersedes=None):
    """A document for ``enrollment``; ``supersedes`` is the document it corrects."""
    cert = Certificate(
        code=secrets.token_hex(10),
        enrollment_id=enrollment.id,
        kind="certificado",
        holder_name="Titular",
        document_type="CC",
        document_number="1",
        course_code="ALFA-DIGITAL",
        course_name="Alfabetización digital",
        hours=Decimal("40"),
        completed_on=enrollment.completed_on or date(2021, 1, 1),
        site_name="Sede",
        trainer_name="Formador",
        pdf=b"",
        sha256="0" * 64,
        jws="",
        kid="test",
        status_index=next(_STATUS_INDEXES),
        revoked_at=datetime(2022, 1, 1) if revoked else None,
    )
    db.session.add(cert)
    db.session.flush()
    if supersedes is not None:
        supersedes.superseded_by_id = cert.id
        db.session.flush()
    return cert
