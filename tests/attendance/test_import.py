import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.courses.models import Cohort, CourseSession, Enrollment
from lms.people.models import Consent, Person
from tests import factories

HEADER = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,"
          "sexo,fecha_nacimiento,zona,estado,autorizacion_datos")


@pytest.fixture
def catalog(db):
    course = factories.course(code="TIC-BASICO", hours=20)
    site = factories.site(code="CAC-ATALAYA")
    db.session.commit()
    return course, site


def _rows(*lines):
    return "\n".join([HEADER, *lines]) + "\n"


GOOD = _rows(
    *[f"TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-0{d},4,CC,1.090.111.222,Ana María,Pérez,F,"
      f"1990-05-06,urbana,P,si" for d in (1, 2, 3, 4)],
    "TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-01,4,PPT,ab-998877,José,Rangel,hombre,"
    "1985-01-01,rural,ausente,si",
)


def _write(tmp_path, text, name="planilla.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(runner, path, *extra):
    return runner.invoke(args=["lms", "import-attendance", str(path), "--create-new", *extra])


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_everything_and_is_idempotent(runner, db, catalog, tmp_path):
    path = _write(tmp_path, GOOD)
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    for line in ("Filas: 5", "Personas creadas: 2", "Inscripciones: 2", "Grupos creados: 1",
                 "Sesiones: 4", "Marcas: 5", "Finalizaciones: 1"):
        assert line in result.output
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "G-2021-01"))
    assert (cohort.start_date, cohort.end_date) == (date(2021, 3, 1), date(2021, 3, 4))
    ana = db.session.scalar(select(Person).where(Person.document_number == "1090111222"))
    consent = db.session.scalar(select(Consent).where(Consent.person_id == ana.id))
    assert consent.channel == "planilla"
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == ana.id))
    assert enrollment.completed_on == date(2021, 3, 4) and enrollment.status == "completo"
    assert {a.source for a in db.session.scalars(select(Attendance))} == {"planilla"}
    audit = _count(db, AuditEntry)
    again = _run(runner, path)
    assert again.exit_code == 0, again.output
    for line in ("Filas: 5", "Personas creadas: 0", "Inscripciones: 0", "Grupos creados: 0",
                 "Sesiones: 0", "Marcas: 0", "Finalizaciones: 0"):
        assert line in again.output
    assert _count(db, AuditEntry) == audit and _count(db, Attendance) == 5


