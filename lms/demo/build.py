"""Realistic synthetic data (the four years up to today, or a plan's period): sites,
trainers, cohorts, sessions, people with consent, enrollments, attendance and documents.
Deterministic for a given seed, database and day (or period).

Written with bulk Core inserts (no ORM objects, no audit rows) so the benchmarks can build
hundreds of thousands of people in seconds. Hours credited and completion are then computed
by the attendance domain's completion rule itself (lms.attendance.completion.recompute), in
batches, so the demo can never disagree with it.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms.auth.services import hash_password
from lms.courses.models import Course, Site
from lms.demo import names
from lms.demo.records import add_attendance, add_documents, complete, person_rows
from lms.demo.writer import BulkWriter
from lms.extensions import db
from lms.indicators import events
from lms.people.models import Person, PrivacyNotice
from lms.timeutil import local_today

COURSES = {"TIC-BASICO": (5, 0.5), "ALFA-DIGITAL": (10, 0.25), "GOB-DIGITAL": (6, 0.25)}
#: The plan period's first and last cohort starts, as (month, day) of its first and last year.
PERIOD_STARTS = ((1, 13), (10, 16))
RELATIVE_YEARS = 4
LOCKDOWN = (date(2020, 3, 20), date(2020, 8, 31))
PATTERNS = ((0, 2), (1, 3), (5,))  # Mon/Wed, Tue/Thu, Saturdays
ENROLLMENTS_PER_PERSON = 1.5
COHORT_SIZE = (18, 32)


class DemoError(Exception):
    """The demo cannot run (e.g. the seed was already used); the message is for the user."""


@dataclass
class CohortPlan:
    """A cohort before it is written: its id, course, site, trainer and session days."""

    id: int
    code: str
    course: Course
    site: dict
    trainer: tuple[int, str]
    days: list[date]
    session_ids: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)


def span(period: tuple[int, int] | None, today: date) -> tuple[date, date]:
    """The first and last cohort start: inside a plan's years, or the years up to today."""
    if period:
        (m1, d1), (m2, d2) = PERIOD_STARTS
        return date(period[0], m1, d1), date(period[1], m2, d2)
    return today - timedelta(days=365 * RELATIVE_YEARS), today - timedelta(days=10)


