"""The one owner of ``indicator_events``: each person's first qualifying event per indicator,
kept equal to the full computation (``query.first_events``) in the transaction of every change
it depends on, so the figures are read from a small table instead of recomputed.

What a person's first event depends on, and how this module hears of each change:

* completion dates (``attendance.completion.recompute``, set-based): the
  ``completions_changed`` signal;
* documents issued (a bulk insert, ``certificates.issue``): ``documents_issued``;
  revocations and corrections are ORM changes, seen at flush;
* merges and their undoing move enrollments and documents between people:
  ``people_merged`` / ``people_unmerged`` (the deleted duplicate's rows go with it, by the
  foreign key's cascade); anonymisation keeps the counts but is refreshed all the same;
* ORM changes of enrollments, documents, a cohort's course or site, a course's product or an
  indicator (factories, forms, the API), seen by the flush hook below;
* the breakdown keys stored with each event (``query.person_keys``: sex, age group at the
  event, zone, area and the optional self-identification): a correction of the person or of
  their sensitive answers, seen by the same hook, and merges and anonymisation above.

Each of them only marks who is affected (in ``session.info``); ``settle`` recomputes those
people (or whole indicators) just before the transaction commits, and before any figure is
read inside it. Marking too much costs a little time; marking too little would be a wrong
figure, so when in doubt a hook marks. ``rebuild`` recomputes everything (the demo, bulk
loads, ``lms indicators --rebuild``) and ``differences`` compares the table with the full
computation (tests, ``lms indicators --check``).
"""

from functools import lru_cache

from sqlalchemy import bindparam, delete, event, func, insert, inspect, literal, select
from sqlalchemy.orm import Session

from lms.attendance.signals import completions_changed
from lms.certificates.models import Certificate
from lms.certificates.signals import documents_issued
from lms.courses.models import Cohort, Course, Enrollment, PlanIndicator
from lms.courses.signals import cohort_course_changed
from lms.extensions import db
from lms.indicators.models import IndicatorEvent
from lms.indicators.query import PERSON_DIMENSIONS, first_events
from lms.people.models import Person, PersonSensitive
from lms.people.signals import people_merged, people_unmerged, person_anonymized

_KEY = "indicator_events_pending"
_T = IndicatorEvent.__table__
#: People per statement when refreshing (well under every backend's parameter limit).
BATCH = 500
#: Above this many affected people a full rebuild is cheaper than refreshing them in batches.
REBUILD_ABOVE = 20_000
_COLUMNS = ("indicator_id", "person_id", "enrollment_id", "cohort_id", "event_date",
            "site_id", "course_id", *PERSON_DIMENSIONS)
#: Columns whose change can move a first event or what is stored with it, per model.
_WATCHED = {
    Enrollment: ("completed_on", "person_id", "cohort_id"),
    Certificate: ("revoked_at", "superseded_by_id", "enrollment_id"),
    Cohort: ("course_id", "site_id"),
    Course: ("product_code",),
    PlanIndicator: ("product_code", "period_start", "period_end", "rule"),
    Person: ("sex", "zone", "area", "birth_date"),
    PersonSensitive: ("ethnic_group", "disability", "victim", "migrant"),
}
#: What a change of each watched model marks, and the attribute that names it.
_MARKS = {
    Enrollment: ("people", "person_id"),
    Certificate: ("enrollments", "enrollment_id"),
    Cohort: ("cohorts", "id"),
    Course: ("products", "product_code"),
    PlanIndicator: ("indicators", "id"),
    Person: ("people", "id"),
    PersonSensitive: ("people", "person_id"),
}


def _pending(session: Session) -> dict:
    return session.info.setdefault(
        _KEY, {"people": set(), "enrollments": set(), "cohorts": set(), "products": set(),
               "indicators": set()}
    )


def mark(kind: str, ids, session: Session | None = None) -> None:
    """Note that the first events of these people (or of the people of these enrollments or
    cohorts, or of the indicators of these products, or these indicators) may have moved."""
    _pending(session or db.session)[kind].update(i for i in ids if i is not None)


def settle(session: Session | None = None) -> None:
    """Bring the table up to date with everything marked in this transaction."""
    session = session or db.session
    session.flush()
    pending = session.info.pop(_KEY, None)
    if not pending or not any(pending.values()):
        return
    indicators = session.execute(select(PlanIndicator)).scalars().all()
    if not indicators:
        return
    whole = {i.id for i in indicators if i.id in pending["indicators"]
             or i.product_code in pending["products"]}
    people = set(pending["people"])
    for column, ids in ((Enrollment.id, pending["enrollments"]),
                        (Enrollment.cohort_id, pending["cohorts"])):
        for part in _chunks(sorted(ids)):
            people.update(session.scalars(select(Enrollment.person_id).where(column.in_(part))))
    if len(people) > REBUILD_ABOVE:
        whole = {i.id for i in indicators}
    for ind in indicators:
        if ind.id in whole:
            _rebuild_one(session, ind)
    rest = [i for i in indicators if i.id not in whole]
    if people and rest:
        _refresh(session, sorted(people), rest)


def rebuild() -> None:
    """Recompute the whole table from the full computation (bulk loads, repairs)."""
    db.session.flush()
    db.session.info.pop(_KEY, None)
    db.session.execute(delete(_T))
    for ind in db.session.execute(select(PlanIndicator)).scalars():
        _rebuild_one(db.session, ind)