def test_dry_run_writes_nothing(runner, db, catalog, tmp_path):
    result = _run(runner, _write(tmp_path, GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "no tiene errores" in result.output and "Personas creadas: 2" in result.output
    assert "Marcas: 5" in result.output
    assert _count(db, Person) == 0 and _count(db, Attendance) == 0 and _count(db, Cohort) == 0


def test_every_error_is_reported_and_nothing_is_written(runner, db, catalog, tmp_path):
    other = factories.cohort(code="G-OTRO")
    factories.session(other, day=date(2021, 2, 1), hours="3")
    db.session.commit()
    text = _rows(
        "TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-01,4,CC,111222333,Ana,Pérez,F,1990-01-01,"
        "urbana,P,si",
        "NO-EXISTE,G-2021-01,CAC-ATALAYA,2021-03-01,4,CC,222,Luis,Gil,M,1990-01-01,urbana,P,si",
        "TIC-BASICO,G-2021-01,CAC-ATALAYA,31/02/2021,4,CC,333444,Eva,Gil,F,1990-01-01,urbana,"
        "feliz,si",
        "TIC-BASICO,G-OTRO,CAC-ATALAYA,2021-02-01,4,CC,444555,Eva,Gil,F,1990-01-01,urbana,P,si",
        f"{other.course.code},G-OTRO,{other.site.code},2021-02-01,4,CC,444555,Eva,Gil,F,"
        "1990-01-01,urbana,P,si",
        "TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-01,4,CC,555666,Eva,Gil,F,1990-01-01,urbana,"
        "P,no",
        "TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-01,4,TI,1100223344,Niño,Gil,M,2015-01-01,"
        "urbana,P,si",
        "TIC-BASICO,G-2021-01,CAC-ATALAYA,2021-03-01,4,CC,12a,Eva,Gil,X,1990-01-01,centro,P,"
        "quizas",
    )
    result = _run(runner, _write(tmp_path, text))
    assert result.exit_code == 1
    out = result.output
    assert "fila 3, columna curso: el curso «NO-EXISTE» no existe" in out
    assert "fila 4, columna fecha: fecha no válida «31/02/2021»" in out
    assert "fila 4, columna estado: estado no válido «feliz»" in out
    assert "fila 5, columna grupo: el grupo «G-OTRO» ya existe con otro curso" in out
    assert "fila 6, columna horas: la sesión del grupo G-OTRO del 01/02/2021 ya existe con 3" in out
    assert "fila 7, columna autorizacion_datos: la persona es nueva" in out
    assert "fila 8, columna acudiente_nombre:" in out
    assert "fila 8, columna acudiente_documento:" in out
    assert "fila 9, columna numero_documento:" in out and "fila 9, columna sexo:" in out
    assert "fila 9, columna zona:" in out and "fila 9, columna autorizacion_datos:" in out
    assert "fila 2" not in out
    assert "No se importó nada" in out
    assert _count(db, Person) == 0
    assert db.session.scalar(select(Cohort).where(Cohort.code == "G-2021-01")) is None
    assert _count(db, Attendance) == 0


def test_minor_with_guardian_and_warnings(runner, db, catalog, tmp_path):
    known = factories.person(document_number="77777777", first_names="Carmen",
                             last_names="Díaz", birth_date=date(1970, 1, 1))
    db.session.commit()
    text = (HEADER + ",acudiente_nombre,acudiente_documento\n"
            "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,TI,1100223344,Niño,Gil,M,2015-01-01,"
            "urbana,P,si,Rosa Gil,CC 60111222\n"
            "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,CC,77.777.777,Carmen,Diaz,F,1971-01-01,"
            "urbana,P,no,,\n"
            "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,CC,77777777,Carmen,Díaz,F,,urbana,T,,,\n")
    result = _run(runner, _write(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert "fila 3, columna fecha_nacimiento: difiere del dato guardado («01/01/1970»)" in (
        result.output)
    assert "columna apellidos" not in result.output  # accents alone are no difference
    assert "fila 4, columna numero_documento: CC 77777777 ya aparece en la fila 3" in (
        result.output)
    assert "Personas creadas: 1" in result.output and "Marcas: 2" in result.output
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == known.id))
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == enrollment.id))
    assert mark.status == "tarde"  # the last row wins
    assert db.session.get(Person, known.id).birth_date == date(1970, 1, 1)  # not overwritten


def test_last_row_wins_across_chunks_without_double_writes(
    runner, db, catalog, tmp_path, monkeypatch
):
    monkeypatch.setattr("lms.attendance.planilla_import.CHUNK", 2)
    ana = ("TIC-BASICO,G-1,CAC-ATALAYA,2021-03-0{d},4,CC,1090111222,Ana,Pérez,F,1990-05-06,"
           "urbana,{s},si")
    path = _write(tmp_path, _rows(
        ana.format(d=1, s="P"),
        ana.format(d=2, s="P"),
        "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,CC,55667788,José,Rangel,M,1985-01-01,rural,P,si",
        ana.format(d=1, s="ausente"),  # second chunk: overrides row 2
        ana.format(d=1, s="T"),  # third chunk: overrides row 5
    ))
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Marcas: 3" in result.output
    assert "fila 5, columna numero_documento: CC 1090111222 ya aparece en la fila 2" in (
        result.output)
    assert "fila 6, columna numero_documento: CC 1090111222 ya aparece en la fila 5" in (
        result.output)
    ana_day1 = select(Attendance.status).join(Enrollment).join(Person).join(
        CourseSession, CourseSession.id == Attendance.session_id).where(
        Person.document_number == "1090111222", CourseSession.date == date(2021, 3, 1))
    assert db.session.scalar(ana_day1) == "tarde"
    # One audit row per mark: each was written once, with its last status.
    marks_audit = select(func.count(AuditEntry.id)).where(AuditEntry.entity == "attendance")
    assert db.session.scalar(marks_audit) == 3
    audit = _count(db, AuditEntry)
    again = _run(runner, path)
    assert again.exit_code == 0, again.output
    assert "Marcas: 0" in again.output
    assert _count(db, AuditEntry) == audit
    assert db.session.scalar(ana_day1) == "tarde"


