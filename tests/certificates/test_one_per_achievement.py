"""At most one valid document per person and course, or per product where the office says
so (issue 9 part 18): issuing refuses or skips a second one, the course form sets the
choice, and the portal never lists identical documents."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from lms.auth.services import create_token
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment
from tests.conftest import at_once


def _twice(per_product=False, other_course=False):
    """One person who completed a course (or two courses of one product) twice."""
    person = factories.person(document_number="1090777888", birth_date=date(1990, 3, 4))
    course = factories.course(one_document_per_product=per_product)
    other = factories.course(one_document_per_product=per_product) if other_course else course
    first = completed_enrollment(factories.cohort(course=course), person, day=date(2021, 5, 1))
    second = completed_enrollment(factories.cohort(course=other), person, day=date(2021, 9, 1))
    return first, second


def _valid(person_id):
    from lms.courses.models import Enrollment

    return _db.session.scalars(
        select(Certificate.code).join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.person_id == person_id, Certificate.is_valid)).all()


def test_api_refuses_a_second_document_of_the_same_course(client, admin, db):
    first, second = _twice()
    headers = {"Authorization": f"Bearer {create_token(admin, 'logro')}"}
    ok = client.post("/api/v1/certificates", json={"enrollment_id": first.id}, headers=headers)
    assert ok.status_code == 201
    refused = client.post("/api/v1/certificates", json={"enrollment_id": second.id},
                          headers=headers)
    assert refused.status_code == 422
    message = refused.get_json()["detail"]
    assert f"ya tiene un documento vigente del curso {first.cohort.course.code}" in message
    assert ok.get_json()["code"] in message and _valid(first.person_id) == [ok.get_json()["code"]]
    # Once that document is revoked, the other completion may be certified.
    revoked = client.post(f"/api/v1/certificates/{ok.get_json()['code']}/revoke",
                          json={"reason": "Emitido en el grupo equivocado"}, headers=headers)
    assert revoked.status_code == 200
    assert client.post("/api/v1/certificates", json={"enrollment_id": second.id},
                       headers=headers).status_code == 201


def test_cli_batch_issues_only_the_first_completion(runner, db):
    first, second = _twice()
    result = runner.invoke(args=["lms", "issue-certificates"])
    assert result.exit_code == 0, result.output
    assert _db.session.scalars(select(Certificate.enrollment_id)).all() == [first.id]
    again = runner.invoke(args=["lms", "issue-certificates"])
    assert again.exit_code == 0 and _db.session.scalars(
        select(Certificate.enrollment_id)).all() == [first.id]


@pytest.mark.parametrize(("per_product", "documents"), [(True, 1), (False, 2)])
def test_per_product_only_where_the_office_says_so(runner, db, per_product, documents):
    first, _ = _twice(per_product=per_product, other_course=True)
    assert runner.invoke(args=["lms", "issue-certificates"]).exit_code == 0
    assert len(_valid(first.person_id)) == documents


def test_course_form_sets_one_document_per_product(client, login, admin, db):
    factories.indicator(product_code="2301034")
    login(admin)
    response = client.post("/catalogo/cursos/nuevo", data={
        "code": "ALFA-2", "name": "Alfabetización digital II", "description": "",
        "hours": "40", "min_attendance_pct": "80", "grants_document": "y",
        "document_kind": "certificado", "product_code": "2301034", "active": "y",
        "one_document_per_product": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    course = _db.session.scalar(select(Course).where(Course.code == "ALFA-2"))
    assert course.one_document_per_product is True
    assert "Un solo documento vigente por producto" in client.get(
        f"/catalogo/cursos/{course.id}").get_data(as_text=True)


def test_portal_never_lists_identical_documents(client, db):
    from lms.certificates import issue

    first, second = _twice()
    # Two valid documents of one course, as issuing allowed before this rule.
    issue.materialize(issue.frozen_from_enrollments([first.id, second.id]))
    _db.session.commit()
    assert len(_valid(first.person_id)) == 2
    page = client.post("/certificados", data={"document_type": "CC",
                                              "document_number": "1090777888",
                                              "birth_date": "1990-03-04"})
    text = page.get_data(as_text=True)
    codes = [c for c in _valid(first.person_id) if c in text]
    assert len(codes) == 1 and text.count("/certificados/descargar/") == 1


@pytest.mark.postgres
def test_concurrent_issues_for_one_person_leave_one_document(committed):
    app = committed
    with app.app_context():
        first, second = _twice()
        token = create_token(factories.user(role="admin"), "logro")
        _db.session.commit()
        ids, person_id = [first.id, second.id], first.person_id
    headers = {"Authorization": f"Bearer {token}"}
    order, lock = iter(ids * 8), threading.Lock()

    def send(client):
        with lock:
            enrollment_id = next(order)
        return client.post("/api/v1/certificates", headers=headers,
                           json={"enrollment_id": enrollment_id}).status_code

    statuses = at_once(app, send, count=16)
    assert set(statuses) <= {200, 201, 422} and statuses.count(201) == 1, statuses
    with app.app_context():
        assert len(_valid(person_id)) == 1
