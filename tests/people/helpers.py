"""Shared bits for the people tests."""

from datetime import date

from sqlalchemy import func, select

from lms.courses.models import Enrollment
from lms.people.models import Consent, Person, PersonSensitive
from tests import factories


def merge_pair():
    """An adult CC holder and a child's TI record: the one-click merge accident of issue 9."""
    survivor = factories.person(document_type="CC", document_number="1090000001",
                                first_names="Carlos", last_names="Pérez",
                                birth_date=date(1990, 4, 4), email=None)
    duplicate = factories.person(document_type="TI", document_number="1090000002",
                                 first_names="Camila", last_names="Pérez Rojas",
                                 birth_date=date(2012, 8, 8), email="camila@example.org")
    return survivor, duplicate


def form_data(**kw) -> dict:
    """A valid registration form for an adult."""
    data = {
        "document_type": "CC",
        "document_number": "1.090.555.123",
        "first_names": "María José",
        "last_names": "Núñez Peña",
        "birth_date": "1985-03-14",
        "sex": "F",
        "zone": "urbana",
        "area": "Comuna 6",
        "barrio": "Aeropuerto",
        "phone": "3001234567",
        "email": "maria@example.org",
        "consent": "y",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def counts(db) -> tuple[int, int, int, int]:
    """Rows in the tables a registration writes to."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Consent, PersonSensitive, Enrollment)
    )


def errors(html: str) -> list[str]:
    """The Spanish error messages shown next to fields or at the top of a form."""
    import re

    found = re.findall(r'class="invalid-feedback d-block">([^<]*)<', html)
    found += re.findall(r'<p class="mb-0">([^<]*)</p>', html)
    return found
