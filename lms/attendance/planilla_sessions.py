"""Planilla import: the course, site, cohort and session of each row, a chunk at a time.

Cohorts are looked up (and their sessions read) once per chunk with one IN query each,
new cohorts are written by one flush, and new sessions go through the courses domain's
batch rule (``add_sessions``), so a chunk of 1,000 rows costs a few statements instead
of several per session. The session rule itself stays in lms.courses.

A cohort or session the file names but the database lacks is usually a typo (a group code
one digit off, a date with no meeting), so one is created only when the import is asked to
(``create_new``, the «crear grupos y sesiones nuevos» choice); otherwise each such row is an
error naming the code or date. Every cohort and session created is named in the result.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from lms import formatting
from lms.attendance.planilla_rows import PlanillaRow
from lms.courses.models import Cohort, Course, CourseSession, Site
from lms.courses.services import add_sessions
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, hours_count, label, short_date

#: The choice that lets an import create cohorts and sessions (form and CLI say it so).
CREATE_NEW = N_("crear grupos y sesiones nuevos")


class SessionPlacer:
    """Finds or creates the cohort and session of each row; reports problems to ``report``.

    ``report`` is the importer: it has ``error(row, column, message)``,
    ``rule_error(row, exc, default_column)`` and ``result`` (the counts).
    """

    def __init__(self, report, create_new: bool = False):
        self.report = report
        self.create_new = create_new
        self.courses: dict[str, int | None] = {}
        self.sites: dict[str, int | None] = {}
        self.cohorts: dict[str, Cohort] = {}
        #: Cohorts this import created: their dates follow their sessions.
        self.new_cohorts: set[int] = set()
        self.sessions: dict[tuple[int, date], tuple[int, Decimal]] = {}

    def place(self, rows: list[PlanillaRow]) -> list[tuple[PlanillaRow, int]]:
        """(row, session id), in file order, for every row whose session is valid."""
        session_of = self._sessions(self._cohorts(rows))
        return [(row, session_of[row.number]) for row in rows if row.number in session_of]

    # -- course, site and cohort -----------------------------------------------------------
    def _code(self, model, code: str, cache: dict) -> int | None:
        if code not in cache:
            cache[code] = db.session.scalar(select(model.id).where(model.code == code))
        return cache[code]

    def _cohorts(self, rows: list[PlanillaRow]) -> list[tuple[PlanillaRow, Cohort]]:
        unknown = {row.cohort for row in rows} - self.cohorts.keys()
        if unknown:
            found = db.session.scalars(select(Cohort).where(Cohort.code.in_(unknown))).all()
            self.cohorts.update({cohort.code: cohort for cohort in found})
            self._load_sessions([cohort.id for cohort in found])
        valid: list[tuple[PlanillaRow, int, int]] = []
        for row in rows:
            course_id = self._code(Course, row.course, self.courses)
            site_id = self._code(Site, row.site, self.sites)
            if course_id is None:
                self.report.error(row.number, "curso",
                                  _("el curso «%(code)s» no existe", code=row.course))
            if site_id is None:
                self.report.error(row.number, "sede",
                                  _("la sede «%(code)s» no existe", code=row.site))
            if course_id is not None and site_id is not None:
                valid.append((row, course_id, site_id))
        self._create_cohorts(valid)
        placed = []
        for row, course_id, site_id in valid:
            cohort = self.cohorts.get(row.cohort)
            if cohort is None:
                continue
            if cohort.course_id != course_id:
                self.report.error(row.number, "grupo",
                                  _("el grupo «%(code)s» ya existe con otro curso "
                                    "(%(stored)s), no %(given)s", code=row.cohort,
                                    stored=cohort.course.code, given=row.course))
            elif cohort.site_id != site_id:
                self.report.error(row.number, "grupo",
                                  _("el grupo «%(code)s» ya existe en otra sede "
                                    "(%(stored)s), no %(given)s", code=row.cohort,
                                    stored=cohort.site.code, given=row.site))
            else:
                placed.append((row, cohort))
        return placed

    def _create_cohorts(self, valid: list[tuple[PlanillaRow, int, int]]) -> None:
        # A new cohort takes the course and site of its first row, and the dates of the
        # chunk's rows (later chunks widen them); if any row disagrees, the import fails.
        created: dict[str, Cohort] = {}
        for row, course_id, site_id in valid:
            cohort = created.get(row.cohort)
            if cohort is not None:
                cohort.start_date = min(cohort.start_date, row.day)
                cohort.end_date = max(cohort.end_date, row.day)
            elif row.cohort not in self.cohorts and not self.create_new:
                self.report.error(row.number, "grupo",
                                  _("el grupo «%(code)s» no existe: revise el código o "
                                    "elija «%(option)s»", code=row.cohort,
                                    option=label(CREATE_NEW)))
            elif row.cohort not in self.cohorts:
                created[row.cohort] = Cohort(code=row.cohort, course_id=course_id,
                                             site_id=site_id, start_date=row.day,
                                             end_date=row.day)
        if created:
            for code, cohort in created.items():
                course, site = self._names(cohort)
                self.report.result.new_cohorts.append(
                    _("%(cohort)s (%(course)s en %(site)s)", cohort=code, course=course,
                      site=site))
            db.session.add_all(created.values())
            db.session.flush()
            self.cohorts.update(created)
            self.new_cohorts.update(cohort.id for cohort in created.values())
            self.report.result.cohorts += len(created)

    def _load_sessions(self, cohort_ids: list[int]) -> None:
        for start in range(0, len(cohort_ids), 500):
            for sid, cohort_id, day, hours in db.session.execute(
                select(CourseSession.id, CourseSession.cohort_id, CourseSession.date,
                       CourseSession.hours).where(
                    CourseSession.cohort_id.in_(cohort_ids[start : start + 500]))
            ):
                self.sessions[(cohort_id, day)] = (sid, hours)

    # -- sessions ---------------------------------------------------------------------------
    def _sessions(self, placed: list[tuple[PlanillaRow, Cohort]]) -> dict[int, int]:
        """Session id per row number; new sessions are created by the courses rule."""
        session_of: dict[int, int] = {}
        todo = placed
        while todo:
            first: dict[tuple[int, date], tuple[PlanillaRow, Cohort]] = {}
            same: dict[tuple[int, date], list[PlanillaRow]] = defaultdict(list)
            other: dict[tuple[int, date], list[tuple[PlanillaRow, Cohort]]] = defaultdict(list)
            for row, cohort in todo:
                key = (cohort.id, row.day)
                known = self.sessions.get(key)
                if known is not None:
                    if self._same_hours(row, known[1]):
                        session_of[row.number] = known[0]
                    continue
                if not self.create_new:
                    self.report.error(row.number, "fecha",
                                      _("el grupo %(cohort)s no tiene sesión el %(day)s: "
                                        "revise la fecha o elija «%(option)s»",
                                        cohort=row.cohort, day=short_date(row.day),
                                        option=label(CREATE_NEW)))
                    continue
                first.setdefault(key, (row, cohort))
                if first[key][0].hours == row.hours:
                    same[key].append(row)
                else:
                    # Another duration for a session still to be created: decided once the
                    # first row's session exists (a mismatch) or was refused (its own try).
                    other[key].append((row, cohort))
            if not first:
                break
            todo = []
            for row, cohort in first.values():
                if cohort.id in self.new_cohorts:
                    cohort.start_date = min(cohort.start_date, row.day)
                    cohort.end_date = max(cohort.end_date, row.day)
            made = add_sessions([(cohort, row.day, row.hours) for row, cohort in first.values()])
            for key, outcome in zip(first, made, strict=True):
                if isinstance(outcome, ValidationError):
                    for row in same[key]:
                        self.report.rule_error(row.number, outcome, "fecha")
                    todo.extend(other[key])
                    continue
                self.sessions[key] = (outcome.id, outcome.hours)
                self.report.result.sessions += 1
                self.report.result.new_sessions.append(
                    f"{first[key][1].code}, {short_date(outcome.date)} "
                    f"({formatting.hours(outcome.hours)})")
                session_of.update((row.number, outcome.id) for row in same[key])
                for row, _outcome in other[key]:
                    self._same_hours(row, outcome.hours)
        return session_of

    def _names(self, cohort: Cohort) -> tuple[str, str]:
        codes = {v: k for k, v in self.courses.items()}, {v: k for k, v in self.sites.items()}
        return codes[0][cohort.course_id], codes[1][cohort.site_id]

    def _same_hours(self, row: PlanillaRow, hours: Decimal) -> bool:
        if hours == row.hours:
            return True
        self.report.error(row.number, "horas", _(
            "la sesión del grupo %(cohort)s del %(day)s ya existe con %(stored)s, no "
            "%(given)s", cohort=row.cohort, day=short_date(row.day),
            stored=hours_count(hours), given=hours_count(row.hours)))
        return False
