"""One person validator: the form, the API, the planilla and a walk-in refuse the same input
with the same message (people.services.clean_person_data and normalize_document)."""

from datetime import date

import pytest
from sqlalchemy import select

from lms.auth.services import create_token
from lms.people import services
from lms.people.models import Person
from tests import factories
from tests.people.helpers import counts, errors, form_data

BAD_EMAILS = ("ana@correo", "ana..perez@correo.co", "ana@correo_tic.co", "ana perez@correo.co")
PLANILLA = (
    "curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,sexo,"
    "fecha_nacimiento,zona,estado,autorizacion_datos,correo\n"
    "{course},G-VAL-01,{site},2021-03-01,4,CC,1090555777,Ana,Pérez,F,1990-05-06,urbana,P,si,"
    "{email}\n"
)


@pytest.fixture
def seeded(db):
    services.seed_reference_data()


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_the_form_and_the_api_refuse_the_same_email(client, login, admin, seeded, db, email):
    login(admin)
    page = client.post("/personas/nueva", data=form_data(email=email))
    assert page.status_code == 200
    assert "Correo electrónico no válido." in errors(page.text)
    assert f'value="{email}"' in page.text
    payload = {**_payload(), "email": email}
    token = create_token(admin, "pruebas")
    response = client.post(
        "/api/v1/people", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert response.json["fields"]["email"] == ["Correo electrónico no válido."]
    assert counts(db) == (0, 0, 0, 0)


@pytest.mark.parametrize("email", BAD_EMAILS[:2])
def test_the_planilla_refuses_the_same_email(runner, seeded, db, tmp_path, email):
    course, site = factories.course(code="TIC-VAL"), factories.site(code="CAC-VAL")
    path = tmp_path / "planilla.csv"
    path.write_text(PLANILLA.format(course=course.code, site=site.code, email=email))
    result = runner.invoke(args=["lms", "import-attendance", str(path), "--create-new"])
    assert result.exit_code == 1
    assert "fila 2, columna correo: Correo electrónico no válido." in result.output
    assert db.session.scalar(select(Person).where(Person.document_number == "1090555777")) is None


def test_a_good_email_passes_everywhere(client, login, admin, seeded, db, runner, tmp_path):
    login(admin)
    response = client.post("/personas/nueva", data=form_data(email="maria.jose@correo.gov.co"))
    assert response.status_code == 302
    assert services.find_person("CC", "1090555123").email == "maria.jose@correo.gov.co"
    course, site = factories.course(code="TIC-VAL"), factories.site(code="CAC-VAL")
    path = tmp_path / "planilla.csv"
    path.write_text(PLANILLA.format(course=course.code, site=site.code, email="ana@correo.co"))
    result = runner.invoke(args=["lms", "import-attendance", str(path), "--create-new"])
    assert result.exit_code == 0, result.output
    assert services.find_person("CC", "1090555777").email == "ana@correo.co"


def test_the_api_explains_a_document_too_long_like_the_form(client, admin, seeded, db):
    token = create_token(admin, "pruebas")
    number = "1" * 35
    response = client.post(
        "/api/v1/people",
        json={**_payload(), "document_type": "CC", "document_number": number},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.json["fields"]["document_number"] == [
        "El número de documento debe tener entre 3 y 20 caracteres."
    ]


def test_areas_match_whatever_the_spacing_and_accents(seeded, db):
    person = services.register_person(
        {**_service_data(), "zone": "rural", "area": "  carmen  DE tonchala "},
        channel="api",
        consent=True,
    )
    assert person.area == "Carmen de Tonchalá"


def _payload() -> dict:
    return {
        "document_type": "CC",
        "document_number": "1090555888",
        "first_names": "Yorgelis",
        "last_names": "Rondón",
        "birth_date": "1995-07-20",
        "sex": "F",
        "zone": "urbana",
        "consent": True,
    }


def _service_data() -> dict:
    return {
        "document_type": "CC",
        "document_number": "1090555999",
        "first_names": "Luz",
        "last_names": "Gil",
        "birth_date": date(1980, 1, 2),
        "sex": "F",
    }
