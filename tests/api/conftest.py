"""Fixtures for the API's conventions: a bearer header per user."""

import pytest

from lms.auth.services import create_token


@pytest.fixture
def bearer(db):
    """Authorization headers for a user's new API token."""

    def _headers(user):
        return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}

    return _headers
