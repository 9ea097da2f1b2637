"""Row generators of the demo: people with consent, attendance with completion, documents."""

import hashlib
import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms.attendance.completion import recompute
from lms.certificates.statuslist import SIZE as STATUS_LIST_SIZE
from lms.courses.models import Cohort, Enrollment
from lms.demo import names
from lms.extensions import db
from lms.people.consent import is_minor
from lms.people.models import AGE_GROUPS

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MIGRANT_DOCS = (("PPT", 0.7), ("PEP", 0.15), ("CE", 0.1), ("PA", 0.05))
#: Share of people up to each age group (cumulative), and the youngest and oldest drawn.
AGE_SHARES, YOUNGEST, OLDEST = (0.08, 0.33, 0.80, 1.0), 14, 82
#: (cumulative share, first age, last age) per age group of the indicators.
AGE_BANDS = tuple(
    (share, max(start, YOUNGEST), following[1] - 1 if following else OLDEST)
    for share, (_, start), following in zip(
        AGE_SHARES, AGE_GROUPS, (*AGE_GROUPS[1:], None), strict=True
    )
)
#: Enrollments per call of the completion rule (it batches its own statements further).
RECOMPUTE_BATCH = 5000


def _document(rng: random.Random, kind: str, birth: date) -> str:
    if kind == "CC":
        if birth.year < 1975:
            return str(rng.choice((13, 27, 37, 60, 88))) + f"{rng.randrange(10**6):06d}"
        return f"{rng.choice((1090, 1092, 1093, 1094))}{rng.randrange(10**6):06d}"
    if kind == "TI":
        return f"1{rng.choice((90, 92, 93))}{rng.randrange(10**8):08d}"
    if kind == "PPT":
        return str(rng.randrange(10**6, 7 * 10**6))
    if kind == "PEP":
        return f"{rng.randrange(10**14, 10**15)}"
    if kind == "CE":
        return str(rng.randrange(10**5, 10**7))
    return f"{rng.randrange(10**8, 10**9)}"  # PA


def person_rows(rng: random.Random, pid: int, plan, notice_id: int, used: set):
    """Yield (table, row) for one person: the record, the consent and maybe sensitive data."""
    start = plan.days[0] if plan else date(2020, 1, 1) + timedelta(days=rng.randrange(1400))
    r = rng.random()
    _, low, high = next(band for band in AGE_BANDS if r < band[0])
    birth = start - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 360))
    minor = is_minor(birth, today=start)
    migrant = rng.random() < 0.09
    if migrant:
        kind = rng.choices([k for k, _ in MIGRANT_DOCS], [p for _, p in MIGRANT_DOCS])[0]
    else:
        kind = "TI" if minor else "CC"
    number = _document(rng, kind, birth)
    while (kind, number) in used:
        number = _document(rng, kind, birth)
    used.add((kind, number))
    sex = rng.choices("FMI", (0.58, 0.415, 0.005))[0]
    first = rng.choice(names.FEMALE if sex == "F" else names.MALE)
    last = f"{rng.choice(names.SURNAMES)} {rng.choice(names.SURNAMES)}"
    site = plan.site if plan else None
    if site and site["kind"] != "virtual" and rng.random() < 0.85:
        zone, area = site["zone"], site["area"]
    elif rng.random() < 0.8:
        zone, area = "urbana", f"Comuna {rng.randint(1, 10)}"
    else:
        zone, area = "rural", rng.choice(names.RURAL)
    granted = datetime.combine(start - timedelta(days=rng.randint(1, 15)), time(rng.randint(8, 17)))
    yield "people", {
        "id": pid,
        "document_type": kind,
        "document_number": number,
        "first_names": first,
        "last_names": last,
        "birth_date": birth,
        "sex": sex,
        "gender_identity": None,
        "phone": f"3{rng.choice((0, 1, 2, 5))}{rng.randint(0, 9)}{rng.randrange(10**7):07d}",
        "email": f"{first.split()[0].lower()}.{pid}@correo.example.org"
        if rng.random() < 0.4
        else None,
        "zone": zone,
        "area": area,
        "barrio": rng.choice(names.BARRIOS[area]) if area in names.BARRIOS else "Centro poblado",
        "created_at": granted,
        "anonymized_at": None,
    }
    if rng.random() < 0.65:
        yield "people_sensitive", {
            "person_id": pid,
            "ethnic_group": rng.choices(names.ETHNIC, (0.06, 0.01, 0.003, 0.001, 0.6))[0]
            if rng.random() < 0.8
            else None,
            "disability": rng.random() < 0.04 if rng.random() < 0.9 else None,
            "victim": rng.random() < 0.12 if rng.random() < 0.85 else None,
            "migrant": migrant,
        }
    guardian = minor and plan is not None
    yield "consents", {
        "person_id": pid,
        "notice_id": notice_id,
        "granted_at": granted,
        "recorded_by_id": plan.trainer[0] if plan else None,
        "channel": rng.choices(("form", "planilla", "api"), (0.6, 0.35, 0.05))[0],
        "guardian_name": f"{rng.choice(names.FEMALE)} {last.split()[0]}" if guardian else None,
        "guardian_document": f"CC {rng.choice((60, 27))}{rng.randrange(10**6):06d}"
        if guardian
        else None,
        "revoked_at": None,
    }


