"""Planilla import, first pass: check a whole file with reads only, before anything is written.

On SQLite one writer holds the database at a time, so a file is read twice: this check runs
in a reading transaction (``database.reading``: no write lock, every other writer goes on)
and finds what the import would refuse: formats, unknown courses, sites, cohorts and
sessions, a cohort of another course or site, a session with other hours or out of its
cohort's dates or in the future, the people rules for new people, closed or full cohorts and
withdrawn consents. Only then is the file written, in short transactions (planilla_import).

It also names the rows a later row replaces (the same person and session: "last row wins"),
which the import skips, so each mark is written once however the file is cut into
transactions; and it counts what the import would do, which is a big file's dry run.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import select

from lms.attendance.marks import pair_filter
from lms.attendance.models import Attendance
from lms.attendance.planilla_people import RowReport, check_new, compare, known_people
from lms.attendance.planilla_rows import (
    OPTIONAL,
    REQUIRED,
    ImportResult,
    PlanillaRow,
    superseded_text,
)
from lms.attendance.planilla_sessions import CREATE_NEW
from lms.courses.enrollments import active_count, check_open, full_message
from lms.courses.models import Cohort, Course, CourseSession, Enrollment, Site
from lms.courses.rules import Problems
from lms.courses.sessions import check_session
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import hours, hours_count, label, short_date
from lms.people.models import Consent
from lms.tabular import RowError, read_table

CHUNK = 1000


@dataclass
class Plan:
    """What the check found: the counts, and the rows the import skips."""

    result: ImportResult
    #: Rows a later row of the same person and session replaces.
    superseded: set[int] = field(default_factory=set)
    #: The warnings that name them (the import, which skips those rows, cannot).
    duplicates: list[str] = field(default_factory=list)


def rewind(stream_or_path) -> None:
    """Make an uploaded stream readable again from its start (a path needs nothing)."""
    stream = getattr(stream_or_path, "stream", stream_or_path)
    if hasattr(stream, "seek"):
        stream.seek(0)


def check_planilla(stream_or_path, filename: str, create_new: bool, progress=None) -> Plan:
    """Check a planilla with reads only; raise TabularError listing every problem.

    ``progress(rows)`` is told after each chunk. The result counts what the import would
    create and write (its completions are left for the import to count).
    """
    checker = _Checker(create_new)
    chunk: list[PlanillaRow] = []
    for number, cells in read_table(stream_or_path, filename, REQUIRED, OPTIONAL):
        checker.result.rows += 1
        if not cells["estado"].strip():
            checker.result.warn(number, "estado", _("sin estado: la fila no registra nada"))
            continue
        checker.parse_into(chunk, number, cells)
        if len(chunk) >= CHUNK:
            checker.chunk(chunk)
            chunk = []
            if progress is not None:
                progress(checker.result.rows)
    checker.chunk(chunk)
    if checker.errors:
        raise checker.errors.refusal()
    checker.result.marks = sum(1 for _, unchanged in checker.last.values() if not unchanged)
    return Plan(checker.result, checker.superseded, checker.duplicates)


class _Checker(RowReport):
    def __init__(self, create_new: bool):
        super().__init__(ImportResult(dry_run=True, completions=None))
        self.create_new = create_new
        self.codes: dict[tuple[type, str], int | None] = {}
        #: Cohorts by code: the stored ones, and (id None) the ones the import would create.
        self.cohorts: dict[str, SimpleNamespace | None] = {}
        #: (cohort code, day): (session id or None for a new one, hours).
        self.sessions: dict[tuple[str, date], tuple] = {}
        self.new_people: set[tuple[str, str]] = set()
        self.joined: set[tuple[tuple[str, str], str]] = set()
        self.seats: Counter[str] = Counter()
        #: (cohort, day, document): (the row that counts so far, its mark is already stored).
        self.last: dict[tuple, tuple[int, bool]] = {}
        self.superseded: set[int] = set()
        self.duplicates: list[str] = []

    def chunk(self, rows: list[PlanillaRow]) -> None:
        placed = [(row, session) for row in rows
                  if (session := self._session(row, self._cohort(row))) is not None]
        known = known_people({row.document for row, _ in placed} - self.new_people)
        consenting = self._consenting([p.id for p in known.values()])
        enrolled = self._enrolled(placed, known)
        stored = self._stored_marks(placed, known, enrolled)
        for row, session_id in placed:
            person = known.get(row.document)
            if person is not None:
                compare(self, row, person)
            elif row.document not in self.new_people:
                if check_new(self, row) is None:
                    continue
                self.new_people.add(row.document)
                self.result.people += 1
            enrollment = enrolled.get((getattr(person, "id", None), row.cohort))
            if (enrollment is None and (row.document, row.cohort) not in self.joined
                    and not self._may_join(row, person, consenting)):
                continue
            self._mark(row, stored.get((session_id, enrollment)))

    # -- cohorts and sessions -------------------------------------------------------------
    def _id(self, model, code: str) -> int | None:
        if (model, code) not in self.codes:
            self.codes[(model, code)] = db.session.scalar(select(model.id).where(
                model.code == code))
        return self.codes[(model, code)]

    def _cohort(self, row: PlanillaRow) -> SimpleNamespace | None:
        course_id, site_id = self._id(Course, row.course), self._id(Site, row.site)
        if course_id is None:
            self.error(row.number, "curso", _("el curso «%(code)s» no existe", code=row.course))
        if site_id is None:
            self.error(row.number, "sede", _("la sede «%(code)s» no existe", code=row.site))
        if row.cohort not in self.cohorts:
            self.cohorts[row.cohort] = self._load_cohort(row.cohort)
        cohort = self.cohorts[row.cohort]
        if course_id is None or site_id is None:
            return None
        if cohort is None and not self.create_new:
            self.error(row.number, "grupo", _("el grupo «%(code)s» no existe: revise el código o "
                                              "elija «%(option)s»", code=row.cohort,
                                              option=label(CREATE_NEW)))
            return None
        if cohort is None:
            cohort = self.cohorts[row.cohort] = SimpleNamespace(
                id=None, code=row.cohort, course_id=course_id, site_id=site_id,
                course_code=row.course, site_code=row.site)
            self.result.cohorts += 1
            self.result.new_cohorts.append(_("%(cohort)s (%(course)s en %(site)s)",
                                             cohort=row.cohort, course=row.course, site=row.site))
        if cohort.course_id != course_id:
            self.error(row.number, "grupo", _("el grupo «%(code)s» ya existe con otro curso "
                                              "(%(stored)s), no %(given)s", code=row.cohort,
                                              stored=cohort.course_code, given=row.course))
        elif cohort.site_id != site_id:
            self.error(row.number, "grupo", _("el grupo «%(code)s» ya existe en otra sede "
                                              "(%(stored)s), no %(given)s", code=row.cohort,
                                              stored=cohort.site_code, given=row.site))
        else:
            return cohort
        return None

    def _load_cohort(self, code: str) -> SimpleNamespace | None:
        found = db.session.execute(
            select(Cohort.id, Cohort.code, Cohort.course_id, Cohort.site_id, Cohort.start_date,
                   Cohort.end_date, Cohort.capacity, Course.code.label("course_code"),
                   Site.code.label("site_code"))
            .join(Course, Course.id == Cohort.course_id).join(Site, Site.id == Cohort.site_id)
            .where(Cohort.code == code)).first()
        if found is None:
            return None
        cohort = SimpleNamespace(**found._asdict())
        for sid, day, length in db.session.execute(
            select(CourseSession.id, CourseSession.date, CourseSession.hours)
            .where(CourseSession.cohort_id == cohort.id)
        ):
            self.sessions[(code, day)] = (sid, length)
        return cohort

    def _session(self, row: PlanillaRow, cohort) -> int | None | bool:
        """The row's session id (0 for a session the import would create), or None."""
        if cohort is None:
            return None
        if row.day > self.today:  # the marks rule (marks.check_not_future), by date
            self.error(row.number, "fecha", _("la sesión del %(day)s aún no ha ocurrido: no se "
                                              "puede registrar asistencia de una sesión futura",
                                              day=short_date(row.day)))
            return None
        known = self.sessions.get((row.cohort, row.day))
        if known is not None:
            if known[1] != row.hours:
                self.error(row.number, "horas", _(
                    "la sesión del grupo %(cohort)s del %(day)s ya existe con %(stored)s, no "
                    "%(given)s", cohort=row.cohort, day=short_date(row.day),
                    stored=hours_count(known[1]), given=hours_count(row.hours)))
                return None
            return known[0]
        if not self.create_new:
            self.error(row.number, "fecha", _("el grupo %(cohort)s no tiene sesión el %(day)s: "
                                              "revise la fecha o elija «%(option)s»",
                                              cohort=row.cohort, day=short_date(row.day),
                                              option=label(CREATE_NEW)))
            return None
        problems = Problems()
        dates = cohort if cohort.id is not None else SimpleNamespace(start_date=row.day,
                                                                     end_date=row.day)
        check_session(dates, row.day, row.hours, problems, taken=set())
        try:
            problems.raise_if_any()
        except ValidationError as exc:
            self.rule_error(row.number, exc, "fecha")
            return None
        self.sessions[(row.cohort, row.day)] = (0, row.hours)
        self.result.sessions += 1
        self.result.new_sessions.append(
            f"{row.cohort}, {short_date(row.day)} ({hours(row.hours)})")
        return 0

    # -- enrollments and marks ------------------------------------------------------------
    def _consenting(self, person_ids: list[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(person_ids), 500):
            found.update(db.session.scalars(select(Consent.person_id).where(
                Consent.person_id.in_(person_ids[start : start + 500]),
                Consent.revoked_at.is_(None))))
        return found

    def _enrolled(self, placed, known) -> dict[tuple[int, str], int]:
        wanted = {(known[row.document].id, self.cohorts[row.cohort].id): row.cohort
                  for row, _ in placed
                  if row.document in known and self.cohorts[row.cohort].id is not None}
        found, keys = {}, list(wanted)
        for start in range(0, len(keys), 500):
            batch = set(keys[start : start + 500])
            for e, p, c in db.session.execute(
                select(Enrollment.id, Enrollment.person_id, Enrollment.cohort_id).where(
                    pair_filter(Enrollment.person_id, Enrollment.cohort_id, batch))
            ):
                if (p, c) in batch:
                    found[(p, wanted[(p, c)])] = e
        return found

    def _stored_marks(self, placed, known, enrolled) -> dict[tuple[int, int], str]:
        pairs = list({(sid, enrolled[(known[row.document].id, row.cohort)])
                      for row, sid in placed if sid and row.document in known
                      and (known[row.document].id, row.cohort) in enrolled})
        stored = {}
        for start in range(0, len(pairs), 500):
            batch = set(pairs[start : start + 500])
            for s, e, status in db.session.execute(
                select(Attendance.session_id, Attendance.enrollment_id, Attendance.status)
                .where(pair_filter(Attendance.session_id, Attendance.enrollment_id, batch))
            ):
                stored[(s, e)] = status
        return stored

    def _may_join(self, row: PlanillaRow, person, consenting: set[int]) -> bool:
        cohort = self.cohorts[row.cohort]
        try:
            if person is not None and person.anonymized_at is not None:
                raise ValidationError(_("Esta persona fue anonimizada y no se puede inscribir."))
            if person is not None and person.id not in consenting:
                raise ValidationError(
                    _(
                        "La persona no tiene una autorización de tratamiento de datos vigente "
                        "(Ley 1581); registre una nueva autorización en su ficha antes de "
                        "inscribirla.",
                    ), "consent")
            if cohort.id is not None:
                check_open(cohort, row.day, None)
                if row.cohort not in self.seats:
                    self.seats[row.cohort] = active_count(cohort)
                if self.seats[row.cohort] + 1 > cohort.capacity:
                    raise ValidationError(full_message(cohort), "cohort")
                self.seats[row.cohort] += 1
        except ValidationError as exc:
            self.rule_error(row.number, exc, "numero_documento")
            return False
        self.joined.add((row.document, row.cohort))
        self.result.enrollments += 1
        return True

    def _mark(self, row: PlanillaRow, stored: str | None) -> None:
        key = (row.cohort, row.day, row.document)
        earlier = self.last.get(key)
        if earlier is not None:
            message = superseded_text(row, earlier[0])
            self.result.warn(row.number, "numero_documento", message)
            self.duplicates.append(str(RowError(row.number, "numero_documento", message)))
            self.superseded.add(earlier[0])
        self.last[key] = (row.number, stored == row.status)