def test_a_new_minor_lists_every_missing_cell(runner, db, catalog, tmp_path):
    text = (HEADER + ",acudiente_nombre,acudiente_documento\n"
            "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,TI,1100223344,,Gil,M,2015-01-01,"
            "urbana,P,si,,\n"
            "TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,TI,1100223355,Luz,Gil,F,2014-01-01,"
            "urbana,P,si,Rosa Gil,\n")
    result = _run(runner, _write(tmp_path, text))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("fila ")]
    assert [line.split(":")[0] for line in errors] == [
        "fila 2, columna nombres", "fila 2, columna acudiente_nombre",
        "fila 2, columna acudiente_documento", "fila 3, columna acudiente_documento"]
    assert _count(db, Person) == 0


def test_contact_and_area_differences_are_warned(runner, db, catalog, tmp_path):
    carmen = factories.person(document_number="77777777", email="carmen@correo.co",
                              phone="3001234567", area="Comuna 1", zone="urbana")
    luis = factories.person(document_number="88888888", email="luis@correo.co",
                            phone="3109876543", area="San Pedro", zone="rural")
    db.session.commit()
    row = ("TIC-BASICO,G-1,CAC-ATALAYA,2021-03-01,4,CC,{doc},,,,,,P,,{mail},{phone},{area}\n")
    text = (HEADER + ",correo,telefono,comuna_corregimiento\n"
            + row.format(doc="77777777", mail="CARMEN@correo.co", phone="300 123-4567",
                         area="comuna 1")
            + row.format(doc="88888888", mail="luis.gil@correo.co", phone="3001112233",
                         area="Palmarito"))
    result = _run(runner, _write(tmp_path, text))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Advertencia")]
    # Case and phone separators alone are no difference (row 2); real changes are (row 3).
    assert [w.split(": difiere")[0] for w in warnings] == [
        "Advertencia: fila 3, columna correo", "Advertencia: fila 3, columna telefono",
        "Advertencia: fila 3, columna comuna_corregimiento"]
    assert "«luis@correo.co»" in result.output and "«San Pedro»" in result.output
    assert db.session.get(type(luis), luis.id).email == "luis@correo.co"  # not overwritten
    assert db.session.get(type(carmen), carmen.id).phone == "3001234567"


def test_semicolon_csv_with_accented_headers_and_xlsx(runner, db, catalog, tmp_path):
    text = ("Curso;Grupo;Sede;Fecha;Horas;Tipo_Documento;Número_Documento;Nombres;Apellidos;"
            "Sexo;Fecha_Nacimiento;Zona;Estado;Autorización_Datos;Otra\n"
            "TIC-BASICO;G-9;CAC-ATALAYA;01/03/2021;2,5;CC;123456;Ana;Paz;Mujer;02/03/1990;"
            "Urbana;Tarde;Sí;x\n")
    result = _run(runner, _write(tmp_path, text))
    assert result.exit_code == 0, result.output
    session = db.session.scalar(select(CourseSession))
    assert str(session.hours) in ("2.5", "2.50") and session.date == date(2021, 3, 1)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["TIC-BASICO", "G-9", "CAC-ATALAYA", date(2021, 3, 1), 2.5, "CC", 123456,
                  "Ana", "Paz", "F", date(1990, 3, 2), "urbana", "A", "no"])
    path = tmp_path / "planilla.xlsx"
    book.save(path)
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Sesiones: 0" in result.output and "Personas creadas: 0" in result.output
    assert "Marcas: 1" in result.output
    assert db.session.scalar(select(Attendance.status)) == "ausente"
    # A later file for that cohort must respect its dates (the courses rule).
    sheet.append(["TIC-BASICO", "G-9", "CAC-ATALAYA", date(2021, 3, 9), 2.5, "CC", 123456,
                  "Ana", "Paz", "F", date(1990, 3, 2), "urbana", "A", "no"])
    book.save(path)
    result = _run(runner, path)
    assert result.exit_code == 1
    assert "fila 3, columna fecha: La fecha de la sesión (09/03/2021) está fuera" in result.output


