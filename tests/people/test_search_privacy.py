"""Staff searches that can carry a document number send it in the POST body, never in a URL
(issue 9 part 2): the merge page's duplicate search and «Comparar», and the certificates
admin search with its pagination. Access logs and browser history record URLs; every URL
these pages answer with (links, form actions, redirects) is checked for the number."""

import re
from datetime import date

import pytest

from lms.certificates import views as certificate_views
from lms.certificates.issue import issue_for
from tests import factories

DOCUMENT = "1093777555"
#: Every URL a page names: links, form targets, images, redirects' targets.
_URL = re.compile(r'(?:href|action|src|formaction)="([^"]*)"')


def _urls(response) -> list[str]:
    urls = _URL.findall(response.get_data(as_text=True))
    return [*urls, response.headers.get("Location", "")]


def _no_document_in_urls(response, document: str = DOCUMENT) -> None:
    leaked = [url for url in _urls(response) if document in url or "q=" in url]
    assert not leaked, leaked


def _certificates(count: int):
    person = factories.person(document_type="CC", document_number=DOCUMENT,
                              first_names="Ana", last_names="Peñaranda")
    for n in range(count):
        cohort = factories.cohort(course=factories.course(code=f"CURSO-Q{n}"))
        issue_for(factories.enrollment(cohort=cohort, person_=person, status="completo",
                                       hours_credited=20, completed_on=date(2023, 3, 1)))
    issue_for(factories.enrollment(status="completo", hours_credited=20,
                                   completed_on=date(2023, 3, 1)))  # someone else's
    return person


def test_the_certificates_search_posts_and_pages_without_the_document(
        client, login, admin, db, monkeypatch):
    monkeypatch.setattr(certificate_views, "PER_PAGE", 2)
    _certificates(3)
    login(admin)
    first = client.post("/admin/certificados", data={"q": DOCUMENT})
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert f'name="q" value="{DOCUMENT}"' in html  # the search stays in the field
    assert html.count("Ana Peñaranda") == 2 and 'name="page" value="2"' in html
    _no_document_in_urls(first)
    second = client.post("/admin/certificados", data={"q": DOCUMENT, "page": "2"})
    assert second.get_data(as_text=True).count("Ana Peñaranda") == 1
    _no_document_in_urls(second)
    # A query string is not a search: the listing is not filtered by it.
    listed = client.get("/admin/certificados", query_string={"q": DOCUMENT})
    assert 'name="q" value=""' in listed.get_data(as_text=True)
    assert 'href="/admin/certificados?page=2"' in listed.get_data(as_text=True)


def test_the_merge_search_and_comparison_post_without_the_document(client, login, admin, db):
    kept = factories.person(document_type="CC", document_number="1090000001",
                            first_names="Carlos", last_names="Pérez")
    other = factories.person(document_type="CC", document_number=DOCUMENT,
                             first_names="Carlos", last_names="Peres")
    login(admin)
    url = f"/personas/{kept.id}/fusionar"
    found = client.post(url, data={"q": DOCUMENT})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and f"CC {DOCUMENT}" in html
    assert f'name="q" value="{DOCUMENT}"' in html
    assert "alert-danger" not in html  # a search is not a refused merge
    _no_document_in_urls(found)
    compared = client.post(url, data={"duplicado": other.id, "q": DOCUMENT})
    html = compared.get_data(as_text=True)
    assert 'id="comparison"' in html and f'name="q" value="{DOCUMENT}"' in html
    _no_document_in_urls(compared)
    merged = client.post(url, data={"duplicate_id": other.id, "confirm_document": "1090000001"})
    assert merged.status_code == 302
    _no_document_in_urls(merged)
    _no_document_in_urls(client.get(merged.headers["Location"]))
    # A query string is not a search: the page offers the record's own surname instead.
    page = client.get(url, query_string={"q": DOCUMENT}).get_data(as_text=True)
    assert 'name="q" value="Pérez"' in page


@pytest.mark.parametrize("path", ["/admin/certificados", "/personas/{id}/fusionar"])
def test_the_search_forms_need_the_csrf_token(client, login, admin, db, app, monkeypatch,
                                              path):
    person = factories.person()
    login(admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = path.format(id=person.id)
    assert client.post(url, data={"q": DOCUMENT}).status_code == 400
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(url, data={"q": DOCUMENT, "csrf_token": token}).status_code == 200
