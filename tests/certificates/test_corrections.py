"""Corrections stay true (issue 9 part 15): hours up to the course's, a completion date
neither future nor before the cohort's start, bounded text; through the admin form, the API
and the CLI, with a Spanish message naming the field and nothing written."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from lms.timeutil import local_today


def _form(cert, **changes):
    data = {"holder_name": cert.holder_name, "document_type": cert.document_type,
            "document_number": cert.document_number, "course_name": cert.course_name,
            "hours": str(cert.hours), "completed_on": cert.completed_on.isoformat(),
            "site_name": cert.site_name, "trainer_name": cert.trainer_name}
    return {**data, **changes}


def _unchanged(cert):
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count(Certificate.id))) == 1
    assert _db.session.get(Certificate, cert.id).is_valid


@pytest.mark.parametrize(("changes", "message"), [
    ({"hours": "9999"}, "no pasar de las 20 del curso"),
    ({"hours": "20.5"}, "no pasar de las 20 del curso"),
    ({"completed_on": (local_today() + timedelta(days=1)).isoformat()}, "no puede ser futura"),
    ({"completed_on": "2030-01-01"}, "no puede ser futura"),
    ({"completed_on": "2021-01-31"}, "anterior al inicio del grupo (01/02/2021)"),
    ({"holder_name": "X"}, "nombre completo"),
    ({"site_name": "S" * 161}, "no puede tener más de 160 caracteres"),
    ({"document_type": "CC", "document_number": "12AB"}, "número"),
])
def test_admin_form_refuses_absurd_corrections(client, login, admin, issued, changes, message):
    login(admin)
    page = client.post(f"/admin/certificados/{issued.code}/corregir", data=_form(issued, **changes))
    text = page.get_data(as_text=True)
    assert page.status_code in (200, 422) and message in text, text[-3000:]
    assert next(iter(changes.values()))[:100] in text  # the typed value is kept
    _unchanged(issued)


def test_admin_form_accepts_a_sane_correction(client, login, admin, issued):
    login(admin)
    page = client.post(f"/admin/certificados/{issued.code}/corregir",
                       data=_form(issued, hours="12.5", completed_on="2021-05-20"))
    assert page.status_code == 302
    _db.session.expire_all()
    new = _db.session.get(Certificate, _db.session.get(Certificate, issued.id).superseded_by_id)
    assert (str(new.hours), new.completed_on) == ("12.50", date(2021, 5, 20))


def test_api_and_cli_refuse_a_reissue_with_impossible_dates(client, runner, admin, issued,
                                                            completed):
    headers = {"Authorization": f"Bearer {create_token(admin, 'correcciones')}"}
    completed.completed_on = date(2030, 1, 1)
    _db.session.flush()
    refused = client.post(f"/api/v1/certificates/{issued.code}/correct", headers=headers)
    assert refused.status_code == 422
    error = refused.get_json()
    assert "completed_on" in error["fields"] and "no puede ser futura" in error["detail"]
    _unchanged(issued)
    completed.completed_on = date(2020, 12, 1)
    _db.session.flush()
    result = runner.invoke(args=["lms", "correct-certificate", issued.code])
    assert result.exit_code == 1 and "anterior al inicio del grupo" in result.output
    _unchanged(issued)
