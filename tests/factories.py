"""Small factories for test data; each returns a flushed model with sensible defaults."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from werkzeug.security import generate_password_hash

from lms.auth.models import User
from lms.config import TestConfig
from lms.courses.models import Cohort, Course, CourseSession, Enrollment, PlanIndicator, Site
from lms.extensions import db
from lms.people.models import Consent, Person, PrivacyNotice
from lms.timeutil import local_today

_seq = count(1)
PASSWORD = "clave-de-prueba-123"
_HASH = generate_password_hash(PASSWORD, method=TestConfig.PASSWORD_HASH_METHOD)


def _save(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role="admin", **kw):
    """A staff account whose password is PASSWORD."""
    n = next(_seq)
    kw.setdefault("email", f"{role}{n}@example.org")
    kw.setdefault("name", f"{role.title()} {n}")
    return _save(User(role=role, password_hash=_HASH, **kw))


def notice(**kw):
    """A privacy notice version."""
    kw.setdefault("version", f"v{next(_seq)}")
    kw.setdefault("text", "Aviso de privacidad de prueba.")
    return _save(PrivacyNotice(**kw))


def person(consent=True, **kw):
    """An adult person with a recorded consent."""
    n = next(_seq)
    kw.setdefault("document_type", "CC")
    kw.setdefault("document_number", str(10_000_000 + n))
    kw.setdefault("first_names", f"Nombre{n}")
    kw.setdefault("last_names", f"Apellido{n}")
    kw.setdefault("birth_date", date(1990, 1, 1))
    kw.setdefault("sex", "F")
    kw.setdefault("zone", "urbana")
    p = _save(Person(**kw))
    if consent:
        _save(Consent(person=p, notice=notice(), channel="form", granted_at=datetime(2020, 1, 1)))
    return p


def site(**kw):
    """An urban CAC."""
    n = next(_seq)
    kw.setdefault("code", f"SEDE-{n}")
    kw.setdefault("name", f"Sede {n}")
    kw.setdefault("kind", "cac")
    kw.setdefault("zone", "urbana")
    kw.setdefault("area", "Comuna 1")
    return _save(Site(**kw))


def indicator(**kw):
    """A plan indicator for the basic ICT product."""
    kw.setdefault("code", f"IND-{next(_seq)}")
    kw.setdefault("name", "Personas capacitadas")
    kw.setdefault("product_code", "2301031")
    kw.setdefault("goal", 3200)
    kw.setdefault("period_start", date(2020, 1, 1))
    kw.setdefault("period_end", date(2023, 12, 31))
    kw.setdefault("rule", "completed")
    return _save(PlanIndicator(**kw))


def course(**kw):
    """A 20-hour course needing 80% attendance, granting a constancia."""
    kw.setdefault("code", f"CURSO-{next(_seq)}")
    kw.setdefault("name", "Uso básico de las TIC")
    kw.setdefault("hours", Decimal("20"))
    kw.setdefault("min_attendance_pct", 80)
    kw.setdefault("grants_document", True)
    kw.setdefault("document_kind", "constancia")
    kw.setdefault("product_code", "2301031")
    return _save(Course(**kw))


def cohort(trainers=(), **kw):
    """A cohort of a new course at a new site, started in February 2021 and still open (a
    year from today), so it takes new people; give ``end_date`` for one that has ended."""
    kw.setdefault("code", f"G-{next(_seq)}")
    kw.setdefault("course", kw.get("course") or course())
    kw.setdefault("site", kw.get("site") or site())
    kw.setdefault("start_date", date(2021, 2, 1))
    kw.setdefault("end_date", local_today() + timedelta(days=365))
    c = _save(Cohort(**kw))
    c.trainers.extend(trainers)
    db.session.flush()
    return c


def session(cohort, day=None, hours="4", **kw):
    """A session of a cohort."""
    kw.setdefault("start_time", time(8, 0))
    return _save(
        CourseSession(cohort=cohort, date=day or cohort.start_date, hours=Decimal(hours), **kw)
    )


def enrollment(cohort=None, person_=None, **kw):
    """A person enrolled in a cohort."""
    return _save(
        Enrollment(cohort=cohort or globals()["cohort"](), person=person_ or person(), **kw)
    )

#: The keys of every API error body (RFC 9457 problem details plus ``code`` and ``fields``).
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "fields"}
