"""Birth dates that fit the document (issue 9 part 20): a CC holder born yesterday or a TI
holder born in 1980 is refused; someone at the edge of a document's ages (a TI holder who
just turned 18) is accepted with a warning; impossible dates are refused. The same rule
answers the form, the correction page, the API, the planilla and walk-ins."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.people import services
from lms.people.models import Person
from lms.timeutil import local_today
from tests import factories
from tests.people.helpers import form_data

TODAY = local_today()


def _years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


YESTERDAY = TODAY - timedelta(days=1)
#: (document type, birth date) pairs no real person has.
REFUSED = [
    ("CC", YESTERDAY),
    ("CC", _years_ago(12)),
    ("TI", date(1980, 5, 5)),
    ("TI", _years_ago(3)),
    ("RC", _years_ago(30)),
    ("PPT", TODAY + timedelta(days=1)),
    ("CE", date(1890, 1, 1)),
]
#: A TI holder aged 18 (their CC may be on its way), a CC holder aged 17, an RC holder of 9.
EDGES = [("TI", _years_ago(18, 10)), ("CC", _years_ago(17, 10)), ("RC", _years_ago(9))]
ACCEPTED = [("TI", _years_ago(12)), ("CC", _years_ago(40)), ("RC", _years_ago(4)),
            ("PPT", _years_ago(2)), ("CE", _years_ago(70))]
NUMBER = {"CC": "1090555123", "TI": "1090555123", "RC": "1090555123", "PPT": "AB12345",
          "CE": "E998877"}
GUARDIAN = {"guardian_name": "Rosa Rondón", "guardian_document": "CC 60111222"}


@pytest.fixture
def seeded(db):
    services.seed_reference_data()
    db.session.commit()


def _people(db) -> int:
    return db.session.scalar(select(func.count(Person.id)))


@pytest.mark.parametrize(("doc", "birth"), REFUSED)
def test_form_refuses_with_the_input_kept(client, login, admin, seeded, db, doc, birth):
    login(admin)
    before = _people(db)
    response = client.post("/personas/nueva", data=form_data(
        document_type=doc, document_number=NUMBER[doc], birth_date=birth.isoformat(),
        **GUARDIAN))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "no puede tener" in page or "no es posible" in page
    assert f'value="{birth.isoformat()}"' in page
    assert _people(db) == before


@pytest.mark.parametrize(("doc", "birth"), EDGES)
def test_form_warns_at_the_edges(client, login, admin, seeded, db, doc, birth):
    login(admin)
    response = client.post("/personas/nueva", data=form_data(
        document_type=doc, document_number=NUMBER[doc], birth_date=birth.isoformat(),
        **GUARDIAN), follow_redirects=True)
    assert "Revise el documento" in response.get_data(as_text=True)
    assert services.find_person(doc, NUMBER[doc]) is not None


@pytest.mark.parametrize(("doc", "birth"), ACCEPTED)
def test_expected_ages_pass_quietly(client, login, admin, seeded, db, doc, birth):
    login(admin)
    response = client.post("/personas/nueva", data=form_data(
        document_type=doc, document_number=NUMBER[doc], birth_date=birth.isoformat(),
        **GUARDIAN), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Revise el documento" not in page and "Se registró a" in page


def test_correction_page_applies_the_rule_to_changes_only(client, login, admin, seeded, db):
    # Registered at 16 with a TI years ago; now 23: correcting the phone still works.
    person = factories.person(document_type="TI", document_number="1090555999",
                              birth_date=_years_ago(23))
    login(admin)
    data = form_data(document_type="TI", document_number="1090555999",
                     birth_date=person.birth_date.isoformat(), phone="3110000000")
    assert client.post(f"/personas/{person.id}/editar", data=data).status_code == 302
    changed = client.post(f"/personas/{person.id}/editar",
                          data={**data, "birth_date": "1980-01-01"})
    assert changed.status_code == 200 and "no puede tener" in changed.get_data(as_text=True)
    db.session.refresh(person)
    assert person.birth_date == _years_ago(23)


def test_api_refuses_and_warns(client, admin, seeded, db):
    headers = {"Authorization": f"Bearer {create_token(admin, 'edad')}"}
    body = {"document_type": "CC", "document_number": "1090555123", "first_names": "Ana",
            "last_names": "Pérez", "sex": "F", "zone": "urbana", "consent": True, **GUARDIAN}
    refused = client.post("/api/v1/people", json={**body, "birth_date": YESTERDAY.isoformat()},
                          headers=headers)
    assert refused.status_code == 422
    assert "birth_date" in refused.get_json()["fields"]
    edge = client.post("/api/v1/people", json={
        **body, "document_type": "TI", "birth_date": _years_ago(18, 10).isoformat()},
        headers=headers)
    assert edge.status_code == 201
    assert any("Revise el documento" in w for w in edge.get_json()["warnings"])
    person_id = edge.get_json()["id"]
    patch = client.patch(f"/api/v1/people/{person_id}", json={"birth_date": "1980-01-01"},
                         headers=headers)
    assert patch.status_code == 422 and "birth_date" in patch.get_json()["fields"]


PLANILLA = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,"
            "sexo,fecha_nacimiento,zona,estado,autorizacion_datos,acudiente_nombre,"
            "acudiente_documento\n")


def _planilla(tmp_path, doc, birth):
    path = tmp_path / "planilla.csv"
    path.write_text(PLANILLA + f"TIC-BASICO,G-EDAD,CAC-ATALAYA,2021-03-01,4,{doc},"
                    f"{NUMBER[doc]},Ana,Pérez,F,{birth.isoformat()},urbana,P,si,Rosa Rondón,"
                    "CC 60111222\n", encoding="utf-8")
    return path


def test_planilla_refuses_by_row_and_warns(runner, db, seeded, tmp_path):
    factories.course(code="TIC-BASICO")
    factories.site(code="CAC-ATALAYA")
    db.session.commit()
    refused = runner.invoke(args=["lms", "import-attendance", "--create-new",
                                  str(_planilla(tmp_path, "TI", date(1980, 5, 5)))])
    assert refused.exit_code != 0
    assert "fila 2, columna fecha_nacimiento" in refused.output
    assert "no puede tener" in refused.output
    assert _people(db) == 0
    edge = runner.invoke(args=["lms", "import-attendance", "--create-new",
                               str(_planilla(tmp_path, "TI", _years_ago(18, 10)))])
    assert edge.exit_code == 0, edge.output
    assert "Advertencia" in edge.output and "Revise el documento" in edge.output


def test_walk_in_refuses_and_warns(client, login, trainer, seeded, db):
    cohort = factories.cohort(trainers=[trainer], start_date=TODAY - timedelta(days=7),
                              end_date=TODAY + timedelta(days=30))
    session = factories.session(cohort, day=TODAY)
    db.session.commit()
    login(trainer)
    data = {"document_type": "CC", "document_number": "1090555123", "first_names": "Luis",
            "last_names": "Gómez", "birth_date": YESTERDAY.isoformat(), "sex": "M",
            "zone": "rural", "consent": "y", **GUARDIAN}
    url = f"/sesiones/{session.id}/asistencia/ingreso"
    refused = client.post(url, data=data, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "birth_date" in refused.json["errors"]
    assert _people(db) == 0
    edge = client.post(url, data={**data, "document_type": "TI",
                                  "birth_date": _years_ago(18, 10).isoformat()},
                       headers={"Accept": "application/json"})
    assert edge.status_code == 200
    assert any("Revise el documento" in w for w in edge.json["warnings"])
