"""One document, one person, even under concurrency (issue 9 part 13): simultaneous
registrations of one document create one person; the others get a 409 or 422 in Spanish
naming the field, never a 500, and nothing personal reaches the log. The same for every
service that inserts a row with a unique value (users, sites, courses, cohorts)."""

import logging

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.services import create_token
from lms.auth.sessions import sign_in
from lms.courses.models import Cohort, Course, Site
from lms.extensions import db as _db
from lms.log import logger
from lms.people.models import Person
from lms.people.services import seed_reference_data
from tests import factories
from tests.conftest import at_once

THREADS = 8
DOCUMENT = "1090" + "777888"  # built here, so a traceback's source lines don't show it
PHONE = "300" + "5551234"


@pytest.fixture
def log_lines():
    """Everything the app logs during the test, as text."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    yield lambda: "\n".join(
        f"{r.getMessage()} {getattr(r, 'fields', '')} {r.exc_text or ''}" for r in records)
    logger.removeHandler(handler)


@pytest.mark.postgres
def test_eight_simultaneous_registrations_create_one_person(committed, log_lines):
    app = committed
    with app.app_context():
        seed_reference_data()
        admin = factories.user(role="admin")
        token = create_token(admin, "carrera")
        _db.session.commit()
    body = {"document_type": "CC", "document_number": DOCUMENT, "first_names": "Yurley",
            "last_names": "Contreras Rolón", "birth_date": "1990-05-04", "sex": "F",
            "zone": "urbana", "phone": PHONE, "consent": True}
    headers = {"Authorization": f"Bearer {token}"}
    responses = at_once(app, lambda c: c.post("/api/v1/people", json=body, headers=headers),
                        THREADS)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and all(c in (409, 422) for c in codes if c != 201), codes
    for r in responses:
        if r.status_code != 201:
            error = r.get_json()
            assert error["detail"] == "Ya existe una persona con ese documento."
            assert error["fields"] == {"document_number": [error["detail"]]}
    with app.app_context():
        assert _db.session.scalar(select(func.count(Person.id))) == 1
    logged = log_lines()
    for secret in (DOCUMENT, PHONE, "Yurley", "Contreras", "1990-05-04"):
        assert secret not in logged


def _staff_client(app, user_ident):
    def send(path, data):
        def go(client):
            with client.session_transaction() as session:
                sign_in(session, user_ident)
            return client.post(path, data=data)
        return go
    return send


@pytest.mark.postgres
def test_simultaneous_codes_and_emails_are_refused_in_spanish(committed):
    app = committed
    with app.app_context():
        admin = factories.user(role="admin")
        factories.indicator(product_code="2301031")
        course = factories.course(code="TIC-BASICO")
        site = factories.site(code="CAC-1")
        _db.session.commit()
        ident, course_id, site_id = admin.get_id(), course.id, site.id
    send = _staff_client(app, ident)
    cases = [
        (User, User.email == "nueva@example.org", "/usuarios/nuevo",
         {"email": "nueva@example.org", "name": "Nueva", "role": "trainer",
          "password": "mango-tinto-bicicleta-7", "active": "y"}, "Ya existe un usuario"),
        (Site, Site.code == "CAC-NUEVA", "/sedes/nueva",
         {"code": "CAC-NUEVA", "name": "Nueva", "kind": "cac", "zone": "urbana",
          "area": "Comuna 1", "active": "y"}, "Ya existe"),
        (Course, Course.code == "CURSO-NUEVO", "/catalogo/cursos/nuevo",
         {"code": "CURSO-NUEVO", "name": "Nuevo", "hours": "20", "min_attendance_pct": "80",
          "grants_document": "y", "document_kind": "constancia", "product_code": "2301031",
          "active": "y"}, "Ya existe"),
        (Cohort, Cohort.code == "G-NUEVO", "/grupos/nuevo",
         {"code": "G-NUEVO", "course_id": course_id, "site_id": site_id,
          "start_date": "2026-02-01", "end_date": "2026-06-30", "capacity": "30",
          "modality": "presencial"}, "Ya existe"),
    ]
    for model, where, path, data, message in cases:
        responses = at_once(app, send(path, data), count=4)
        codes = [r.status_code for r in responses]
        assert codes.count(302) == 1, (path, codes)
        for r in responses:
            if r.status_code != 302:
                assert r.status_code in (200, 409, 422), (path, codes)
                assert message in r.get_data(as_text=True), path
        with app.app_context():
            assert _db.session.scalar(
                select(func.count()).select_from(model).where(where)) == 1, path
