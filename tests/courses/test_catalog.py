"""Catalog: seed-catalog idempotence, indicator and course CRUD with their Spanish errors."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.courses.models import Course, PlanIndicator
from tests import factories

COURSE = {
    "code": "NUEVO-1",
    "name": "Curso nuevo",
    "description": "",
    "hours": "20",
    "min_attendance_pct": "80",
    "grants_document": "y",
    "document_kind": "constancia",
    "product_code": "2301031",
    "active": "y",
}


def counts(db):
    return (
        db.session.scalar(select(func.count(PlanIndicator.id))),
        db.session.scalar(select(func.count(Course.id))),
    )


def test_seed_catalog_creates_the_official_catalog_once(runner, db):
    first = runner.invoke(args=["lms", "seed-catalog"])
    assert first.exit_code == 0, first.output
    assert "Indicadores: 3 creados" in first.output and "Cursos: 3 creados" in first.output
    assert "Datos de referencia de personas:" in first.output
    indicators = {i.product_code: i for i in db.session.scalars(select(PlanIndicator))}
    assert {p: (i.goal, i.rule) for p, i in indicators.items()} == {
        "2301031": (3200, "completed"),
        "2301034": (350, "certified"),
        "2302033": (315, "completed"),
    }
    assert all(
        (i.period_start, i.period_end) == (date(2020, 1, 1), date(2023, 12, 31))
        for i in indicators.values()
    )
    assert indicators["2301034"].code == "2301034-PCAD"
    courses = {c.code: c for c in db.session.scalars(select(Course))}
    assert {
        code: (c.product_code, c.hours, c.document_kind, c.min_attendance_pct, c.auto_issue)
        for code, c in courses.items()
    } == {
        "TIC-BASICO": ("2301031", Decimal("20.00"), "constancia", 80, False),
        "ALFA-DIGITAL": ("2301034", Decimal("40.00"), "certificado", 80, False),
        "GOB-DIGITAL": ("2302033", Decimal("12.00"), "constancia", 80, False),
    }
    assert courses["GOB-DIGITAL"].name == "Gobierno Digital para la ciudadanía"

    courses["TIC-BASICO"].name = "Editado por la oficina"
    db.session.flush()
    before = counts(db)
    second = runner.invoke(args=["lms", "seed-catalog"])
    assert second.exit_code == 0, second.output
    assert "Indicadores: 0 creados" in second.output and "3 ya existían" in second.output
    assert "Cursos: 0 creados" in second.output
    assert counts(db) == before
    assert db.session.scalar(select(Course.name).where(Course.code == "TIC-BASICO")) == (
        "Editado por la oficina"
    )


def test_admin_creates_a_course(client, login, admin, catalog, db):
    login(admin)
    assert "2301031 · Servicio de educación informal" in client.get(
        "/catalogo/cursos/nuevo"
    ).get_data(as_text=True)
    response = client.post("/catalogo/cursos/nuevo", data={**COURSE, "hours": "2,5"})
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "NUEVO-1"))
    assert (course.hours, course.grants_document, course.active) == (Decimal("2.50"), True, True)
    assert "NUEVO-1" in client.get("/catalogo").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"hours": "0"}, "Las horas del curso deben ser un número mayor que 0."),
        ({"hours": "-3"}, "Las horas del curso deben ser un número mayor que 0."),
        (
            {"min_attendance_pct": "120"},
            "La asistencia mínima debe ser un porcentaje entre 1 y 100.",
        ),
        ({"min_attendance_pct": "0"}, "La asistencia mínima debe ser un porcentaje entre 1 y 100."),
        ({"document_kind": ""}, "Indique si otorga certificado o constancia."),
        ({"product_code": "9999999"}, "El producto 9999999 no corresponde a ningún indicador"),
        ({"code": "TIC-BASICO"}, "Ya existe un curso con el código TIC-BASICO."),
    ],
)
def test_bad_course_is_refused_in_spanish_with_input_kept(
    client, login, admin, catalog, db, change, field_message
):
    login(admin)
    before = counts(db)
    response = client.post("/catalogo/cursos/nuevo", data={**COURSE, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_message in html
    assert 'value="Curso nuevo"' in html
    assert counts(db) == before


def test_course_without_document_clears_kind_and_auto_issue(client, login, admin, catalog, db):
    login(admin)
    data = {**COURSE, "auto_issue": "y"}
    del data["grants_document"]
    assert client.post("/catalogo/cursos/nuevo", data=data).status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "NUEVO-1"))
    assert (course.grants_document, course.document_kind, course.auto_issue) == (False, None, False)


def test_course_with_cohorts_cannot_be_deleted(client, login, admin, db):
    cohort = factories.cohort()
    login(admin)
    client.post(f"/catalogo/cursos/{cohort.course.id}/eliminar")
    assert db.session.get(Course, cohort.course.id) is not None


def test_indicator_crud_and_period_rule(client, login, admin, db):
    login(admin)
    data = {
        "code": "2024-PC",
        "name": "Personas capacitadas 2024",
        "product_code": "2301031",
        "product_name": "Servicio de educación informal en uso básico de TIC",
        "goal": "5000",
        "period_start": "2027-12-31",
        "period_end": "2024-01-01",
        "rule": "completed",
    }
    response = client.post("/catalogo/indicadores/nuevo", data=data)
    assert "La fecha final del periodo no puede ser anterior a la inicial." in response.get_data(
        as_text=True
    )
    assert counts(db)[0] == 0
    data["period_start"], data["period_end"] = "2024-01-01", "2027-12-31"
    assert client.post("/catalogo/indicadores/nuevo", data=data).status_code == 302
    indicator = db.session.scalar(select(PlanIndicator))
    assert (indicator.goal, indicator.period_end) == (5000, date(2027, 12, 31))
    data["goal"] = "0"
    response = client.post(f"/catalogo/indicadores/{indicator.id}", data=data)
    assert "La meta debe ser un número entero mayor que 0." in response.get_data(as_text=True)
    factories.course(product_code="2301031")
    client.post(f"/catalogo/indicadores/{indicator.id}/eliminar")
    assert db.session.get(PlanIndicator, indicator.id) is not None


@pytest.mark.parametrize(
    "url", ["/catalogo", "/catalogo/cursos/nuevo", "/catalogo/indicadores/nuevo"]
)
def test_catalog_pages_are_admin_only(client, login, trainer, url):
    login(trainer)
    assert client.get(url).status_code == 403


def test_catalog_redirects_anonymous_to_login(client):
    response = client.get("/catalogo")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
