"""Spanish done right: counts agree with their nouns (ngettext), messages about a person do not
guess their gender, and the UI text keeps its accents and single full stops."""

import ast
import io
import re
from pathlib import Path

import pytest

from lms.certificates.issue import issue_for
from tests import factories
from tests.certificates.conftest import completed_enrollment
from tests.courses.conftest import xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent


def _import_sites(client, count):
    rows = [["codigo", "nombre", "tipo", "zona"]]
    rows += [[f"S-{i}", f"Sede {i}", "CAC", "Urbana"] for i in range(count)]
    response = client.post("/sedes/importar", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(xlsx_bytes(rows)), "sedes.xlsx")},
                           follow_redirects=True)
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("count", "words"), [(1, "1 sede creada, 0 actualizadas"),
                                              (2, "2 sedes creadas, 0 actualizadas")])
def test_site_import_counts_agree(client, login, admin, db, count, words):
    login(admin)
    assert f"Importación completa: {words}." in _import_sites(client, count)


@pytest.mark.parametrize(("count", "words"), [(1, "El curso tiene 1 grupo;"),
                                              (2, "El curso tiene 2 grupos;")])
def test_course_refusal_counts_agree(client, login, admin, db, count, words):
    course = factories.course()
    for _i in range(count):
        factories.cohort(course=course)
    login(admin)
    page = client.post(f"/catalogo/cursos/{course.id}/eliminar", follow_redirects=True)
    assert words in page.get_data(as_text=True)


@pytest.mark.parametrize(("count", "words"), [(1, "1 persona<"), (2, "2 personas<")])
def test_people_list_counts_agree(client, login, admin, db, count, words):
    for _i in range(count):
        factories.person()
    login(admin)
    assert words in client.get("/personas/").get_data(as_text=True)


@pytest.mark.parametrize(("count", "words"), [(1, "1 documento emitido ·"),
                                              (2, "2 documentos emitidos ·")])
def test_certificate_counts_agree(client, login, admin, db, count, words):
    for _i in range(count):
        issue_for(completed_enrollment())
    login(admin)
    page = client.get("/admin/certificados").get_data(as_text=True)
    counts = page.split('id="certificates-counts">')[1].split("</p>")[0]
    assert counts.startswith(words)
    assert "1 documentos" not in counts and "1 inscripciones" not in counts


def test_registering_and_enrolling_names_the_action_not_the_gender(client, login, admin, db):
    from lms.people.services import seed_reference_data
    from tests.people.helpers import form_data

    seed_reference_data()
    cohort = factories.cohort(code="G-NEUTRO")
    login(admin)
    page = client.post(f"/personas/nueva?grupo={cohort.id}",
                       data=form_data(first_names="Santiago", last_names="Pérez"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Se registró a Santiago Pérez y se inscribió en G-NEUTRO." in page
    assert "quedó registrada" not in page



@pytest.mark.parametrize(("capacity", "words"), [(1, "(cupo de 1 persona)."),
                                                 (2, "(cupo de 2 personas).")])
def test_full_cohort_counts_agree(client, login, admin, db, capacity, words):
    from lms.people.services import seed_reference_data
    from tests.people.helpers import errors, form_data

    seed_reference_data()
    cohort = factories.cohort(capacity=capacity)
    for _i in range(capacity):
        factories.enrollment(cohort)
    login(admin)
    response = client.post(f"/personas/nueva?grupo={cohort.id}", data=form_data())
    assert f"El grupo {cohort.code} está lleno {words}" in " ".join(errors(response.text))


# -- the sources: what people read, in Python strings and in templates ----------------------

#: Words that are always written with an accent in this UI (the issue found "numero").
UNACCENTED = (
    "numero", "telefono", "sesion", "informacion", "codigo", "pagina", "titulo", "edicion",
    "direccion", "autorizacion", "verificacion", "inscripcion", "participacion",
    "alfabetizacion", "tecnologia", "genero", "busqueda", "ultimo", "ultima", "electronico",
    "correccion", "revocacion", "descripcion", "opcion", "accion", "modulo", "unico", "aqui",
    "tambien", "despues", "ademas", "minimo", "maximo", "basico", "digito", "digitos",
    "cedula", "extranjeria", "poblacion", "educacion", "formacion", "contrasena", "invalido",
    "vacio", "linea", "todavia", "dias", "ano", "anos", "mas",
)
#: A word after "," or ";" is a column key of a CSV example ("columna;descripcion").
WORD = re.compile(r"(?<![\w\-./@,;])(" + "|".join(UNACCENTED) + r")(?![\w\-/@])", re.IGNORECASE)
#: Attribute values (ids, names, column keys) are identifiers, not text.
ATTRIBUTE = re.compile(r'\b[\w-]+="[^"]*"')
#: Column keys of the import files, shown in <code> as the file must spell them.
CODE = re.compile(r"<code>[^<]*</code>")
DOUBLED = re.compile(r"(?<![.…])\.\.(?![./])|,,|;;|\s[.,;:](?=\s|$)")


def _python_texts():
    for path in sorted((ROOT / "lms").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings and " " in node.value.strip()):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value


def _template_texts():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                yield f"{path.relative_to(ROOT)}:{number}", CODE.sub("x", ATTRIBUTE.sub("", line))


def _texts():
    yield from _python_texts()
    yield from _template_texts()


def test_ui_text_keeps_its_accents():
    """No message, label or page spells "numero", "sesion", "codigo"… without the accent."""
    found = [f"{where}: {m.group(0)}" for where, text in _texts() for m in WORD.finditer(text)
             # a header line of an import file lists its column keys as the file spells them
             if "Encabezado:" not in text and "codigo,nombre" not in text]
    assert not found, "\n".join(found)


def test_messages_about_a_person_do_not_guess_their_gender():
    """"Santiago … quedó registrada": a message names the action, not the person's gender."""
    gendered = re.compile(r"(%\(name\)s|\{[\w.]*(full_name|name)\}|\{[^}]*\} \{[^}]*\})"
                          r" (quedó|está|fue|ya está) \w+(ad|id|it)[oa]s?\b")
    found = [f"{where}: {text[:80]}" for where, text in _texts() if gendered.search(text)]
    assert not found, "\n".join(found)


def test_no_doubled_punctuation():
    """No "p. m.." or ",," in what people read (a time in a sentence is 24-hour: 14:05.)."""
    found = [f"{where}: {text.strip()[:80]}" for where, text in _texts()
             if DOUBLED.search(re.sub(r"\{[{%#].*?[}%#]\}", "x", text))]
    assert not found, "\n".join(found)
