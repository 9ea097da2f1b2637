"""The counting rules, observed through the CLI JSON and GET /api/v1/indicators, which agree.

Changes go through the real services: marks through the attendance API (whose completion
rule sets the dates), documents through issue/revoke/supersede, people through merge and
anonymise.
"""

import json
from datetime import date
from itertools import count

import pytest

from lms.auth.services import create_token
from lms.certificates.issue import issue_for
from lms.certificates.lifecycle import revoke, supersede
from lms.people.merging import merge_people
from lms.people.rights import anonymize_person
from tests import factories
from tests.indicators.conftest import complete


@pytest.fixture
def headers(admin):
    return {"Authorization": f"Bearer {create_token(admin, 'pruebas')}"}


@pytest.fixture
def figures(runner, client, headers):
    """Read the indicators from the CLI JSON, check the API says the same, key them by code."""

    def read(year=None):
        args = ["--year", str(year)] if year else []
        result = runner.invoke(args=["lms", "indicators", "--json", *args])
        assert result.exit_code == 0, result.output
        cli = json.loads(result.output)["indicators"]
        query = {"year": year} if year else {}
        res = client.get("/api/v1/indicators", query_string=query, headers=headers)
        assert res.status_code == 200, res.get_data(as_text=True)
        assert res.get_json()["indicators"] == cli
        return {i["code"]: i for i in cli}

    return read


BASIC, ALFA, GOB = "PDM-2301031", "PDM-2301034", "PDM-2302033"


def test_period_boundaries(figures, plan):
    basic = plan["course"]["basic"]
    for day in (date(2019, 12, 31), date(2024, 1, 1)):
        complete(factories.person(), basic, day)
    complete(factories.person(), basic, date(2020, 1, 1))
    complete(factories.person(), basic, date(2023, 12, 31))
    got = figures()[BASIC]
    assert got["achieved"] == 2
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 0, "2023": 1}


def test_incomplete_and_other_products_do_not_count(figures, plan):
    p = factories.person()
    cohort = factories.cohort(course=plan["course"]["basic"])
    factories.enrollment(cohort, p, status="en_curso")
    other = factories.course(code="OTRO", product_code="9999999")
    complete(factories.person(), other, date(2021, 5, 5))
    assert figures()[BASIC]["achieved"] == 0


def test_two_courses_of_the_same_product_count_once_in_first_year(figures, plan):
    p = factories.person()
    second = factories.course(code="TIC-BASICO-2", product_code="2301031")
    complete(p, plan["course"]["basic"], date(2022, 3, 1))
    complete(p, second, date(2021, 7, 1))
    got = figures()[BASIC]
    assert got["achieved"] == 1
    assert got["by_year"]["2021"] == 1 and got["by_year"]["2022"] == 0


def test_person_in_two_indicators_counts_in_both(figures, plan):
    p = factories.person()
    complete(p, plan["course"]["basic"], date(2020, 3, 1))
    complete(p, plan["course"]["gob"], date(2023, 3, 1))
    got = figures()
    assert got[BASIC]["achieved"] == 1 and got[GOB]["achieved"] == 1
    assert got[GOB]["by_year"]["2023"] == 1


def test_merge_counts_the_survivor_once_in_the_earliest_year(figures, plan, db):
    survivor, duplicate = factories.person(), factories.person()
    complete(survivor, plan["course"]["basic"], date(2022, 1, 10))
    complete(duplicate, plan["course"]["basic"], date(2021, 6, 1))
    assert figures()[BASIC]["achieved"] == 2
    merge_people(survivor, duplicate)  # the people domain's merge: repoint, delete duplicate
    db.session.expire_all()
    got = figures()[BASIC]
    assert got["achieved"] == 1
    assert got["by_year"] == {"2020": 0, "2021": 1, "2022": 0, "2023": 0}


def test_certified_needs_a_valid_chain_and_revoking_removes(figures, plan):
    alfa = plan["course"]["alfa"]
    complete(factories.person(), alfa, date(2021, 2, 2))  # completed, never certified
    cert = issue_for(complete(factories.person(), alfa, date(2021, 2, 2)))
    assert figures()[ALFA]["achieved"] == 1
    revoke(cert, "Emitido por error")
    assert figures()[ALFA]["achieved"] == 0


