"""Fixtures for the courses tests: seeded catalog, API tokens, upload helpers."""

import io

import openpyxl
import pytest

from lms.auth.services import create_token
from lms.courses.services import seed_catalog
from tests import factories


@pytest.fixture
def catalog(db):
    """The official catalog, comunas/corregimientos and privacy notice."""
    return seed_catalog()


@pytest.fixture
def bearer(db):
    """Authorization headers for a user's new API token."""

    def _headers(user):
        return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}

    return _headers


@pytest.fixture
def other_trainer(db):
    """A trainer with no cohorts."""
    return factories.user(role="trainer")


def xlsx_bytes(rows) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
