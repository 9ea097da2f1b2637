"""SQL of the counting rules (SQLAlchemy Core, portable between SQLite and PostgreSQL).

Only lms.indicators.counting uses this; see its docstring for the rules.
"""

from dataclasses import dataclass

from sqlalchemy import Integer, String, case, cast, exists, func, literal, null, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from lms.certificates.models import Certificate
from lms.courses.models import Cohort, Course, Enrollment, PlanIndicator, Site
from lms.indicators.models import IndicatorEvent
from lms.people.models import AGE_GROUPS, Person, PersonSensitive

NO_INFO = "no informa"


class ymd(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """A date as the integer YYYYMMDD: years, months and whole-year ages become arithmetic.

    Age at an event is ``(ymd(event) - ymd(birth)) // 10000`` on both databases, and it is
    much cheaper than strftime/EXTRACT per part (SQLite stores dates as 'YYYY-MM-DD').
    """

    type = Integer()
    inherit_cache = True


@compiles(ymd)
def _ymd_default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return (
        f"CAST(EXTRACT(YEAR FROM {arg}) * 10000 + EXTRACT(MONTH FROM {arg}) * 100"
        f" + EXTRACT(DAY FROM {arg}) AS INTEGER)"
    )


@compiles(ymd, "sqlite")
def _ymd_sqlite(element, compiler, **kw):
    return f"CAST(REPLACE({compiler.process(element.clauses, **kw)}, '-', '') AS INTEGER)"


@compiles(ymd, "postgresql")
def _ymd_postgresql(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    # date_part returns double precision, far cheaper than EXTRACT's numeric.
    return (
        f"CAST(date_part('year', {arg}) * 10000 + date_part('month', {arg}) * 100"
        f" + date_part('day', {arg}) AS INTEGER)"
    )


@dataclass(frozen=True)
class Filters:
    """Dashboard/API filters; site and course are codes, zone is urbana or rural."""

    year: int | None = None
    site: str | None = None
    zone: str | None = None
    course: str | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (only those set)."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


_E = Enrollment.__table__
_C = Cohort.__table__
_CO = Course.__table__
_P = Person.__table__
_PS = PersonSensitive.__table__
_S = Site.__table__
_IE = IndicatorEvent.__table__


def events_query(ind: PlanIndicator):
    """Qualifying events of one indicator: one row per qualifying enrollment."""
    product_courses = select(_CO.c.id).where(_CO.c.product_code == ind.product_code)
    query = (
        select(
            _E.c.id.label("enrollment_id"),
            _E.c.person_id,
            _E.c.completed_on.label("event_date"),
            _E.c.cohort_id,
            _C.c.site_id,
            _C.c.course_id,
        )
        .select_from(_E.join(_C, _C.c.id == _E.c.cohort_id))
        .where(
            _C.c.course_id.in_(product_courses),
            _E.c.completed_on.is_not(None),
            _E.c.completed_on >= ind.period_start,
            _E.c.completed_on <= ind.period_end,
        )
    )
    if ind.rule == "certified":
        # Only the chain's latest document can be valid (Certificate.is_valid).
        query = query.where(
            exists().where(Certificate.enrollment_id == _E.c.id, Certificate.is_valid)
        )
    return query


#: The breakdowns by the person's record (and their age at the event): stored with each first
#: event, so the figures never join the people.
PERSON_DIMENSIONS = ("sex", "age_group", "zone", "area", "ethnic", "disability", "victim",
                     "migrant")


def age_group_key(birth, event_date):
    """The age-group key of someone born on ``birth`` on ``event_date`` (SQL)."""
    # Whole years at the event date: YYYYMMDD(event) - YYYYMMDD(birth) >= N * 10000
    # exactly when the N-th birthday has been reached.
    diff = ymd(event_date) - ymd(birth)
    # A group holds the ages below the next group's first age; the last one the rest.
    below = [
        (diff < start * 10000, label)
        for (label, _), (_, start) in zip(AGE_GROUPS, AGE_GROUPS[1:], strict=False)
    ]
    return case((birth.is_(None), literal(NO_INFO)), *below, else_=AGE_GROUPS[-1][0])


def person_keys(event_date) -> list:
    """The key of every person-attribute breakdown (``people`` and ``people_sensitive``
    joined), each labelled with its dimension's name: the definition the stored copy keeps."""
    nothing = literal(NO_INFO)

    def flag(column):
        return case((column.is_(True), "si"), (column.is_(False), "no"), else_=nothing)

    ethnic = _PS.c.ethnic_group
    keys = {
        "sex": func.coalesce(_P.c.sex, nothing),
        "age_group": age_group_key(_P.c.birth_date, event_date),
        "zone": func.coalesce(_P.c.zone, nothing),
        "area": func.coalesce(_P.c.area, nothing),
        "ethnic": case((func.coalesce(ethnic, "") == "", nothing), else_=ethnic),
        "disability": flag(_PS.c.disability),
        "victim": flag(_PS.c.victim),
        "migrant": flag(_PS.c.migrant),
    }
    return [keys[name].label(name) for name in PERSON_DIMENSIONS]


def first_events(ind: PlanIndicator, attribution: bool, people=None):
    """One row per person: the first qualifying event (with its site, course and the person's
    breakdown keys if asked), computed in full from enrollments, documents and the people
    (only ``people``, if given).

    The definition of the figures; ``lms.indicators.events`` keeps ``indicator_events``
    equal to it and the figures are read from there (``stored_first_events``).
    """
    events = events_query(ind)
    if people is not None:
        events = events.where(_E.c.person_id.in_(people))
    if not attribution:
        # Cheaper: the minimum date is all the person-level figures need.
        inner = events.subquery("ev")
        return (
            select(inner.c.person_id, func.min(inner.c.event_date).label("event_date"))
            .group_by(inner.c.person_id)
            .subquery("first")
        )
    rank = func.row_number().over(
        partition_by=_E.c.person_id, order_by=(_E.c.completed_on, _E.c.id)
    )
    ranked = events.add_columns(rank.label("rn")).subquery("ranked")
    return (
        select(
            ranked.c.person_id,
            ranked.c.event_date,
            ranked.c.site_id,
            ranked.c.course_id,
            ranked.c.enrollment_id,
            ranked.c.cohort_id,
            *person_keys(ranked.c.event_date),
        )
        .select_from(ranked.join(_P, _P.c.id == ranked.c.person_id)
                     .outerjoin(_PS, _PS.c.person_id == ranked.c.person_id))
        .where(ranked.c.rn == 1)
        .subquery("first")
    )


def stored_first_events(ind: PlanIndicator, attribution: bool):
    """The same rows as ``first_events``, read from ``indicator_events`` alone."""
    if not attribution:
        return (
            select(_IE.c.person_id, _IE.c.event_date)
            .where(_IE.c.indicator_id == ind.id)
            .subquery("first")
        )
    return (
        select(
            _IE.c.person_id,
            _IE.c.event_date,
            _IE.c.site_id,
            _IE.c.course_id,
            _IE.c.enrollment_id,
            _IE.c.cohort_id,
            *(_IE.c[name] for name in PERSON_DIMENSIONS),
        )
        .where(_IE.c.indicator_id == ind.id)
        .subquery("first")
    )


class IndicatorQuery:
    """Builds a SELECT over the first events, joining only the tables a figure needs."""

    def __init__(self, ind: PlanIndicator, filters: Filters, attribution: bool = False,
                 computed: bool = False):
        attribution = attribution or bool(filters.site or filters.course or filters.zone)
        self.first = (first_events if computed else stored_first_events)(ind, attribution)
        self.filters = filters
        self.joined: set[str] = set()
        self.source = self.first
        self.where = []
        if filters.year:
            self.where.append(self.year == filters.year)
        if filters.zone:
            self.where.append(self.first.c.zone == filters.zone)
        if filters.site:
            self.where.append(self.col("sites", _S.c.code) == filters.site)
        if filters.course:
            self.where.append(self.col("courses", _CO.c.code) == filters.course)

    @property
    def year(self):
        """Year of the first event."""
        return ymd(self.first.c.event_date) // 10000

    @property
    def month(self):
        """Month (1-12) of the first event."""
        return (ymd(self.first.c.event_date) // 100) % 100

    def col(self, table: str, column):
        """Use a column of a joined table, joining it on first use."""
        if table not in self.joined:
            self.joined.add(table)
            f = self.first.c
            if table == "people":
                self.source = self.source.join(_P, _P.c.id == f.person_id)
            elif table == "sites":
                self.source = self.source.join(_S, _S.c.id == f.site_id)
            elif table == "courses":
                self.source = self.source.join(_CO, _CO.c.id == f.course_id)
        return column

    def dimension(self, name: str):
        """(key, label) SQL expressions of a breakdown."""
        if name in PERSON_DIMENSIONS:
            return self.first.c[name], None
        if name == "site":
            return self.col("sites", _S.c.code), self.col("sites", _S.c.name)
        if name == "course":
            return self.col("courses", _CO.c.code), self.col("courses", _CO.c.name)
        raise KeyError(name)

    def select(self, *columns):
        """SELECT columns FROM the joined sources WHERE the filters hold."""
        return select(*columns).select_from(self.source).where(*self.where)

    def all_dimensions(self, names):
        """One statement grouping the same people along every dimension: rows (dim, key, label, n).

        The per-person rows (the stored first event with its keys, the site's and course's
        codes and names) are computed once in a CTE that both databases materialise because it is
        read once per dimension; each dimension is then a GROUP BY over it, glued with
        UNION ALL (GROUPING SETS would do the same on PostgreSQL but SQLite lacks it).
        """
        columns = []
        for name in names:
            key, label = self.dimension(name)
            columns.append(key.label(f"{name}_k"))
            if label is not None:
                columns.append(label.label(f"{name}_l"))
        per_person = self.select(*columns).cte("per_person")
        no_label = cast(null(), String)
        parts = []
        for name in names:
            key = per_person.c[f"{name}_k"]
            label = per_person.c.get(f"{name}_l")
            grouped = [key] if label is None else [key, label]
            parts.append(
                select(
                    literal(name).label("dim"),
                    key.label("key"),
                    (no_label if label is None else label).label("label"),
                    func.count().label("n"),
                ).group_by(*grouped)
            )
        return union_all(*parts)