def test_supersede_neither_double_counts_nor_moves_year(figures, plan):
    alfa = plan["course"]["alfa"]
    original = issue_for(complete(factories.person(), alfa, date(2020, 11, 30)))
    # The correction is issued today and prints another completion date: the event stays 2020.
    correction = supersede(original, {"completed_on": date(2023, 6, 1)})
    assert original.superseded_by_id == correction.id
    assert correction.completed_on == date(2023, 6, 1)
    revoke(original, "Versión corregida")  # revoking a superseded document changes nothing
    # Only a chain's latest document counts: this original stays unrevoked, its fix does not.
    other = issue_for(complete(factories.person(), alfa, date(2021, 2, 2)))
    revoke(supersede(other, {"holder_name": "Nombre Corregido"}), "Emitido por error")
    got = figures()[ALFA]
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 0, "2023": 0}
    revoke(correction, "Documento anulado")
    assert figures()[ALFA]["achieved"] == 0


def test_certified_event_is_completion_not_issue_date(figures, plan):
    cert = issue_for(complete(factories.person(), plan["course"]["alfa"], date(2020, 5, 5)))
    assert cert.issued_at.date() > date(2023, 12, 31)  # issued today, after the period
    got = figures()[ALFA]
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 0, "2023": 0}


def test_attendance_edit_moves_or_removes_the_person(figures, plan, client, headers):
    # TIC-BASICO: 20 hours at 80% = 16 hours, four of these 4-hour sessions.
    cohort = factories.cohort(course=plan["course"]["basic"], start_date=date(2021, 3, 1),
                              end_date=date(2022, 6, 30))
    days = (date(2021, 3, 1), date(2021, 3, 8), date(2021, 3, 15), date(2021, 4, 4),
            date(2022, 1, 15))
    sessions = [factories.session(cohort, day) for day in days]
    person = factories.person()
    factories.enrollment(cohort, person)
    mark_ids = count(1)

    def mark(*statuses):
        for session, status in zip(sessions, statuses, strict=True):
            item = {"document_type": person.document_type, "status": status,
                    "document_number": person.document_number, "mark_id": f"m{next(mark_ids)}"}
            res = client.put(f"/api/v1/sessions/{session.id}/attendance", json=[item],
                             headers=headers)
            assert res.status_code == 200, res.get_data(as_text=True)

    mark("presente", "tarde", "presente", "presente", "ausente")  # 16 h on 2021-04-04
    assert figures()[BASIC]["by_year"] == {"2020": 0, "2021": 1, "2022": 0, "2023": 0}
    mark("presente", "ausente", "presente", "presente", "presente")  # 16 h only on 2022-01-15
    got = figures()[BASIC]
    assert got["by_year"] == {"2020": 0, "2021": 0, "2022": 1, "2023": 0}
    mark("presente", "ausente", "excusa", "presente", "presente")  # 12 h: not complete
    assert figures()[BASIC]["achieved"] == 0


def test_anonymised_people_keep_counting(figures, plan, client, admin, login):
    p = factories.person(sex="M", birth_date=date(2001, 8, 20), zone="rural", area="Palmarito")
    complete(p, plan["course"]["basic"], date(2021, 4, 4))
    anonymize_person(p)  # the people domain's Ley 1581 anonymisation
    assert figures()[BASIC]["achieved"] == 1
    login(admin)
    body = client.get(f"/indicadores/{BASIC}/personas?by=sex&key=M").get_data(as_text=True)
    assert "(anonimizada)" in body and 'id="people-total">1<' in body
    ages = client.get(f"/indicadores/{BASIC}/personas?by=age_group&key=18-28&zone=rural")
    assert 'id="people-total">1<' in ages.get_data(as_text=True)


def test_year_option_reports_that_years_count(figures, plan):
    complete(factories.person(), plan["course"]["basic"], date(2020, 3, 3))
    complete(factories.person(), plan["course"]["basic"], date(2022, 3, 3))
    complete(factories.person(), plan["course"]["basic"], date(2022, 9, 3))
    got = figures(2022)[BASIC]
    assert got["achieved"] == 2 and got["percent"] == round(2 * 100 / 3200, 1)
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 2, "2023": 0}
    assert figures()[BASIC]["achieved"] == 3