def differences() -> list[tuple]:
    """Rows where the table and the full computation disagree (empty when they agree):
    ``(source, indicator_id, person_id, enrollment_id, cohort_id, event_date, site_id,
    course_id, *breakdown keys)``."""
    settle()
    stored = set(db.session.execute(select(*(_T.c[name] for name in _COLUMNS))).all())
    computed = set()
    for ind in db.session.execute(select(PlanIndicator)).scalars():
        computed.update(tuple(row) for row in db.session.execute(_computed(ind)))
    return sorted([("tabla", *r) for r in stored - computed]
                  + [("cálculo", *r) for r in computed - stored])


def _computed(ind: PlanIndicator, people=None):
    first = first_events(ind, attribution=True, people=people)
    return select(literal(ind.id), *(first.c[name] for name in _COLUMNS[1:]))


@lru_cache(maxsize=64)
def _refresh_insert(ind_id: int, product_code: str, start, end, rule: str):
    """INSERT of some people's first events (``:people``), built once per indicator version:
    building the statement costs more than running it for a handful of people."""
    ind = PlanIndicator(id=ind_id, product_code=product_code, period_start=start,
                        period_end=end, rule=rule)
    people = bindparam("people", expanding=True)
    return insert(_T).from_select(list(_COLUMNS), _computed(ind, people))


def _rebuild_one(session: Session, ind: PlanIndicator) -> None:
    session.execute(delete(_T).where(_T.c.indicator_id == ind.id))
    session.execute(insert(_T).from_select(list(_COLUMNS), _computed(ind)))


def _refresh(session: Session, people: list[int], indicators: list[PlanIndicator]) -> None:
    # Lock the people first, in id order: two transactions completing two enrollments of one
    # person then refresh one after the other, the second reading the first's committed rows
    # (NO KEY UPDATE, so enrollments and marks referring to them are not blocked).
    ids = [i.id for i in indicators]
    for part in _chunks(people):
        session.execute(select(Person.id).where(Person.id.in_(part)).order_by(Person.id)
                        .with_for_update(key_share=True)).all()
        session.execute(delete(_T).where(_T.c.indicator_id.in_(ids), _T.c.person_id.in_(part)))
        for ind in indicators:
            statement = _refresh_insert(ind.id, ind.product_code, ind.period_start,
                                        ind.period_end, ind.rule)
            session.execute(statement, {"people": part})


def _chunks(ids: list):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def count_rows() -> int:
    """Rows in the table (for the CLI's report)."""
    settle()
    return db.session.scalar(select(func.count()).select_from(_T))


# --- what marks: ORM changes at flush, signals of set-based writers ---------------------


def _key(obj) -> tuple[str, str]:
    """(what to mark, the attribute naming it) for a watched object."""
    return _MARKS[type(obj)]


def _touched(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _WATCHED[type(obj)])


@event.listens_for(Session, "before_flush")
def _seen_before_flush(session: Session, _context, _instances) -> None:
    # Who was affected BEFORE the change (the old person of a moved enrollment, the old
    # product of a course): an attribute set on an expired object has no old value in its
    # history, so the row is read as the database still has it.
    for obj in session.dirty | session.deleted:
        if type(obj) not in _WATCHED or (obj in session.dirty and not _touched(obj)):
            continue
        kind, name = _key(obj)
        hist = inspect(obj).attrs[name].history
        old = list(hist.deleted) or list(hist.unchanged)
        if not old:
            table = type(obj).__table__
            old = [session.connection().scalar(
                select(table.c[name]).where(table.c.id == inspect(obj).identity[0]))]
        mark(kind, old, session)


@event.listens_for(Session, "after_flush")
def _seen_after_flush(session: Session, _context) -> None:
    # ... and after it (new rows have their ids and foreign keys only now). A new person
    # has no event yet (their enrollments mark them), nor do their first answers.
    new_people = {obj.id for obj in session.new if type(obj) is Person}
    for obj in session.new | session.dirty:
        if type(obj) not in _WATCHED or obj in session.deleted:
            continue
        if type(obj) in (Person, PersonSensitive) and obj in session.new and \
                getattr(obj, _MARKS[type(obj)][1]) in new_people:
            continue
        if obj in session.dirty and not _touched(obj):
            continue
        kind, name = _key(obj)
        mark(kind, [getattr(obj, name)], session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    settle(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # Only when the whole transaction ends: a savepoint rolled back inside a request leaves
    # the earlier marks standing (refreshing them again is harmless).
    if transaction.parent is None:
        session.info.pop(_KEY, None)


def _on_completions(_sender, *, enrollment_ids, **_extra) -> None:
    mark("enrollments", enrollment_ids)


def _on_issued(_sender, *, ids, **_extra) -> None:
    # Issued in bulk (a Core insert the flush hook does not see): their enrollments.
    if ids:
        mark("enrollments", db.session.scalars(
            select(Certificate.enrollment_id).where(Certificate.id.in_(ids))))


def _on_merge(sender, *, merged_id=None, restored_id=None, **_extra) -> None:
    mark("people", [sender.id, merged_id, restored_id])


def _on_anonymized(sender, **_extra) -> None:
    mark("people", [sender.id])


def _on_cohort_course(_sender, *, cohort_id, **_extra) -> None:
    mark("cohorts", [cohort_id])


completions_changed.connect(_on_completions, weak=False)
documents_issued.connect(_on_issued, weak=False)
people_merged.connect(_on_merge, weak=False)
people_unmerged.connect(_on_merge, weak=False)
person_anonymized.connect(_on_anonymized, weak=False)
cohort_course_changed.connect(_on_cohort_course, weak=False)
