"""Registration through the web form: consent, guardian, duplicates, enrolling."""

from datetime import date

from sqlalchemy import select

from lms.courses.models import Enrollment
from lms.people import services
from lms.people.models import Person
from tests import factories
from tests.people.helpers import counts, errors, form_data


def _seeded(db):
    services.seed_reference_data()


def test_register_shows_notice_and_sensitive_fieldset(client, login, admin, db):
    _seeded(db)
    login(admin)
    html = client.get("/personas/nueva").text
    assert "Aviso de privacidad (versión 2024-01)" in html
    assert "Ley 1581 de 2012" in html
    assert "Autoidentificación (OPCIONAL)" in html
    assert "Prefiero no responder" in html
    assert "PPT — Permiso por protección temporal" in html
    assert 'label="Corregimientos (zona rural)"' in html and "Carmen de Tonchalá" in html


def test_register_records_consent_provably(client, login, admin, db):
    _seeded(db)
    login(admin)
    response = client.post(
        "/personas/nueva", data=form_data(document_number="1.090-555 124", victim="si")
    )
    assert response.status_code == 302
    person = services.find_person("CC", "1090555124")
    assert person.document_number == "1090555124"
    assert person.area == "Comuna 6"
    assert person.sensitive.victim is True and person.sensitive.migrant is None
    (consent,) = person.consents
    assert (consent.notice.version, consent.channel, consent.recorded_by_id) == (
        "2024-01",
        "form",
        admin.id,
    )
    assert consent.granted_at.date() == date.today() or consent.granted_at is not None
    page = client.get(response.headers["Location"]).text
    assert "2024-01" in page and "Formulario web" in page and admin.name in page


def test_register_without_sensitive_answers_stores_nothing_sensitive(client, login, admin, db):
    _seeded(db)
    login(admin)
    client.post("/personas/nueva", data=form_data())
    assert services.find_person("CC", "1090555123").sensitive is None


def test_register_with_cohort_enrolls_in_one_request(client, login, admin, db):
    _seeded(db)
    login(admin)
    cohort = factories.cohort()
    response = client.post(f"/personas/nueva?grupo={cohort.id}", data=form_data())
    assert response.status_code == 302
    person = services.find_person("CC", "1090555123")
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
    assert enrollment.cohort_id == cohort.id and enrollment.status == "inscrito"
    page = client.get(response.headers["Location"]).text
    assert cohort.code in page


def test_register_in_full_cohort_saves_nothing(client, login, admin, db):
    _seeded(db)
    login(admin)
    cohort = factories.cohort(capacity=0)
    before = counts(db)
    response = client.post(f"/personas/nueva?grupo={cohort.id}", data=form_data())
    assert response.status_code == 200
    assert f"El grupo {cohort.code} está lleno" in " ".join(errors(response.text))
    assert counts(db) == before


def test_duplicate_document_is_refused_with_link_to_existing(client, login, admin, db):
    _seeded(db)
    login(admin)
    existing = factories.person(document_type="CC", document_number="1090555123")
    cohort = factories.cohort()
    before = counts(db)
    response = client.post(
        f"/personas/nueva?grupo={cohort.id}",
        data=form_data(document_number="1.090.555.123", first_names="Otra"),
    )
    assert response.status_code == 200
    assert "Ya existe una persona con ese documento." in errors(response.text)
    assert f"/personas/{existing.id}?grupo={cohort.id}" in response.text
    assert 'value="Otra"' in response.text
    assert counts(db) == before


def test_minor_without_guardian_is_refused_and_input_kept(client, login, admin, db):
    _seeded(db)
    login(admin)
    before = counts(db)
    data = form_data(document_type="TI", document_number="1.092.000.111", birth_date="2012-05-01")
    response = client.post("/personas/nueva", data=data)
    assert "Es menor de edad: escriba el nombre del acudiente que autoriza." in errors(
        response.text
    )
    assert 'value="1.092.000.111"' in response.text
    assert counts(db) == before
    data.update(guardian_name="Rosa Peña", guardian_document="CC 60.123.456")
    assert client.post("/personas/nueva", data=data).status_code == 302
    consent = services.find_person("TI", "1092000111").consents[0]
    assert (consent.guardian_name, consent.guardian_document) == ("Rosa Peña", "CC 60123456")


def test_no_consent_is_refused(client, login, admin, db):
    _seeded(db)
    login(admin)
    before = counts(db)
    response = client.post("/personas/nueva", data=form_data(consent=None))
    assert "Se requiere la autorización para el tratamiento de datos personales." in errors(
        response.text
    )
    assert counts(db) == before


def test_bad_document_and_date_are_explained(client, login, admin, db):
    _seeded(db)
    login(admin)
    response = client.post(
        "/personas/nueva", data=form_data(document_number="12AB45", birth_date="14/03/85")
    )
    found = errors(response.text)
    assert "No es una fecha válida." in found or any("fecha" in e.lower() for e in found)
    response = client.post("/personas/nueva", data=form_data(document_number="12AB45"))
    assert "El número de cédula de ciudadanía solo puede tener dígitos." in errors(response.text)
    assert counts(db)[0] == 0


def test_search_by_document_and_accent_insensitive_name(client, login, admin, db):
    login(admin)
    factories.person(first_names="Jesús Ángel", last_names="Núñez", document_number="88001234")
    factories.person(first_names="Ana", last_names="Pérez", document_number="77001234")
    for q, present, absent in (
        ("88.001", "Jesús Ángel", "Pérez"),
        ("jesus nunez", "Jesús Ángel", "Pérez"),
        ("ÁNGEL", "Jesús Ángel", "Pérez"),
        ("perez", "Ana", "Jesús"),
        ("PÉREZ ana", "Ana", "Jesús"),
    ):
        html = client.post("/personas/", data={"q": q}).text
        assert present in html and absent not in html, q
        # A query string is not a search: document numbers never travel in URLs.
        assert absent in client.get("/personas/", query_string={"q": q}).text


def test_search_is_paginated(client, login, admin, db):
    login(admin)
    for n in range(30):
        factories.person(last_names=f"Gómez {n:02d}")
    first = client.post("/personas/", data={"q": "gomez"}).text
    second = client.post("/personas/", data={"q": "gomez", "page": "2"}).text
    assert 'name="page" value="2"' in first and "?q=" not in first
    assert "30 personas" in first and "1 / 2" in first
    assert "Gómez 29" in second and "Gómez 29" not in first


def test_edit_corrects_data_and_is_audited(client, login, admin, db):
    from lms.audit.models import AuditEntry

    _seeded(db)
    login(admin)
    person = factories.person(document_number="55001234", last_names="Peres")
    data = form_data(document_number="55.001.234", last_names="Pérez", consent=None)
    response = client.post(f"/personas/{person.id}/editar", data=data)
    assert response.status_code == 302
    assert person.last_names == "Pérez"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "people", AuditEntry.action == "update")
    ).all()[-1]
    assert entry.changes["last_names"] == ["Peres", "Pérez"] and entry.actor_id == admin.id


def test_edit_to_existing_document_is_refused(client, login, admin, db):
    _seeded(db)
    login(admin)
    factories.person(document_number="55001234")
    person = factories.person(document_number="55001235")
    response = client.post(
        f"/personas/{person.id}/editar", data=form_data(document_number="55001234")
    )
    assert "Ya existe una persona con ese documento." in errors(response.text)
    assert db.session.get(Person, person.id).document_number == "55001235"
