"""Planilla typos create nothing silently (issue 9, part 19): an unknown group code or a date
without a session is a row error naming it, unless «crear grupos y sesiones nuevos» is chosen;
the dry run names each cohort and session it would create."""

from datetime import date

from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.courses.models import Cohort, CourseSession
from tests import factories
from tests.imports.conftest import PLANILLA_HEADER, planilla_row, upload


def _file(*rows) -> bytes:
    return ("\n".join(",".join(r) for r in [PLANILLA_HEADER, *rows]) + "\n").encode()


def _existing(db, catalog):
    course, site = catalog
    cohort = factories.cohort(code="G-2021-01", course=course, site=site,
                              start_date=date(2021, 3, 1))
    factories.session(cohort, day=date(2021, 3, 1), hours="4")
    db.session.commit()
    return cohort


def _counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Cohort, CourseSession, Attendance))


def test_typos_are_row_errors_without_the_choice(client, login, admin, db, catalog):
    _existing(db, catalog)
    before = _counts(db)
    login(admin)
    typo = planilla_row("1090111222")
    typo[1] = "G-2021-O1"  # a letter O for a zero
    other_day = planilla_row("1090111333", day="2021-03-05")
    r = upload(client, "/planillas/importar", _file(planilla_row("1090111444"), typo, other_day),
               "p.csv", dry_run="y")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert ("fila 3, columna grupo: el grupo «G-2021-O1» no existe: revise el código o elija "
            "«crear grupos y sesiones nuevos»") in html
    assert ("fila 4, columna fecha: el grupo G-2021-01 no tiene sesión el 05/03/2021: revise "
            "la fecha o elija «crear grupos y sesiones nuevos»") in html
    assert "fila 2" not in html
    # The same file for real: refused as a whole, nothing written.
    r = upload(client, "/planillas/importar", _file(planilla_row("1090111444"), typo, other_day),
               "p.csv")
    assert r.status_code == 422 and _counts(db) == before


def test_the_dry_run_names_what_the_choice_would_create(client, login, admin, db, catalog):
    _existing(db, catalog)
    before = _counts(db)
    login(admin)
    new = planilla_row("1090111222")
    new[1] = "G-2021-02"
    data = _file(planilla_row("1090111444"), new, planilla_row("1090111333", day="2021-03-05"))
    r = upload(client, "/planillas/importar", data, "p.csv", dry_run="y", create_new="y")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "Grupos y sesiones que se crearían" in html
    assert "<li>G-2021-02 (TIC-BASICO en CAC-ATALAYA)</li>" in html
    assert "<li>G-2021-01, 05/03/2021 (4\u00a0h)</li>" in html
    assert "<li>G-2021-02, 01/03/2021 (4\u00a0h)</li>" in html
    assert "G-2021-01, 01/03/2021" not in html  # that session exists
    assert _counts(db) == before
    r = upload(client, "/planillas/importar", data, "p.csv", create_new="y")
    assert r.status_code == 200 and "Grupos y sesiones creados" in r.get_data(as_text=True)
    assert _counts(db) == (before[0] + 1, before[1] + 2, 3)


def test_the_command_needs_the_flag_too(runner, db, catalog, tmp_path):
    _existing(db, catalog)
    path = tmp_path / "p.csv"
    path.write_bytes(_file(planilla_row("1090111333", day="2021-03-05")))
    refused = runner.invoke(args=["lms", "import-attendance", str(path)])
    assert refused.exit_code == 1
    assert "fila 2, columna fecha: el grupo G-2021-01 no tiene sesión el 05/03/2021" in (
        refused.output)
    dry = runner.invoke(args=["lms", "import-attendance", str(path), "--dry-run",
                              "--create-new"])
    assert dry.exit_code == 0, dry.output
    assert "Sesión nueva: G-2021-01, 05/03/2021 (4\u00a0h)" in dry.output
    assert db.session.scalar(select(func.count(CourseSession.id))) == 1
