"""The cohort list for offices with hundreds of groups: search, filters kept in the form,
pagination that keeps them, a trainer's own groups only, and a constant number of queries."""

import re
from datetime import date, timedelta

from lms.timeutil import local_today
from tests import factories
from tests.conftest import statements_of


def _codes(html: str) -> list[str]:
    return re.findall(r'<a href="/grupos/\d+">([^<]+)</a>', html)


def _office(trainer):
    """Two courses at two sites, cohorts past, running and upcoming."""
    today = local_today()
    excel = factories.course(name="Excel para el trabajo")
    basic = factories.course(name="Uso básico de las TIC")
    library = factories.site(name="Biblioteca Julio Pérez Ferrero")
    cac = factories.site(name="CAC La Libertad")
    other = factories.user(role="trainer", name="Otro Formador")
    return {
        "past": factories.cohort(code="EX-2021", course=excel, site=library, trainers=[trainer],
                                 start_date=date(2021, 2, 1), end_date=date(2021, 3, 1)),
        "running": factories.cohort(code="EX-HOY", course=excel, site=cac, trainers=[other],
                                    start_date=today - timedelta(days=5),
                                    end_date=today + timedelta(days=20)),
        "upcoming": factories.cohort(code="UB-PRONTO", course=basic, site=library,
                                     trainers=[trainer], start_date=today + timedelta(days=9),
                                     end_date=today + timedelta(days=40)),
        "excel": excel, "library": library, "other": other,
    }


def test_filters_by_course_site_trainer_year_and_state(client, login, admin, trainer):
    office = _office(trainer)
    login(admin)

    def codes(query):
        return sorted(_codes(client.get("/grupos" + query).get_data(as_text=True)))

    assert codes("") == ["EX-2021", "EX-HOY", "UB-PRONTO"]
    assert codes(f"?curso={office['excel'].id}") == ["EX-2021", "EX-HOY"]
    assert codes(f"?sede={office['library'].id}") == ["EX-2021", "UB-PRONTO"]
    assert codes(f"?formador={office['other'].id}") == ["EX-HOY"]
    assert codes("?anio=2021") == ["EX-2021"]
    assert codes("?estado=terminado") == ["EX-2021"]
    assert codes("?estado=en_curso") == ["EX-HOY"]
    assert codes("?estado=proximo") == ["UB-PRONTO"]
    assert codes(f"?curso={office['excel'].id}&sede={office['library'].id}") == ["EX-2021"]


def test_search_matches_code_course_and_site_names(client, login, admin, trainer):
    _office(trainer)
    login(admin)
    assert _codes(client.get("/grupos?q=pronto").get_data(as_text=True)) == ["UB-PRONTO"]
    assert sorted(_codes(client.get("/grupos?q=excel").get_data(as_text=True))) == [
        "EX-2021", "EX-HOY"]
    assert _codes(client.get("/grupos?q=libertad").get_data(as_text=True)) == ["EX-HOY"]
    html = client.get("/grupos?q=100%25").get_data(as_text=True)
    assert _codes(html) == [] and "Ningún grupo coincide" in html


def test_filters_stay_in_the_form_and_in_the_page_links(client, login, admin, trainer):
    office = _office(trainer)
    for n in range(30):
        factories.cohort(code=f"EX-{n:03}", course=office["excel"])
    login(admin)
    html = client.get(f"/grupos?q=EX&curso={office['excel'].id}&estado=en_curso").get_data(
        as_text=True)
    assert re.search(r'<input[^>]*name="q"[^>]*value="EX"', html)
    assert re.search(rf'<option selected value="{office["excel"].id}">', html)
    assert re.search(r'<option selected value="en_curso">', html)
    assert "31 grupos" in html
    link = re.search(r'href="(/grupos\?[^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert f"curso={office['excel'].id}" in link and "q=EX" in link and "estado=en_curso" in link
    second = client.get(link).get_data(as_text=True)
    assert len(_codes(second)) == 6


def test_bad_filter_is_named_and_ignored_never_a_500(client, login, admin, trainer):
    _office(trainer)
    login(admin)
    response = client.get("/grupos?curso=abc&anio=1800&estado=raro")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(_codes(html)) == 3
    assert html.count("Opción inválida.") == 3
    assert re.search(r'id="curso-err"', html) and re.search(r'id="estado-err"', html)


def test_trainer_sees_and_filters_only_own_cohorts(client, login, trainer):
    office = _office(trainer)
    login(trainer)
    html = client.get("/grupos").get_data(as_text=True)
    assert sorted(_codes(html)) == ["EX-2021", "UB-PRONTO"]
    assert 'name="formador"' not in html
    # Filtering by another trainer's id cannot reveal their cohorts.
    html = client.get(f"/grupos?formador={office['other'].id}&estado=en_curso").get_data(
        as_text=True)
    assert _codes(html) == []
    assert "CAC La Libertad" not in html


def test_hundreds_of_cohorts_take_a_constant_number_of_queries(client, login, admin, trainer):
    office = _office(trainer)
    login(admin)
    url = f"/grupos?q=EX&curso={office['excel'].id}&page=2"
    for n in range(30):
        factories.cohort(code=f"EX-{n:03}", course=office["excel"], trainers=[trainer])
    statements_of(client, url)  # warm-up: the first request of a session loads settings once
    few = statements_of(client, url)
    for n in range(30, 300):
        cohort = factories.cohort(code=f"EX-{n:03}", course=office["excel"],
                                  site=office["library"], trainers=[trainer, office["other"]])
        if n % 10 == 0:
            factories.enrollment(cohort)
    assert "13 grupos" not in client.get(url).get_data(as_text=True)
    assert statements_of(client, url) == few
    assert few <= 12
