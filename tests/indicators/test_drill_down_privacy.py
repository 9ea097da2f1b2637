"""What an analyst reads behind a figure (issue 9 part 7): age group, zone and year (with a
pseudonym), never exact dates, sites, courses or areas; and no list of fewer than 5 people
on a sensitive breakdown (victims, disability, ethnic group, migrants)."""

from datetime import date

import pytest

from lms.people.models import PersonSensitive
from tests import factories
from tests.indicators.conftest import complete

BASIC = "PDM-2301031"


def _victims(plan, n):
    site = factories.site(name="Biblioteca Julio Pérez Ferrero")
    for i in range(n):
        p = factories.person(area="Comuna 8", zone="rural", birth_date=date(1980, 1, 1))
        p.sensitive = PersonSensitive(victim=True, disability=True)
        complete(p, plan["course"]["basic"], date(2022, 4, 4 + i), site=site)


def test_analyst_sees_age_group_zone_and_year_only(client, login, analyst, plan):
    _victims(plan, 6)
    login(analyst)
    response = client.get(f"/indicadores/{BASIC}/personas?by=victim&key=si")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="people-total">6<' in body
    assert body.count("<td>2022</td>") == 6 and "29-59" in body and "Rural" in body
    for secret in ("04/04/2022", "2022-04-04", "Biblioteca Julio", "TIC-BASICO", "Comuna 8",
                   "Femenino"):
        assert secret not in body, secret


def test_admin_still_sees_dates_and_sites(client, login, admin, plan):
    _victims(plan, 2)
    login(admin)
    body = client.get(f"/indicadores/{BASIC}/personas?by=victim&key=si").get_data(as_text=True)
    assert "04/04/2022" in body and "Biblioteca Julio" in body


@pytest.mark.parametrize("by", ["victim", "disability"])
def test_no_sensitive_drill_down_below_five_people(client, login, analyst, plan, by):
    _victims(plan, 4)
    login(analyst)
    response = client.get(f"/indicadores/{BASIC}/personas?by={by}&key=si")
    assert response.status_code == 403
    assert "menos de 5 personas" in response.get_data(as_text=True)
    # Not by narrowing a larger group with the other filters either.
    _victims(plan, 2)
    ok = client.get(f"/indicadores/{BASIC}/personas?by={by}&key=si")
    assert ok.status_code == 200
    narrowed = client.get(f"/indicadores/{BASIC}/personas?by={by}&key=si&month=2022-04&"
                          "until=2022-04&zone=rural&year=2022")
    assert narrowed.status_code == 200  # still 6
    one_day = client.get(f"/indicadores/{BASIC}/personas?by={by}&key=si&month=2022-05")
    assert one_day.status_code == 403
