"""Numbers, dates and times as people in Colombia read them (lms/formatting.py), on the pages
that showed UTC, ISO dates or decimal points: Bogotá is UTC-5 all year, so a document issued
at 03:05 UTC on 1 August was issued at 22:05 on 31 July in Cúcuta."""

import re
from datetime import date, datetime
from decimal import Decimal

from lms.audit.models import AuditEntry
from lms.extensions import db as _db
from lms.tasks import TaskRecord
from tests import factories
from tests.certificates.conftest import completed_enrollment

NBSP = "\u00a0"
#: 03:05 UTC on 1 August 2021: still 31 July in Bogotá.
STORED = datetime(2021, 8, 1, 3, 5, 7)
SHOWN = "31/07/2021 22:05"


def _issued_late_at_night(db):
    from lms.certificates.issue import issue_for

    person = factories.person(first_names="Ana", last_names="Ruiz")
    cert = issue_for(completed_enrollment(factories.cohort(), person, day=date(2021, 7, 30)))
    cert.issued_at = STORED
    _db.session.flush()
    return cert


def _no_utc_or_iso(body: str) -> None:
    assert "UTC" not in body
    assert "2021-08-01" not in body and "2021-07-30" not in body


def test_verification_page_shows_bogota_time_and_day_first_dates(client, db):
    cert = _issued_late_at_night(db)
    body = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert SHOWN in body
    assert "30/07/2021" in body  # completed on
    _no_utc_or_iso(body)


def test_certificate_detail_shows_bogota_time(client, login, admin, db):
    cert = _issued_late_at_night(db)
    login(admin)
    body = client.get(f"/admin/certificados/{cert.code}").get_data(as_text=True)
    assert SHOWN in body and "30/07/2021" in body
    assert re.search(r"<dd[^>]*>20" + NBSP + "h</dd>", body)  # hours with their unit
    _no_utc_or_iso(body)


def test_consent_records_show_bogota_time(client, login, admin, db):
    person = factories.person(first_names="Luz", birth_date=date(1990, 7, 31))
    person.consents[0].granted_at = STORED
    _db.session.flush()
    login(admin)
    body = client.get(f"/personas/{person.id}").get_data(as_text=True)
    assert f"<td>{SHOWN}</td>" in body
    assert "31/07/1990" in body and "1990-07-31" not in body


def test_audit_log_shows_bogota_time(client, login, admin, db):
    _db.session.add(AuditEntry(at=STORED, actor_id=admin.id, action="update", entity="sites",
                               entity_id=1, changes={"name": ["A", "B"]}))
    _db.session.flush()
    login(admin)
    body = client.get("/auditoria/").get_data(as_text=True)
    assert f"{SHOWN}:07" in body and "2021-08-01" not in body


def test_tasks_page_shows_bogota_time(client, login, admin, db):
    _db.session.add(TaskRecord(name="lms.mail.deliver", args=[1], state="failed", attempts=9,
                               created_at=STORED))
    _db.session.flush()
    login(admin)
    body = client.get("/admin/tareas").get_data(as_text=True)
    assert f"{SHOWN}:07" in body and "2021-08-01" not in body


def test_dashboard_percent_has_a_decimal_comma(client, login, analyst, db):
    from tests.indicators.conftest import complete

    ind = factories.indicator(code="PDM-TEST", product_code="9999", goal=7)
    course = factories.course(product_code="9999")
    for i in range(3):
        complete(factories.person(), course, date(2021, 5, 1 + i))
    login(analyst)
    body = client.get("/indicadores").get_data(as_text=True)
    assert ind.code in body
    assert f"42,9{NBSP}%" in body  # 3 of 7
    assert ">42.9" not in body  # the meter's value="42.9" is for machines


def test_hours_read_as_people_write_them(client, login, admin, db):
    cohort = factories.cohort()
    factories.session(cohort, day=cohort.start_date, hours=Decimal("1.5"))
    factories.session(cohort, day=date(cohort.start_date.year, cohort.start_date.month, 28),
                      hours="2")
    login(admin)
    body = client.get(f"/grupos/{cohort.id}").get_data(as_text=True)
    assert f">1,5{NBSP}h<" in body and f">2{NBSP}h<" in body
    assert "1.50" not in body and "2.00" not in body
    assert cohort.start_date.strftime("%d/%m/%Y") in body
