"""The one place where plan indicators are counted; every page, export, API and command calls it.

Counting is set-based SQL (SQLAlchemy Core) that runs the same on SQLite and PostgreSQL:

* a qualifying event is a complete enrollment in a course of the indicator's product whose
  completion date falls inside the period; for the ``certified`` rule the enrollment must also
  be certified by a valid document (``Certificate.is_valid``: only a chain's latest,
  unrevoked document is). The event date is always the enrollment's completion date, so a
  correction or a late issue never moves a person to another year;
* each person counts once, on their FIRST qualifying event in the period (earliest completion
  date, ties broken by the lowest enrollment id);
* breakdowns by site and course attribute the person to the site and course of that first
  event, and breakdowns by person attributes (sex, age group at the event date, zone, area,
  differential-approach flags) read the person record (``query.person_keys``), so every
  breakdown shares out exactly the same people as the total — never more;
* the per-person first events are computed in full by ``query.first_events`` (the definition)
  and kept in the ``indicator_events`` table by ``lms.indicators.events``, in the transaction
  of every change they depend on, with the site, course and person keys of each; the figures
  below read that table alone (sites and courses only for their codes and names);
* filters (site, course, zone) select people by that same attribution, so a filtered figure
  equals the matching breakdown cell; the year filter selects people by the year of their
  first event.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from lms.courses.models import PlanIndicator
from lms.extensions import db
from lms.formatting import N_
from lms.indicators import events
from lms.indicators.query import _CO, _P, _S, NO_INFO, Filters, IndicatorQuery
from lms.people.models import AGE_GROUPS as _AGES
from lms.people.models import SEXES, ZONES
from lms.timeutil import utcnow

__all__ = ["NO_INFO", "Filters", "DIMENSIONS", "Summary"]
AGE_GROUPS = tuple(label for label, _ in _AGES)
FLAG_LABELS = {"si": N_("Sí"), "no": N_("No")}
NO_FILTERS = Filters()


@dataclass
class Summary:
    """Goal, achieved and per-year figures of one indicator."""

    indicator: PlanIndicator
    total: int
    achieved: int
    by_year: dict[int, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        """Achieved as a percentage of the goal, one decimal."""
        goal = self.indicator.goal
        return round(self.achieved * 100 / goal, 1) if goal else 0.0


@dataclass
class Dimension:
    """A breakdown: its title (marked with N_, translated where shown), fixed categories (if
    any) and how to label keys."""

    name: str
    title: str
    #: The table's name in exports and open data (Spanish, no spaces or accents).
    slug: str
    categories: tuple[str, ...] = ()
    labels: dict = field(default_factory=dict)

    def label(self, key: str, raw_label: str | None = None) -> str:
        """Display label for a key."""
        return self.labels.get(key) or raw_label or key


DIMENSIONS = {
    d.name: d
    for d in (
        Dimension("sex", N_("Sexo"), "sexo", (*SEXES, NO_INFO), dict(SEXES)),
        Dimension("age_group", N_("Grupo de edad"), "grupo_edad", (*AGE_GROUPS, NO_INFO)),
        Dimension("zone", N_("Zona"), "zona", (*ZONES, NO_INFO), dict(ZONES)),
        Dimension("area", N_("Comuna o corregimiento"), "comuna_corregimiento"),
        Dimension("site", N_("Sede"), "sede"),
        Dimension("course", N_("Curso"), "curso"),
        Dimension("ethnic", N_("Grupo étnico"), "grupo_etnico"),
        Dimension("disability", N_("Discapacidad"), "discapacidad", ("si", "no", NO_INFO),
                  FLAG_LABELS),
        Dimension("victim", N_("Víctima del conflicto armado"), "victima", ("si", "no", NO_INFO),
                  FLAG_LABELS),
        Dimension("migrant", N_("Migrante"), "migrante", ("si", "no", NO_INFO), FLAG_LABELS),
    )
}


#: What each counting rule counts, in plain Spanish (exports, open data, pages).
RULE_TEXT = {
    "completed": N_("Personas que completaron un curso del producto"),
    "certified": N_("Personas con un certificado vigente de un curso del producto"),
}


def rule_text(ind: PlanIndicator) -> str:
    """The indicator's counting rule in plain Spanish."""
    return RULE_TEXT.get(ind.rule, ind.rule)


def list_indicators() -> list[PlanIndicator]:
    """All plan indicators, in the order they were configured."""
    return list(db.session.scalars(select(PlanIndicator).order_by(PlanIndicator.id)))


def get_indicator(code: str) -> PlanIndicator | None:
    """The indicator with this code, or None."""
    return db.session.scalar(select(PlanIndicator).where(PlanIndicator.code == code))


def period_years(ind: PlanIndicator) -> list[int]:
    """Every calendar year the period touches."""
    return list(range(ind.period_start.year, ind.period_end.year + 1))