def _status(rng: random.Random, p: float) -> str:
    r = rng.random()
    if r < p - 0.06:
        return "presente"
    if r < p:
        return "tarde"
    return "excusa" if r < p + (1 - p) / 3 else "ausente"


def add_attendance(w, rng: random.Random, cohorts, today: date) -> range:
    """Enrollments and their marks up to ``today``; returns the ids of the enrollments written.

    Hours and completion are left to lms.attendance.completion.recompute (see complete):
    the rule lives in one place. An enrollment in a cohort that is over starts as retirado,
    which the rule keeps unless the person completed; one in a running cohort as inscrito.
    """
    first = w.next_ids["enrollments"]
    for plan in cohorts:
        trainer_id = plan.trainer[0]
        for pid in plan.people:
            eid = w.new_id("enrollments")
            stays = rng.random() < 0.74
            leaves_after = len(plan.days) if stays else rng.randrange(len(plan.days) - 1)
            marks = []
            for n, (sid, day) in enumerate(zip(plan.session_ids, plan.days, strict=True)):
                if day > today:
                    break
                status = _status(rng, 0.94 if stays else 0.85) if n < leaves_after else "ausente"
                source = rng.choices(("planilla", "web", "qr"), (0.45, 0.4, 0.15))[0]
                delay = timedelta(days=rng.randint(1, 6)) if source == "planilla" else timedelta()
                marks.append(
                    {
                        "session_id": sid,
                        "enrollment_id": eid,
                        "status": status,
                        "source": source,
                        "marked_by_id": None if source == "qr" else trainer_id,
                        "marked_at": datetime.combine(min(day + delay, today),
                                                  time(16, rng.randint(0, 59))),
                    }
                )
            w.add(
                "enrollments",
                {
                    "id": eid,
                    "person_id": pid,
                    "cohort_id": plan.id,
                    "status": "retirado" if plan.days[-1] < today else "inscrito",
                    "enrolled_at": datetime.combine(
                        plan.days[0] - timedelta(days=rng.randint(1, 10)), time(10)
                    ),
                    "hours_credited": Decimal(0),
                    "completed_on": None,
                    "completion_conflict": False,
                },
            )
            for mark in marks:
                w.add("attendance", mark)
    return range(first, w.next_ids["enrollments"])


