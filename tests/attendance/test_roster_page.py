"""The roster page's rows, read as plain values in one loop (issue 16 part 5): each row
shows its own person and mark, and a walk-in's row is the same markup as the page's."""

import re

from lms.attendance.models import STATUSES, Attendance
from lms.extensions import db as _db
from tests import factories

ROW = re.compile(r'<li id="e(\d+)" class="card mb-2 roster-row">.*?</li>', re.S)


def _rows(page: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in ROW.finditer(page)}


def _pressed(row: str) -> list[str]:
    return re.findall(r'value="(\w+)" data-status="\w+"\s+class="btn btn-status active-\w+"\s+'
                      r'aria-pressed="true"', row)


def test_rows_show_each_persons_mark_in_name_order(client, login, db, trainer):
    cohort = factories.cohort(trainers=[trainer])
    session = factories.session(cohort)
    names = ["Zapata", "Álvarez", "Mejía", "Castro", "Báez"]
    enrollments = [factories.enrollment(cohort, factories.person(last_names=n)) for n in names]
    enrollments[2].person.first_names = 'Ana <b>"&'
    retired = factories.enrollment(cohort, status="retirado")
    statuses = [*STATUSES, None]  # the fifth person has no mark yet
    for e, status in zip(enrollments, statuses, strict=True):
        if status:
            _db.session.add(Attendance(session_id=session.id, enrollment_id=e.id,
                                       status=status, source="web"))
    _db.session.flush()
    login(trainer)
    page = client.get(f"/sesiones/{session.id}/asistencia").get_data(as_text=True)
    rows = _rows(page)
    by_name = sorted(enrollments, key=lambda e: (e.person.last_names, e.person.first_names))
    assert list(rows) == [e.id for e in by_name]
    assert retired.id not in rows
    for e, status in zip(enrollments, statuses, strict=True):
        row = rows[e.id]
        assert _pressed(row) == ([status] if status else [])
        assert row.count('aria-pressed="false"') == len(STATUSES) - (1 if status else 0)
        assert f'name="enrollment_id" value="{e.id}"' in row
        assert f"{e.person.document_type} {e.person.document_number}" in row
    odd = rows[enrollments[2].id]
    assert "<b>" not in odd and odd.count("Ana &lt;b&gt;&#34;&amp; Mejía") == 4 + len(STATUSES)
    for key in STATUSES:
        assert f'<span data-count="{key}">1</span>' in page
    assert page.count(f'action="/sesiones/{session.id}/asistencia/marcar" class="js-mark') == 5


def test_walk_in_row_is_the_pages_row(client, login, db, trainer):
    cohort = factories.cohort(trainers=[trainer])
    session = factories.session(cohort)
    person = factories.person(birth_date=None)
    _db.session.commit()
    login(trainer)
    answer = client.post(f"/sesiones/{session.id}/asistencia/ingreso",
                         data={"document_type": "CC", "document_number": person.document_number},
                         headers={"Accept": "application/json"}).json
    assert answer["ok"], answer
    page = client.get(f"/sesiones/{session.id}/asistencia").get_data(as_text=True)
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    alone = _rows(answer["html"])[answer["enrollment_id"]]
    assert token.sub("", alone) == token.sub("", _rows(page)[answer["enrollment_id"]])
    assert _pressed(alone) == ["presente"]
