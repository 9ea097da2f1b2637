"""An LMS page on another site frames the tool: OIDC login → launch → cohort → roster."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.extensions import db as _db
from lms.lti import platform_keys, platforms
from tests import factories
from tests.browser.conftest import _axe_violations
from tests.lti.platform import Platform

pytestmark = pytest.mark.browser


def _accessible(frame) -> None:
    # The tool's page inside the LMS page: axe runs in the frame itself, on finished colours
    # (reduced motion drops Bootstrap's transitions, as assert_accessible does for pages).
    frame.page.emulate_media(reduced_motion="reduce")
    frame.wait_for_load_state("load")
    assert not _axe_violations(frame), frame.url


@pytest.fixture
def lms_platform(live_server, live_app):
    """The test platform on http://localhost (another site than the tool on 127.0.0.1)."""
    running = Platform(live_server, host="localhost").start()
    platform_keys.forget()
    with live_app.app_context():
        platforms.register(**running.registration())
        course, site = factories.course(name="Alfabetización digital"), factories.site()
        person = factories.person(first_names="Marta", last_names="Quintero")
        _db.session.commit()
        ids = course.id, site.id, person.id
    yield running, ids
    running.stop()


def test_instructor_reaches_the_roster_inside_the_lms_frame(live_app, page, lms_platform):
    platform, (course_id, site_id, person_id) = lms_platform
    page.goto(platform.base + "/course?user=profe")
    tool = page.frame_locator("#tool")
    expect(tool.get_by_role("heading", name="Enlazar el curso con un grupo")).to_be_visible()
    frame = page.frame(url=lambda url: "/lti/enlazar" in url)
    _accessible(frame)
    # A form inside the frame: its CSRF token travels in the partitioned session cookie.
    tool.get_by_label("Código").fill("LMS-AULA-1")
    tool.get_by_label("Curso").select_option(str(course_id))
    tool.get_by_label("Sede").select_option(str(site_id))
    tool.get_by_label("Fecha de inicio").fill("2026-02-01")
    tool.get_by_label("Fecha de fin").fill("2026-12-31")
    tool.get_by_role("button", name="Crear y enlazar").click()
    expect(tool.get_by_text("quedó enlazado al grupo LMS-AULA-1")).to_be_visible()
    with live_app.app_context():
        from sqlalchemy import select

        from lms.courses.models import Cohort, Enrollment
        from lms.people.models import Person

        cohort = _db.session.scalar(select(Cohort).where(Cohort.code == "LMS-AULA-1"))
        session = factories.session(cohort, day=date(2026, 2, 3))
        _db.session.add(Enrollment(cohort=cohort, person=_db.session.get(Person, person_id)))
        _db.session.commit()
        session_id = session.id
    frame = page.frame(url=lambda url: "/grupos/" in url)
    frame.goto(f"{platform.tool_base}/sesiones/{session_id}/asistencia")
    tool.get_by_role("button", name="Presente — Marta Quintero").click()
    button = tool.get_by_role("button", name="Presente — Marta Quintero")
    expect(button).to_have_attribute("aria-pressed", "true")
    frame = page.frame(url=lambda url: "/asistencia" in url)
    expect(frame.locator(".is-saving")).to_have_count(0)  # a locator: the CSP forbids eval
    _accessible(frame)
    with live_app.app_context():
        from lms.attendance.models import Attendance

        mark = _db.session.scalar(select(Attendance).where(Attendance.session_id == session_id))
        assert mark is not None and mark.status == "presente"