def complete(w, enrollment_ids: range, cohorts) -> list[tuple]:
    """Apply the completion rule to the written enrollments; return the certificate courses'.

    Returns (enrollment_id, person_id, completed_on, plan) for ALFA-DIGITAL completions,
    in enrollment order.
    """
    w.flush()
    for start in range(0, len(enrollment_ids), RECOMPUTE_BATCH):
        recompute(enrollment_ids[start : start + RECOMPUTE_BATCH], notify=False, audit=False)
    plans = {plan.id: plan for plan in cohorts if plan.course.code == "ALFA-DIGITAL"}
    if not plans or not enrollment_ids:
        return []
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.person_id, Enrollment.completed_on, Enrollment.cohort_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.id.between(enrollment_ids[0], enrollment_ids[-1]),
               Cohort.course_id == next(iter(plans.values())).course.id,
               Enrollment.completed_on.is_not(None))
        .order_by(Enrollment.id)
    )
    return [(eid, pid, day, plans[cid]) for eid, pid, day, cid in rows]


def _code(rng: random.Random) -> str:
    raw = "".join(rng.choice(CROCKFORD) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _credential_ids(rng: random.Random, indexes) -> dict:
    return {"subject_id": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "status_index": next(indexes)}


def add_documents(w, rng: random.Random, completions, people: dict, mode: str) -> tuple:
    """Certificates for most ALFA-DIGITAL completions; returns (how they were made, count).

    ``service`` issues signed PDFs through lms.certificates (slow, real); ``placeholder``
    writes the same rows with an empty PDF and JWS (for benchmarks), plus a few revoked
    documents and corrections so the chain rules are exercised.
    """
    # One valid document per person and course (a person may complete it twice): the
    # first completion is the one certified, as issuing would decide.
    chosen, holders = [], set()
    for completion in completions:
        if rng.random() < 0.95 and completion[1] not in holders:
            holders.add(completion[1])
            chosen.append(completion)
    if mode in ("auto", "service"):
        try:
            from lms.certificates.issue import issue_pending
        except ImportError:
            if mode == "service":
                raise
        else:
            w.flush()
            return "service", sum(issue_pending([c[0] for c in chosen]))
    empty = hashlib.sha256(b"").hexdigest()
    # Random status-list bits, as issuing gives (a correction takes one more each).
    indexes = iter(rng.sample(range(STATUS_LIST_SIZE), min(2 * len(chosen), STATUS_LIST_SIZE)))
    for eid, pid, completed_on, plan in chosen:
        name, kind, number = people[pid]
        issued = datetime.combine(
            min(completed_on + timedelta(days=rng.randint(3, 60)), date.today()), time(10)
        )
        row = {
            "enrollment_id": eid,
            "kind": "certificado",
            "holder_name": name,
            "document_type": kind,
            "document_number": number,
            "course_code": plan.course.code,
            "course_name": plan.course.name,
            "hours": Decimal(plan.course.hours),
            "completed_on": completed_on,
            "site_name": plan.site["name"],
            "trainer_name": plan.trainer[1],
            "issued_at": issued,
            "issued_by_id": None,
            "pdf": b"",
            "sha256": empty,
            "jws": "",
            "kid": "demo-sin-firma",
            "download_token_hash": None,
            "revoked_at": None,
            "revoked_reason": None,
            "superseded_by_id": None,
        }
        row |= _credential_ids(rng, indexes)
        r = rng.random()
        if r < 0.01:
            # A correction: the new document is written first so the old one can point to it.
            fixed = dict(row, id=w.new_id("certificates"), code=_code(rng),
                         issued_at=issued + timedelta(days=20), **_credential_ids(rng, indexes))
            w.add("certificates", fixed)
            row["superseded_by_id"] = fixed["id"]
        elif r < 0.02:
            row["revoked_at"] = issued + timedelta(days=30)
            row["revoked_reason"] = "Emitido por error en la planilla"
        w.add("certificates", dict(row, id=w.new_id("certificates"), code=_code(rng)))
    return "placeholder", None
