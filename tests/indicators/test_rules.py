"""The counting rules, observed through the CLI JSON (the contract every surface shares)."""

import json
from datetime import date, datetime

from lms.people.rights import anonymize_person, merge_people
from tests import factories
from tests.indicators.conftest import certify, complete


def figures(runner, *args):
    result = runner.invoke(args=["lms", "indicators", "--json", *args])
    assert result.exit_code == 0, result.output
    return {i["code"]: i for i in json.loads(result.output)["indicators"]}


BASIC, ALFA, GOB = "PDM-2301031", "PDM-2301034", "PDM-2302033"


def test_period_boundaries(runner, plan):
    basic = plan["course"]["basic"]
    for day in (date(2019, 12, 31), date(2024, 1, 1)):
        complete(factories.person(), basic, day)
    complete(factories.person(), basic, date(2020, 1, 1))
    complete(factories.person(), basic, date(2023, 12, 31))
    got = figures(runner)[BASIC]
    assert got["achieved"] == 2
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 0, "2023": 1}


def test_incomplete_and_other_products_do_not_count(runner, plan):
    p = factories.person()
    cohort = factories.cohort(course=plan["course"]["basic"])
    factories.enrollment(cohort, p, status="en_curso")
    other = factories.course(code="OTRO", product_code="9999999")
    complete(factories.person(), other, date(2021, 5, 5))
    assert figures(runner)[BASIC]["achieved"] == 0


def test_two_courses_of_the_same_product_count_once_in_first_year(runner, plan):
    p = factories.person()
    second = factories.course(code="TIC-BASICO-2", product_code="2301031")
    complete(p, plan["course"]["basic"], date(2022, 3, 1))
    complete(p, second, date(2021, 7, 1))
    got = figures(runner)[BASIC]
    assert got["achieved"] == 1
    assert got["by_year"]["2021"] == 1 and got["by_year"]["2022"] == 0


def test_person_in_two_indicators_counts_in_both(runner, plan):
    p = factories.person()
    complete(p, plan["course"]["basic"], date(2020, 3, 1))
    complete(p, plan["course"]["gob"], date(2023, 3, 1))
    got = figures(runner)
    assert got[BASIC]["achieved"] == 1 and got[GOB]["achieved"] == 1
    assert got[GOB]["by_year"]["2023"] == 1


def test_merge_counts_the_survivor_once_in_the_earliest_year(runner, plan, db):
    survivor, duplicate = factories.person(), factories.person()
    complete(survivor, plan["course"]["basic"], date(2022, 1, 10))
    complete(duplicate, plan["course"]["basic"], date(2021, 6, 1))
    assert figures(runner)[BASIC]["achieved"] == 2
    merge_people(survivor, duplicate)  # the people domain's merge: repoint, delete duplicate
    db.session.expire_all()
    got = figures(runner)[BASIC]
    assert got["achieved"] == 1
    assert got["by_year"] == {"2020": 0, "2021": 1, "2022": 0, "2023": 0}


def test_certified_needs_a_valid_chain_and_revoking_removes(runner, plan, db):
    alfa = plan["course"]["alfa"]
    uncertified = complete(factories.person(), alfa, date(2021, 2, 2))  # noqa: F841
    e = complete(factories.person(), alfa, date(2021, 2, 2))
    cert = certify(e)
    assert figures(runner)[ALFA]["achieved"] == 1
    cert.revoked_at = datetime(2022, 5, 5)
    db.session.flush()
    assert figures(runner)[ALFA]["achieved"] == 0


def test_supersede_neither_double_counts_nor_moves_year(runner, plan, db):
    e = complete(factories.person(), plan["course"]["alfa"], date(2020, 11, 30))
    original = certify(e)
    correction = certify(e, supersedes=original)
    # The correction is issued years later and prints a different date: the event stays 2020.
    correction.issued_at = datetime(2023, 6, 1)
    correction.completed_on = date(2023, 6, 1)
    original.revoked_at = datetime(2023, 6, 1)  # revoking a superseded document changes nothing
    db.session.flush()
    got = figures(runner)[ALFA]
    assert got["achieved"] == 1 and got["by_year"]["2020"] == 1 and got["by_year"]["2023"] == 0
    correction.revoked_at = datetime(2023, 7, 1)
    db.session.flush()
    assert figures(runner)[ALFA]["achieved"] == 0


def test_certified_event_is_completion_not_issue_date(runner, plan):
    e = complete(factories.person(), plan["course"]["alfa"], date(2020, 5, 5))
    cert = certify(e)
    cert.issued_at = datetime(2024, 3, 1)
    assert figures(runner)[ALFA]["by_year"]["2020"] == 1


def test_attendance_edit_moves_or_removes_the_person(runner, plan, db):
    e = complete(factories.person(), plan["course"]["basic"], date(2021, 4, 4))
    assert figures(runner)[BASIC]["by_year"]["2021"] == 1
    e.completed_on = date(2022, 1, 15)
    db.session.flush()
    got = figures(runner)[BASIC]
    assert got["by_year"]["2021"] == 0 and got["by_year"]["2022"] == 1
    e.completed_on = None
    e.status = "en_curso"
    db.session.flush()
    assert figures(runner)[BASIC]["achieved"] == 0


def test_anonymised_people_keep_counting(runner, plan, client, admin, login, db):
    p = factories.person(sex="M", birth_date=date(2001, 8, 20), zone="rural", area="Palmarito")
    complete(p, plan["course"]["basic"], date(2021, 4, 4))
    anonymize_person(p)  # the people domain's Ley 1581 anonymisation
    assert figures(runner)[BASIC]["achieved"] == 1
    login(admin)
    body = client.get(f"/indicadores/{BASIC}/personas?by=sex&key=M").get_data(as_text=True)
    assert "(anonimizada)" in body and 'id="people-total">1<' in body
    ages = client.get(f"/indicadores/{BASIC}/personas?by=age_group&key=18-28&zone=rural")
    assert 'id="people-total">1<' in ages.get_data(as_text=True)


def test_year_option_reports_that_years_count(runner, plan):
    complete(factories.person(), plan["course"]["basic"], date(2020, 3, 3))
    complete(factories.person(), plan["course"]["basic"], date(2022, 3, 3))
    complete(factories.person(), plan["course"]["basic"], date(2022, 9, 3))
    got = figures(runner, "--year", "2022")[BASIC]
    assert got["achieved"] == 2 and got["percent"] == round(2 * 100 / 3200, 1)
    assert got["by_year"] == {"2020": 1, "2021": 0, "2022": 2, "2023": 0}
    assert figures(runner)[BASIC]["achieved"] == 3
