"""The completion rule follows edits of its inputs: session hours and dates, course rule."""

from tests import factories
from tests.attendance.test_api import _auth, _item


def _enrollment(client, enrollment, headers):
    body = client.get(f"/api/v1/enrollments/{enrollment.id}", headers=headers).json
    return body["hours_credited"], body["completed_on"], body["status"]


def _all_present(client, group, enrollment, headers):
    for n, s in enumerate(group["sessions"]):
        r = client.put(f"/api/v1/sessions/{s.id}/attendance",
                       json=[_item(enrollment, "presente", f"all-{n}")], headers=headers)
        assert r.status_code == 200, r.json


def test_session_hours_and_date_edits_recompute_completion(client, login, admin, group):
    a, other = group["enrollments"][0], group["enrollments"][1]
    s1, _s2, _s3, s4, s5 = group["sessions"]
    trainer, staff = _auth(group["trainer"]), _auth(admin)
    _all_present(client, group, a, trainer)
    assert _enrollment(client, a, trainer) == (20.0, "2021-02-04", "completo")

    # The API: session 4 lasts 1 h, so 16 h are only reached at session 5.
    r = client.patch(f"/api/v1/sessions/{s4.id}", json={"hours": 1}, headers=staff)
    assert r.status_code == 200, r.json
    assert _enrollment(client, a, trainer) == (17.0, "2021-02-05", "completo")
    assert _enrollment(client, other, trainer) == (0.0, None, "inscrito")

    # The admin page: session 1 moves after session 5, so the crossing moves with it.
    login(admin)
    r = client.post(f"/sesiones/{s1.id}/editar",
                    data={"date": "2021-02-10", "hours": "4", "start_time": "08:00"})
    assert r.status_code == 302
    assert _enrollment(client, a, trainer) == (17.0, "2021-02-10", "completo")

    # Shorter again: 14 h < 16 h, the completion is undone (no certificate exists).
    r = client.post(f"/sesiones/{s5.id}/editar",
                    data={"date": "2021-02-05", "hours": "1", "start_time": "08:00"})
    assert r.status_code == 302
    assert _enrollment(client, a, trainer) == (14.0, None, "en_curso")


def test_course_rule_edits_recompute_completion(client, db, admin, group):
    a = group["enrollments"][0]
    factories.indicator(product_code="2301031")
    db.session.commit()
    trainer, staff = _auth(group["trainer"]), _auth(admin)
    course = group["cohort"].course
    for s in group["sessions"][:4]:
        client.put(f"/api/v1/sessions/{s.id}/attendance",
                   json=[_item(a, "presente", f"c-{s.id}")], headers=trainer)
    assert _enrollment(client, a, trainer) == (16.0, "2021-02-04", "completo")

    r = client.patch(f"/api/v1/courses/{course.id}", json={"min_attendance_pct": 100},
                     headers=staff)
    assert r.status_code == 200, r.json
    assert _enrollment(client, a, trainer) == (16.0, None, "en_curso")

    r = client.patch(f"/api/v1/courses/{course.id}", json={"hours": 12}, headers=staff)
    assert r.status_code == 200, r.json
    assert _enrollment(client, a, trainer) == (16.0, "2021-02-03", "completo")


def test_moving_a_cohort_to_another_course_applies_its_rule(client, db, admin, group):
    a = group["enrollments"][0]
    trainer, staff = _auth(group["trainer"]), _auth(admin)
    longer = factories.course(hours=40)  # 32 h needed
    db.session.commit()
    _all_present(client, group, a, trainer)
    assert _enrollment(client, a, trainer) == (20.0, "2021-02-04", "completo")
    r = client.patch(f"/api/v1/cohorts/{group['cohort'].id}", json={"course_id": longer.id},
                     headers=staff)
    assert r.status_code == 200, r.json
    assert _enrollment(client, a, trainer) == (20.0, None, "en_curso")