def pseudonym(person_id: int) -> str:
    """A stable pseudonymous ID (HMAC of the person id) for analysts: no name, no document."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:12].upper()}"


def summary(ind: PlanIndicator, filters: Filters = NO_FILTERS) -> Summary:
    """Total, per-year and achieved (that year's count when filtering by year) in one query."""
    events.settle()
    q = IndicatorQuery(ind, Filters(None, filters.site, filters.zone, filters.course))
    year = q.year.label("year")
    rows = db.session.execute(q.select(year, func.count()).group_by(year)).all()
    by_year = {y: 0 for y in period_years(ind)}
    for y, n in rows:
        by_year[int(y)] = by_year.get(int(y), 0) + n
    total = sum(by_year.values())
    achieved = by_year.get(filters.year, 0) if filters.year else total
    return Summary(ind, total, achieved, by_year)


def summaries(filters: Filters = NO_FILTERS) -> list[Summary]:
    """Summaries of every indicator (one query per indicator plus one for the list)."""
    return [summary(ind, filters) for ind in list_indicators()]


def monthly(ind: PlanIndicator, filters: Filters = NO_FILTERS) -> list[dict]:
    """People per month of their first event, with the running total, over the period."""
    events.settle()
    q = IndicatorQuery(ind, filters)
    year, month = q.year.label("y"), q.month.label("m")
    counts = {
        (int(y), int(m)): n
        for y, m, n in db.session.execute(q.select(year, month, func.count()).group_by(year, month))
    }
    rows, running = [], 0
    y, m = ind.period_start.year, ind.period_start.month
    while (y, m) <= (ind.period_end.year, ind.period_end.month):
        if not filters.year or filters.year == y:
            running += counts.get((y, m), 0)
            rows.append({"month": f"{y}-{m:02d}", "count": counts.get((y, m), 0), "total": running})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def breakdown(ind: PlanIndicator, by: str, filters: Filters = NO_FILTERS) -> list[dict]:
    """Rows {key, label, count} sharing out the indicator's people along one dimension."""
    dim = DIMENSIONS[by]
    events.settle()
    q = IndicatorQuery(ind, filters, attribution=True)  # stored: the keys cost nothing
    key, label = q.dimension(by)
    columns = [key.label("key")] + ([label.label("label")] if label is not None else [])
    stmt = q.select(*columns, func.count().label("n")).group_by(*columns)
    found = {row.key: (row.n, getattr(row, "label", None)) for row in db.session.execute(stmt)}
    return _breakdown_rows(dim, found)


def breakdowns(ind: PlanIndicator, filters: Filters = NO_FILTERS) -> dict[str, list[dict]]:
    """Every breakdown of one indicator in ONE query: {name: the rows breakdown() returns}.

    The dashboard and the exports show all ten tables; one pass over the per-person first
    events replaces ten queries that each recomputed them.
    """
    events.settle()
    q = IndicatorQuery(ind, filters, attribution=True)
    found: dict[str, dict] = {name: {} for name in DIMENSIONS}
    for row in db.session.execute(q.all_dimensions(list(DIMENSIONS))):
        found[row.dim][row.key] = (row.n, row.label)
    return {name: _breakdown_rows(dim, found[name]) for name, dim in DIMENSIONS.items()}


def _breakdown_rows(dim: Dimension, found: dict) -> list[dict]:
    """Fixed categories first (zeros included), then the others by count, `no informa` last."""
    keys = list(dim.categories) + sorted(
        (k for k in found if k not in dim.categories),
        key=lambda k: (k == NO_INFO, -found[k][0], str(k)),
    )
    rows = []
    for k in keys:
        n, raw_label = found.get(k, (0, None))
        rows.append({"key": k, "label": dim.label(k, raw_label), "count": n})
    return rows


def people(
    ind: PlanIndicator,
    filters: Filters = NO_FILTERS,
    *,
    by: str | None = None,
    key: str | None = None,
    month: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """The people behind a figure (a breakdown cell, a month, or the running total up to a
    month), with a count."""
    events.settle()
    q = IndicatorQuery(ind, filters, attribution=True)
    if by:
        q.where.append(q.dimension(by)[0] == key)
    if month:
        y, m = (int(part) for part in month.split("-"))
        q.where.extend([q.year == y, q.month == m])
    if until:
        y, m = (int(part) for part in until.split("-"))
        q.where.append((q.year < y) | ((q.year == y) & (q.month <= m)))
    age, _ = q.dimension("age_group")
    stmt = q.select(
        q.first.c.person_id,
        q.first.c.event_date,
        q.col("people", _P.c.document_type),
        _P.c.document_number,
        _P.c.first_names,
        _P.c.last_names,
        _P.c.sex,
        _P.c.zone,
        _P.c.area,
        _P.c.anonymized_at,
        age.label("age_group"),
        q.col("sites", _S.c.name).label("site"),
        q.col("courses", _CO.c.code).label("course"),
    ).order_by(q.first.c.event_date, q.first.c.person_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = [dict(row._mapping) for row in db.session.execute(stmt)]
    return total, rows


def report(filters: Filters = NO_FILTERS, generated: str | None = None) -> dict:
    """The indicators JSON of the CLI and the API (issue 5 contract)."""
    stamp = generated or utcnow().replace(microsecond=0).isoformat() + "Z"
    return {
        "generated": stamp,
        "indicators": [_summary_json(s) for s in summaries(filters)],
    }


def _summary_json(s: Summary) -> dict:
    ind = s.indicator
    return {
        "code": ind.code,
        "name": ind.name,
        "product": ind.product_code,
        "rule": ind.rule,
        "period": {"start": _iso(ind.period_start), "end": _iso(ind.period_end)},
        "goal": ind.goal,
        "achieved": s.achieved,
        "percent": s.percent,
        "by_year": {str(y): n for y, n in sorted(s.by_year.items())},
    }


def _iso(value: date) -> str:
    return value.isoformat()
