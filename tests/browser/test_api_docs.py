import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_api_docs_render_the_document_from_local_assets(live_server, page):
    foreign, violations = [], []
    page.on("request", lambda r: None if r.url.startswith(live_server) else foreign.append(r.url))
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(live_server + "/api/docs")
    expect(page.get_by_role("heading", name="Formación TIC API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/sites/{site_id}").first).to_be_visible()
    assert not foreign, foreign
    assert not violations, violations
    assert_accessible(page)
