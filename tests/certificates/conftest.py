"""Fixtures for the certificates tests: completed enrollments and issued documents."""

from datetime import date

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _inline_jobs(app):
    # The rolled-back test session is invisible to other threads: run batches inline.
    app.config["CERT_ISSUE_INLINE"] = True
    yield
    app.config["CERT_ISSUE_INLINE"] = False


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