def test_missing_column_is_an_error(runner, db, catalog, tmp_path):
    result = _run(runner, _write(tmp_path, "curso,grupo\nA,B\n"))
    assert result.exit_code == 1
    assert "fila 1, columna sede: falta esta columna obligatoria" in result.output


def test_web_upload_shows_errors_then_counts(client, login, db, catalog, admin, trainer):
    db.session.commit()  # the users survive the view's rollback
    login(trainer)
    assert client.get("/planillas/importar").status_code == 403
    login(admin)
    assert client.get("/planillas/importar").status_code == 200
    bad = GOOD.replace("urbana,P,si", "urbana,Z,si", 1)
    r = client.post("/planillas/importar", data={"file": (io.BytesIO(bad.encode()), "p.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    assert "fila 2, columna estado: estado no válido «Z»" in r.get_data(as_text=True)
    assert _count(db, Person) == 0
    r = client.post("/planillas/importar", data={
        "file": (io.BytesIO(GOOD.encode()), "p.csv"), "dry_run": "y", "create_new": "y"},
        content_type="multipart/form-data")
    assert r.status_code == 200 and "se crearían" in r.get_data(as_text=True)
    assert _count(db, Person) == 0
    r = client.post("/planillas/importar", data={"file": (io.BytesIO(GOOD.encode()), "p.csv"),
                                                 "create_new": "y"},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Planilla importada" in html
    assert "Personas creadas</dt><dd class=\"col-5 col-sm-8 mb-0\">2" in html
    assert _count(db, Person) == 2
    r = client.post("/planillas/importar", data={"file": (io.BytesIO(b"x"), "p.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "CSV o XLSX" in r.get_data(as_text=True)


def test_a_planilla_of_a_whole_course_takes_the_bulk_paths(runner, db, catalog, tmp_path):
    # 40 people x 3 sessions: above the size where PostgreSQL switches to unnest/COPY.
    lines = [
        f"TIC-BASICO,G-2021-40,CAC-ATALAYA,2021-04-0{day},2,CC,{2_000_000 + n},Persona,"
        f"Número {n},F,1990-01-01,urbana,{'A' if (n, day) == (7, 2) else 'P'},si"
        for day in (1, 2, 3) for n in range(40)
    ]
    path = _write(tmp_path, _rows(*lines))
    first = _run(runner, path)
    assert first.exit_code == 0, first.output
    assert "Marcas: 120" in first.output and "Personas creadas: 40" in first.output
    statuses = dict(db.session.execute(
        select(Attendance.status, func.count()).group_by(Attendance.status)).all())
    assert statuses == {"presente": 119, "ausente": 1}
    audited = _count(db, AuditEntry)
    again = _run(runner, path)
    assert again.exit_code == 0 and "Marcas: 0" in again.output
    assert _count(db, AuditEntry) == audited
    changed = _run(runner, _write(tmp_path, _rows(*[
        line.replace(",A,si", ",P,si") if ",A,si" in line else line for line in lines
    ]), "otra.csv"))
    assert "Marcas: 1" in changed.output
    assert db.session.scalar(
        select(func.count()).where(Attendance.status == "presente")) == 120
