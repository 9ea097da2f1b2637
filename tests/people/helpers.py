"""Shared bits for the people tests."""

from sqlalchemy import func, select

from lms.courses.models import Enrollment
from lms.people.models import Consent, Person, PersonSensitive


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
