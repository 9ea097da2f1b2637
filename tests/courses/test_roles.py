"""Every page of the courses domain, as each role and anonymously: the expected status."""

import pytest

from tests import factories

ADMIN_ONLY = [
    "/sedes",
    "/sedes/nueva",
    "/sedes/{site}",
    "/catalogo",
    "/catalogo/cursos/nuevo",
    "/catalogo/cursos/{course}",
    "/catalogo/indicadores/nuevo",
    "/catalogo/indicadores/{indicator}",
    "/grupos/nuevo",
    "/grupos/{cohort}/editar",
    "/sesiones/{session}/editar",
]
#: Pages with the status each role gets; the trainer is assigned to the cohort.
SHARED = {
    "/grupos": {"admin": 200, "trainer": 200, "analyst": 200},
    "/grupos/{cohort}": {"admin": 200, "trainer": 200, "analyst": 200},
    "/grupos/{cohort}/sesiones/nueva": {"admin": 200, "trainer": 200, "analyst": 403},
    "/grupos/{cohort}/sesiones/serie": {"admin": 200, "trainer": 200, "analyst": 403},
    "/grupos/{other}": {"admin": 200, "trainer": 403, "analyst": 200},
    "/grupos/{other}/sesiones/nueva": {"admin": 200, "trainer": 403, "analyst": 403},
}
MATRIX = [(url, "admin", 200) for url in ADMIN_ONLY]
MATRIX += [(url, role, 403) for url in ADMIN_ONLY for role in ("trainer", "analyst")]
MATRIX += [
    (url, role, status) for url, by_role in SHARED.items() for role, status in by_role.items()
]


def _ids(role):
    user = factories.user(role=role)
    trainer = user if role == "trainer" else factories.user(role="trainer")
    cohort = factories.cohort(trainers=[trainer])
    return user, {
        "site": cohort.site.id,
        "course": cohort.course.id,
        "indicator": factories.indicator().id,
        "cohort": cohort.id,
        "other": factories.cohort().id,
        "session": factories.session(cohort).id,
    }


@pytest.mark.parametrize(("url", "role", "status"), MATRIX)
def test_role_matrix(client, login, db, url, role, status):
    user, ids = _ids(role)
    login(user)
    assert client.get(url.format(**ids)).status_code == status


@pytest.mark.parametrize("url", ADMIN_ONLY + list(SHARED))
def test_anonymous_is_sent_to_login(client, db, url):
    _, ids = _ids("admin")
    response = client.get(url.format(**ids))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url", ["/sedes/999999", "/catalogo/cursos/999999", "/grupos/999999", "/sesiones/999999/editar"]
)
def test_missing_records_are_404(client, login, admin, url):
    login(admin)
    assert client.get(url).status_code == 404
