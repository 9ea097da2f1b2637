"""The UI can be translated: labels and service messages reach ``make messages`` (the
Makefile's own pybabel command), and a compiled catalog changes them where they are shown."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages import pofile
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import g

from lms.auth.models import ROLE_LABELS
from lms.formatting import LANGUAGES
from lms.people.models import DOCUMENT_TYPES, SEXES
from tests import factories
from tests.certificates.conftest import standalone_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The catalog ``make messages`` writes, extracted with the Makefile's own options."""
    recipe = next(line for line in (ROOT / "Makefile").read_text().splitlines()
                  if "pybabel extract" in line)
    options = shlex.split(recipe.split("pybabel", 1)[1])
    assert options[0] == "extract"
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    options[options.index("-o") + 1] = str(out)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *options], cwd=ROOT,
                   check=True, capture_output=True)
    with out.open("rb") as stream:
        return pofile.read_po(stream)


def test_model_labels_are_extracted(extracted):
    """The code→label constants (marked with N_) are in the template for translators."""
    for text in (*DOCUMENT_TYPES.values(), *SEXES.values(), *ROLE_LABELS.values(),
                 "Presente", "En curso", "Víctima del conflicto armado", "Creación",
                 "Huella SHA-256", "Centro de Acceso Comunitario", "Terminada", "Barrio o vereda",
                 "URL de tokens (token URL)"):
        assert text in extracted, text


def test_service_messages_are_extracted_with_named_placeholders(extracted):
    """Row errors, command output and service refusals: one message each, with %(name)s."""
    for text in ("fila %(row)s", "falta esta columna obligatoria en el encabezado",
                 "Ya existe una sede con el código %(code)s.", "Grupo nuevo: %(name)s",
                 "Indicadores del plan (generado el %(moment)s, hora de Colombia)",
                 "Documento %(code)s revocado."):
        assert text in extracted, text
    full = extracted.get(("El grupo %(code)s está lleno (cupo de %(num)d persona).",
                          "El grupo %(code)s está lleno (cupo de %(num)d personas)."))
    assert full is not None and full.pluralizable
    positional = [m.id for m in extracted if m.id and re.search(r"%[sd]|\{\w*\}", str(m.id))]
    assert not positional, positional


def _english(directory: Path, extracted: Catalog, words: dict) -> None:
    catalog = Catalog(locale="en")
    for spanish, english in words.items():
        assert spanish in extracted, spanish  # only strings the code really marks
        catalog.add(spanish, english)
    folder = directory / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as stream:
        write_mo(stream, catalog)


def _page(client, path: str, language: str) -> str:
    g.pop("_flask_babel", None)  # the locale is cached per context; tests keep one open
    try:
        return client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    finally:
        g.pop("_flask_babel", None)


def test_labels_are_translated_where_shown(app, client, login, admin, trainer, db, extracted,
                                           tmp_path, monkeypatch):
    """Stored codes stay codes; their labels follow the reader's catalog on the page: a
    model property (the user's role), a form's options and a dashboard breakdown's title."""
    _english(tmp_path, extracted, {"Formador": "Trainer", "Cédula de ciudadanía": "Citizen ID",
                                   "Víctima del conflicto armado": "Armed conflict victim"})
    babel = app.extensions["babel"]
    monkeypatch.setattr(babel, "translation_directories", [str(tmp_path)])
    monkeypatch.setattr(babel.instance.domain_instance, "cache", {})
    # As at a restart: the app lists the compiled catalogs when it starts.
    monkeypatch.setitem(app.extensions, LANGUAGES,
                        [str(x) for x in babel.instance.list_translations()])
    factories.indicator()
    login(admin)

    users = _page(client, "/usuarios", "en")
    assert "Trainer" in users and "Formador" not in users
    assert "Formador" in _page(client, "/usuarios", "es-CO")
    form = _page(client, "/personas/nueva", "en")
    assert "CC — Citizen ID" in form and "Cédula de ciudadanía" not in form
    dashboard = _page(client, "/indicadores", "en")
    assert "Armed conflict victim" in dashboard
    assert "Armed conflict victim" not in _page(client, "/indicadores", "es-CO")


def _english_catalog(folder) -> str:
    catalog = Catalog(locale="en")
    catalog.add("Saltar al contenido", "Skip to content")
    target = folder / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as out:
        write_mo(out, catalog)
    return str(folder)


def test_a_compiled_catalog_translates_the_templates_and_spanish_stays_the_default(tmp_path):
    """Templates skip Babel when no catalog is compiled (lms._languages);
    an app started with one translates them."""
    folder = _english_catalog(tmp_path / "translations")
    with standalone_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=folder) as app:
        client = app.test_client()
        english = client.get("/certificados", headers={"Accept-Language": "en"})
        assert "Skip to content" in english.get_data(as_text=True)
        spanish = client.get("/certificados", headers={"Accept-Language": "es-CO"})
        assert "Saltar al contenido" in spanish.get_data(as_text=True)


def test_without_catalogs_the_pages_speak_spanish_whatever_the_browser_asks(tmp_path):
    """No catalog: the es-CO source text, whatever the browser prefers."""
    empty = tmp_path / "translations"
    empty.mkdir()
    with standalone_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(empty)) as app:
        page = app.test_client().get("/certificados", headers={"Accept-Language": "en"})
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Saltar al contenido" in text
        assert "Fecha de nacimiento" in text


def test_without_catalogs_the_source_text_still_escapes_what_it_carries(client, login, db):
    """The templates' own gettext (no catalog compiled) keeps Jinja's newstyle rules: the
    text is the template's, the values put into it are escaped, and plurals follow num."""
    login(factories.user(role="admin", name='<script>alert("x")</script>'))
    home = client.get("/").get_data(as_text=True)
    assert "Hola, &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in home
    assert "<script>alert" not in home
    counts = client.get("/admin/certificados").get_data(as_text=True)
    assert "0 documentos emitidos · 0 inscripciones elegibles sin documento" in counts


def test_without_catalogs_plain_texts_are_compiled_into_the_templates(app, client):
    """A plain ``_('text')`` becomes the text when the template is compiled (no call per
    render); a text with values, or one used further, stays a call; the pages say the same."""
    env = app.jinja_env
    source = ("{{ _('Saltar al contenido') }}|{{ _('Hola, %(n)s', n=x) }}|{{ _('a').upper() }}|"
              "{{ gettext('Menú') }}|{{ _('Uno &amp; dos') }}|{{ _('100%% listo') }}")
    code = env.compile(source, raw=True).split("def root", 1)[1]
    assert "yield 'Saltar al contenido|'" in code
    assert "'|Menú|Uno &amp; dos|100% listo'" in code
    assert code.count("context.call(") == 3  # _('Hola…', n=x), and _('a') with its .upper()
    with app.test_request_context():
        assert env.from_string(source).render(x="<b>") == (
            "Saltar al contenido|Hola, &lt;b&gt;|A|Menú|Uno &amp; dos|100% listo")
    # In a plain-text template the text stays plain text (not markup) where it is joined.
    text = env.compile("{{ _('Hola') ~ x }}", name="aviso.txt", raw=True).split("def root")[1]
    assert "str_join(('Hola'," in text and "safe" not in text
    assert "Saltar al contenido" in client.get("/certificados").get_data(as_text=True)
