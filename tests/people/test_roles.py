"""Who may see whom: admins everyone, trainers the people of their cohorts, analysts nobody."""

import pytest

from tests import factories


@pytest.fixture
def people(db, trainer):
    mine = factories.person()
    other = factories.person()
    factories.enrollment(factories.cohort(trainers=[trainer]), mine)
    factories.enrollment(factories.cohort(), other)
    return mine, other


def test_trainer_sees_only_people_of_their_cohorts(client, login, trainer, people):
    mine, other = people
    login(trainer)
    assert client.get(f"/personas/{mine.id}").status_code == 200
    assert client.get(f"/personas/{other.id}").status_code == 403
    assert client.get(f"/personas/{factories.person().id}").status_code == 403
    for url in (
        "/personas/",
        "/personas/nueva",
        f"/personas/{mine.id}/editar",
        f"/personas/{mine.id}/exportar.json",
        f"/personas/{mine.id}/anonimizar",
        f"/personas/{mine.id}/fusionar",
    ):
        assert client.get(url).status_code == 403, url


def test_trainer_page_hides_other_cohorts_and_sensitive_answers(client, login, trainer, people):
    mine, _ = people
    foreign = factories.enrollment(factories.cohort(), mine)
    login(trainer)
    html = client.get(f"/personas/{mine.id}").text
    assert foreign.cohort.code not in html
    assert "Autoidentificación" not in html and "Exportar" not in html


def test_missing_person_is_404(client, login, admin):
    login(admin)
    assert client.get("/personas/999999").status_code == 404