def build(people: int, seed: int = 2020, *, documents: str = "auto", chunk: int = 5000,
          period: tuple[int, int] | None = None) -> dict:
    """Write the demo data in the current transaction and return the row counts.

    Without ``period`` the cohorts fall in the four years up to today and the first trainer
    has a cohort meeting today; marks stop at today, so later sessions are still ahead.
    """
    if people < 1:
        raise DemoError("--people debe ser un número entero positivo.")
    prefix = f"D{seed}"
    if db.session.scalar(select(Site.id).where(Site.code.like(f"{prefix}-%"))):
        raise DemoError(f"Ya existen datos de demostración con la semilla {seed}; use otra --seed.")
    courses = _catalog()
    notice_id = _notice_id()
    rng = random.Random(seed)
    w = BulkWriter(chunk)
    sites = _sites(w, rng, prefix, people)
    trainers = _trainers(w, rng, prefix, max(4, len(sites) // 2))
    today = local_today()
    first, last = span(period, today)
    cohorts = _cohorts(w, rng, prefix, courses, sites, trainers, people, (first, last),
                       None if period else today)
    person_ids = _allocate(w, rng, cohorts, people)
    info = _people(w, rng, person_ids, cohorts, notice_id)
    completions = complete(w, add_attendance(w, rng, cohorts, today), cohorts)
    made, issued = add_documents(w, rng, completions, info, documents)
    counts = w.finish()
    # Bulk rows bypass the hooks that keep the indicators' first events: compute them all.
    events.rebuild()
    counts["documents_made_by"] = made
    if issued is not None:
        counts["certificates"] = issued
    return counts


def _catalog() -> dict[str, Course]:
    """The three official courses, seeded through the catalog service when missing."""
    try:
        from lms.courses.catalog import seed_catalog
    except ImportError:
        from lms.demo.catalog import seed_minimal_catalog as seed_catalog
    seed_catalog()
    found = {c.code: c for c in db.session.scalars(select(Course).where(Course.code.in_(COURSES)))}
    missing = set(COURSES) - set(found)
    if missing:
        raise DemoError(f"Faltan los cursos del catálogo: {', '.join(sorted(missing))}.")
    return found


def _notice_id() -> int:
    notice = db.session.scalar(select(PrivacyNotice.id).order_by(PrivacyNotice.id.desc()))
    if notice is None:
        raise DemoError("No hay aviso de privacidad; ejecute `flask --app wsgi lms seed-catalog`.")
    return notice


def _sites(w: BulkWriter, rng: random.Random, prefix: str, people: int) -> list[dict]:
    count = max(12, min(80, people // 2500))
    kinds = ("cac", "pvd", "biblioteca", "colegio", "salon_comunal")
    sites = []
    for i in range(count):
        rural = i % 4 == 3
        area = rng.choice(names.RURAL) if rural else f"Comuna {i % 10 + 1}"
        kind = "salon_comunal" if rural and rng.random() < 0.5 else kinds[i % len(kinds)]
        place = area if rural else rng.choice(names.BARRIOS[area])
        site = {
            "id": w.new_id("sites"),
            "code": f"{prefix}-S{i + 1:03d}",
            "name": f"{names.SITE_PREFIX[kind]} {place} ({i + 1})",
            "kind": kind,
            "zone": "rural" if rural else "urbana",
            "area": area,
            "address": None if rural else f"Calle {rng.randint(1, 30)} # {rng.randint(1, 40)}-"
            f"{rng.randint(1, 99)}",
            "active": True,
        }
        w.add("sites", site)
        sites.append(site)
    virtual = {
        "id": w.new_id("sites"),
        "code": f"{prefix}-VIRTUAL",
        "name": "Aula virtual Oficina TIC",
        "kind": "virtual",
        "zone": "urbana",
        "area": "Comuna 1",
        "address": None,
        "active": True,
    }
    w.add("sites", virtual)
    return [*sites, virtual]


def _trainers(w: BulkWriter, rng: random.Random, prefix: str, count: int) -> list[tuple]:
    # Demo trainers exist for rosters, not for logging in: one hash of a random secret nobody
    # knows (not the seed's, which anyone can replay), made the way real accounts' are.
    unusable = hash_password(secrets.token_urlsafe(32))
    ids = []
    for i in range(count):
        first = rng.choice(names.FEMALE if i % 2 else names.MALE)
        name = f"{first} {rng.choice(names.SURNAMES)}"
        w.add(
            "users",
            {
                "id": (uid := w.new_id("users")),
                "email": f"formador{i + 1:02d}.{prefix.lower()}@demo.example.org",
                "name": name,
                "password_hash": unusable,
                "role": "trainer",
                "active": False,
                "created_at": datetime(2020, 1, 2, 8, 0),
            },
        )
        ids.append((uid, name))
    return ids


def _session_days(rng: random.Random, start: date, sessions: int) -> list[date]:
    weekdays = rng.choice(PATTERNS)
    day = start - timedelta(days=start.weekday())
    days = []
    while len(days) < sessions:
        if day.weekday() in weekdays and day >= start:
            days.append(day)
        day += timedelta(days=1)
    return days


def _cohorts(w, rng, prefix, courses, sites, trainers, people, starts,
             today) -> list[CohortPlan]:
    """Cohorts starting between ``starts``; with ``today``, the first one meets weekly on
    today's weekday around it, given to the first trainer (the one ``lms demo`` activates)."""
    total = int(people * ENROLLMENTS_PER_PERSON / sum(COHORT_SIZE) * 2) + 1
    days_span = (starts[1] - starts[0]).days
    physical = [s for s in sites if s["kind"] != "virtual"]
    weights = [0.5 if s["zone"] == "rural" else 1.0 for s in physical]
    codes = list(COURSES)
    plans = []
    for i in range(total):
        code = rng.choices(codes, [COURSES[c][1] for c in codes])[0]
        start = starts[0] + timedelta(days=rng.randrange(days_span))
        lockdown = LOCKDOWN[0] <= start <= LOCKDOWN[1]
        site = sites[-1] if lockdown or rng.random() < 0.05 else rng.choices(physical, weights)[0]
        course = courses[code]
        days = _session_days(rng, start, COURSES[code][0])
        trainer = rng.choice(trainers)
        if today and i == 0:
            sessions = COURSES[code][0]
            days = [today + timedelta(weeks=n - sessions // 2) for n in range(sessions)]
            trainer, start = trainers[0], days[0]
        plan = CohortPlan(w.new_id("cohorts"), f"{prefix}-{code}-{start.year}-{i + 1:05d}",
                          course, site, trainer, days)
        w.add(
            "cohorts",
            {
                "id": plan.id,
                "code": plan.code,
                "course_id": course.id,
                "site_id": site["id"],
                "start_date": plan.days[0],
                "end_date": plan.days[-1],
                "capacity": COHORT_SIZE[1],
                "modality": "virtual" if site["kind"] == "virtual" else "presencial",
            },
        )
        w.add("cohort_trainers", {"cohort_id": plan.id, "user_id": plan.trainer[0]})
        hours = (Decimal(course.hours) / len(plan.days)).quantize(Decimal("0.01"))
        for n, day in enumerate(plan.days):
            sid = w.new_id("sessions")
            plan.session_ids.append(sid)
            topics = names.TOPICS.get(code, ("Sesión",))
            w.add(
                "sessions",
                {
                    "id": sid,
                    "cohort_id": plan.id,
                    "date": day,
                    "start_time": time(14, 0) if day.weekday() < 5 else time(8, 0),
                    "hours": hours,
                    "topic": topics[n % len(topics)],
                },
            )
        plans.append(plan)
    plans.sort(key=lambda p: (p.days[0], p.id))
    return plans


def _allocate(w, rng, cohorts: list[CohortPlan], people: int) -> list[int]:
    """Every person enrolls at least once; some come back for other courses later."""
    person_ids = [w.new_id("people") for _ in range(people)]
    extra = int(people * (ENROLLMENTS_PER_PERSON - 1))
    order = person_ids + rng.choices(person_ids, k=extra)
    rng.shuffle(order)
    pos = 0
    for plan in cohorts:
        size = rng.randint(*COHORT_SIZE)
        batch = order[pos : pos + size]
        pos += size
        if len(batch) < size:
            # Ran out: the last cohorts fill up with returning participants.
            batch += rng.choices(person_ids, k=size - len(batch))
        plan.people = list(dict.fromkeys(batch))  # one enrollment per person and cohort
    return person_ids


def _people(w, rng, person_ids, cohorts, notice_id) -> dict[int, tuple]:
    """People, consents and sensitive data; returns {id: (name, document type, number)}."""
    first_cohort: dict[int, CohortPlan] = {}
    for plan in cohorts:
        for pid in plan.people:
            first_cohort.setdefault(pid, plan)
    used = set(db.session.execute(select(Person.document_type, Person.document_number)).all())
    info = {}
    for pid in person_ids:
        plan = first_cohort.get(pid)
        for table, row in person_rows(rng, pid, plan, notice_id, used):
            w.add(table, row)
            if table == "people":
                info[pid] = (
                    f"{row['first_names']} {row['last_names']}",
                    row["document_type"],
                    row["document_number"],
                )
    return info
