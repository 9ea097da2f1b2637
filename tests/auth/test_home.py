"""The home page per role: trainers land on today's sessions, analysts on the indicators,
admins on their pending work, counted with one aggregate query per kind."""

import re

from lms.extensions import db as _db
from lms.tabular.jobs import ImportJob
from lms.tasks import TaskRecord
from tests import factories
from tests.conftest import statements_of


def _counts(page: str) -> dict[str, int]:
    """{href: count} of the pending-work list."""
    found = re.findall(r'<a href="([^"]+)">[^<]+</a>\s*<span[^>]*data-count="(\d+)"', page)
    return {href: int(count) for href, count in found}


def _pending_work(completed: int) -> None:
    course = factories.course(grants_document=True)
    cohort = factories.cohort(course=course)
    for _ in range(completed):
        factories.enrollment(cohort, completed_on=cohort.start_date)
    factories.enrollment(cohort, completion_conflict=True)
    _db.session.add(TaskRecord(name="lms.mail.deliver", args=[0], state="failed"))
    _db.session.add(TaskRecord(name="lms.mail.deliver", args=[1], state="done"))
    _db.session.add(ImportJob(kind="planilla", filename="p.csv", data=b"", options={}))
    _db.session.add(ImportJob(kind="planilla", filename="q.csv", data=b"", options={},
                              state="done"))
    _db.session.flush()


def test_trainer_home_is_todays_sessions(client, login, trainer):
    login(trainer)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/app/hoy")


def test_analyst_home_is_the_indicators(client, login, analyst):
    login(analyst)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/indicadores")


def test_admin_home_counts_pending_work_with_links(client, login, admin):
    _pending_work(completed=3)
    login(admin)
    page = client.get("/").get_data(as_text=True)
    assert "Trabajo pendiente" in page
    assert _counts(page) == {
        "/admin/tareas": 1,
        "/asistencia/conflictos": 1,
        "/planillas/importar": 1,
        "/admin/certificados": 3,
    }


def test_admin_home_counts_do_not_grow_with_the_data(client, login, admin):
    login(admin)

    _pending_work(completed=1)
    small = statements_of(client, "/")
    _pending_work(completed=30)
    assert statements_of(client, "/") == small
    # One per kind of pending work, plus the user's own row.
    assert small <= 6
