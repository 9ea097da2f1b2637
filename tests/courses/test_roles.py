"""Courses pages that name a record that does not exist (roles: tests/test_access.py)."""

import pytest


@pytest.mark.parametrize(
    "url", ["/sedes/999999", "/catalogo/cursos/999999", "/grupos/999999", "/sesiones/999999/editar"]
)
def test_missing_records_are_404(client, login, admin, url):
    login(admin)
    assert client.get(url).status_code == 404
