"""Planilla import (CSV or XLSX): sessions, people, enrollments and marks.

Every file is first checked with reads only (planilla_check, in ``database.reading``), so a
wrong file is refused without ever taking SQLite's one write lock. Then it is written:

- ``import_planilla`` (a request, the CLI): in the caller's single transaction, all or
  nothing. The file is streamed in chunks of CHUNK rows with batched lookups, so memory
  does not grow with the file. Each mark's last row ("last row wins") is remembered in a
  temporary table and the marks are written from it once the whole file is read.
- ``apply_planilla`` (a big file, in the background): in one short transaction per chunk,
  committed by ``on_chunk``, so other writers (a login) wait a fraction of a second, never
  the whole import. The rows a later row replaces were named by the check and are skipped,
  so each mark is written once; everything is found before it is created (people by
  document, enrollments, sessions and marks by their unique keys), so a run that resumes
  after the last committed chunk, or a second import of the file, writes nothing twice.
"""

import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import closing

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Column, Integer, MetaData, String, Table, and_, bindparam, or_, select

from lms.attendance.completion import recompute
from lms.attendance.marks import Mark, pair_filter, record_marks
from lms.attendance.models import NOTE_MAX
from lms.attendance.planilla_bulk import create_enrollments, create_people
from lms.attendance.planilla_check import Plan, check_planilla, rewind
from lms.attendance.planilla_people import RowReport, check_new, compare, known_people
from lms.attendance.planilla_rows import (
    OPTIONAL,
    REQUIRED,
    ImportResult,
    PlanillaRow,
    superseded_text,
)
from lms.attendance.planilla_sessions import SessionPlacer
from lms.audit.services import current_actor_id
from lms.courses.enrollments import get_or_enroll, has_seats, make_room
from lms.courses.models import Enrollment
from lms.database import insert_rows, reading
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.tabular import read_table

CHUNK = 1000


def import_planilla(stream_or_path, filename: str, *, dry_run: bool = False,
                    create_new: bool = False, progress=None) -> ImportResult:
    """Import a planilla; raise TabularError listing every problem (the caller rolls back).

    The file is checked first with reads only; the caller's transaction must not have
    written anything yet (it is ended for the check). ``dry_run``: check and count
    everything, then undo it, so the caller may commit. ``create_new``: create the cohorts
    and sessions the file names and the database lacks (otherwise their rows are errors).
    ``progress(rows)`` is told after each chunk.
    """
    with reading():
        check_planilla(stream_or_path, filename, create_new)
    rewind(stream_or_path)
    rows = read_table(stream_or_path, filename, REQUIRED, OPTIONAL)
    if not dry_run:
        return _Importer(dry_run, create_new, progress).run(rows)
    savepoint = db.session.begin_nested()
    try:
        return _Importer(dry_run, create_new, progress).run(rows)
    finally:
        savepoint.rollback()


def apply_planilla(stream_or_path, filename: str, plan: Plan, *, create_new: bool,
                   after: int = 0, partial: dict | None = None,
                   on_chunk: Callable[[int, ImportResult], None]) -> ImportResult:
    """Write a checked planilla in short transactions: ``on_chunk(last_row, result)`` commits.

    ``after``: the last row a previous run committed (its rows are not read again) and
    ``partial`` that run's counts, so the result counts the whole file exactly. A row a
    rule still refuses (someone took the last seat meanwhile) raises TabularError: its
    chunk is rolled back by the caller, the chunks before it stay.
    """
    importer = _Importer(False, create_new)
    if partial is not None:
        importer.result = ImportResult(**partial)
    else:
        for warning in plan.duplicates:
            importer.result.warnings.append(warning)
        importer.result.warning_count = len(plan.duplicates)
    # Closed here, while its file is open, when a chunk fails midway.
    with closing(read_table(stream_or_path, filename, REQUIRED, OPTIONAL)) as rows:
        importer.run_chunks(rows, plan, after, on_chunk)
    importer.result.rows = plan.result.rows
    return importer.result


class _Importer(RowReport):
    def __init__(self, dry_run: bool, create_new: bool, progress=None):
        super().__init__(ImportResult(dry_run=dry_run))
        self.progress = progress
        self.placer = SessionPlacer(self, create_new)
        #: People registered by the current chunk.
        self.fresh: set[int] = set()
        #: Marks are written chunk by chunk (apply_planilla), not from the temporary table.
        self.direct = False
        #: Enrollments whose marks the current chunk wrote (direct mode).
        self.touched: set[int] = set()
        self.seen = Table(f"planilla_seen_{uuid.uuid4().hex[:12]}", MetaData(),
                          Column("session_id", Integer, primary_key=True),
                          Column("enrollment_id", Integer, primary_key=True),
                          Column("row", Integer), Column("status", String(10)),
                          Column("note", String(NOTE_MAX)), prefixes=["TEMPORARY"])

    def run(self, rows) -> ImportResult:
        self.seen.create(db.session.connection())
        try:
            chunk: list[PlanillaRow] = []
            for number, cells in rows:
                self.result.rows += 1
                if not cells["estado"].strip():
                    # A pre-filled sheet lists everyone; a row nobody marked records nothing.
                    self.result.warn(number, "estado", _("sin estado: la fila no registra nada"))
                    continue
                self.parse_into(chunk, number, cells)
                if len(chunk) >= CHUNK:
                    self._chunk(chunk)
                    chunk = []
                    if self.progress is not None:
                        self.progress(self.result.rows)
            if chunk:
                self._chunk(chunk)
            if self.errors:
                # Chunks report by stage (sessions, people, …): listed in file order.
                raise self.errors.refusal()
            self._write_marks()
            ids = db.session.scalars(select(self.seen.c.enrollment_id).distinct()).all()
            self.result.completions = len(recompute(ids, notify=not self.result.dry_run))
        finally:
            if db.session.is_active:
                self.seen.drop(db.session.connection())
        return self.result

    def run_chunks(self, rows, plan: Plan, after: int, on_chunk) -> None:
        """Write chunk after chunk, each ended by ``on_chunk`` (see apply_planilla)."""
        self.direct = True
        size = current_app.config["IMPORT_WRITE_CHUNK"]
        chunk: list[PlanillaRow] = []
        number = after
        for number, cells in rows:
            if number <= after or number in plan.superseded or not cells["estado"].strip():
                continue
            self.parse_into(chunk, number, cells)
            if len(chunk) >= size:
                self._commit_chunk(chunk, number, on_chunk)
                chunk = []
        self._commit_chunk(chunk, number, on_chunk)

    def _commit_chunk(self, chunk: list[PlanillaRow], number: int, on_chunk) -> None:
        if chunk:
            self._chunk(chunk)
        if self.errors:
            raise self.errors.refusal()
        if self.touched:
            self.result.completions += len(recompute(self.touched))
            self.touched = set()
        on_chunk(number, self.result)

    # -- one chunk: sessions, people, enrollments, then marks --------------------------
    def _chunk(self, rows: list[PlanillaRow]) -> None:
        placed = self.placer.place(rows)
        people = self._people([row for row, _ in placed])
        pairs = [(row, sid, people[row.document]) for row, sid in placed if row.document in people]
        enrollments = self._enrollments(pairs)
        marks: dict[tuple[int, int], PlanillaRow] = {}
        for row, session_id, person_id in pairs:
            enrollment_id = enrollments.get((person_id, self.placer.cohorts[row.cohort].id))
            if enrollment_id is None:
                continue
            key = (session_id, enrollment_id)
            if key in marks:
                self._duplicate(row, marks[key].number)
            marks[key] = row
        if marks and self.direct:
            done = record_marks([Mark(s, e, row.status, note=row.note)
                                 for (s, e), row in marks.items()],
                                source="planilla", recompute=False)
            self.result.marks += done.written
            self.touched.update(e for _, e in marks)
        elif marks:
            self._remember(marks)

    def _write_marks(self) -> None:
        # Read back a chunk at a time in key order (keyset paging): memory stays flat.
        seen, last = self.seen.c, (0, 0)
        while True:
            batch = db.session.execute(
                select(seen.session_id, seen.enrollment_id, seen.status, seen.note)
                .where(or_(seen.session_id > last[0],
                           and_(seen.session_id == last[0], seen.enrollment_id > last[1])))
                .order_by(seen.session_id, seen.enrollment_id).limit(CHUNK)
            ).all()
            if not batch:
                return
            done = record_marks([Mark(s, e, status, note=note) for s, e, status, note in batch],
                                source="planilla", recompute=False)
            self.result.marks += done.written
            last = batch[-1][:2]

    def _people(self, rows: list[PlanillaRow]) -> dict[tuple[str, str], int]:
        known = known_people({row.document for row in rows})
        ids: dict[tuple[str, str], int] = {}
        new: dict[tuple[str, str], tuple[dict, tuple]] = {}
        for row in rows:
            person = known.get(row.document)
            if person is not None:
                ids[row.document] = person.id
                compare(self, row, person)
            elif row.document not in new:
                checked = check_new(self, row)
                if checked is not None:
                    new[row.document] = checked
        created = create_people(list(new.values()), current_actor_id())
        self.result.people += len(created)
        self.fresh = set(created.values())
        ids.update(created)
        return ids

    def _enrollments(self, pairs) -> dict[tuple[int, int], int]:
        wanted = list({(pid, self.placer.cohorts[row.cohort].id) for row, _, pid in pairs})
        found = {}
        for start in range(0, len(wanted), 500):
            batch = set(wanted[start : start + 500])
            found.update({(p, c): e for e, p, c in db.session.execute(
                select(Enrollment.id, Enrollment.person_id, Enrollment.cohort_id).where(
                    pair_filter(Enrollment.person_id, Enrollment.cohort_id, batch)))
                if (p, c) in batch})
        # A cohort this import creates is as big as its sheet; the others keep their cupo.
        by_id = {cohort.id: cohort for cohort in self.placer.cohorts.values()}
        joining = Counter(c for p, c in wanted if (p, c) not in found)
        for cohort_id in joining.keys() & self.placer.new_cohorts:
            make_room(by_id[cohort_id], joining[cohort_id])
        # People registered by this chunk carry a fresh consent: enrolled in bulk, in the
        # cohorts with a seat for each of them (in the others, each row is tried below).
        fresh = [pair for pair in wanted if pair not in found and pair[0] in self.fresh]
        roomy = {c for c, n in Counter(c for _, c in fresh).items() if has_seats(by_id[c], n)}
        fresh = [pair for pair in fresh if pair[1] in roomy]
        created = create_enrollments(fresh, current_actor_id())
        found.update(created)
        self.result.enrollments += len(created)
        for row, _cohort, person_id in pairs:
            cohort = self.placer.cohorts[row.cohort]
            if (person_id, cohort.id) in found:
                continue
            try:
                enrollment, _ = get_or_enroll(db.session.get(Person, person_id), cohort,
                                              on=row.day)
            except ValidationError as exc:
                self.rule_error(row.number, exc, "numero_documento")
                continue
            found[(person_id, cohort.id)] = enrollment.id
            self.result.enrollments += 1
        return found

    # -- "last row wins", remembered in the temporary table -------------------------------
    def _duplicate(self, row: PlanillaRow, earlier: int) -> None:
        self.result.warn(row.number, "numero_documento", superseded_text(row, earlier))

    def _remember(self, marks: dict[tuple[int, int], PlanillaRow]) -> None:
        seen = self.seen.c
        again = []
        for s, e, earlier in db.session.execute(
            select(seen.session_id, seen.enrollment_id, seen.row).where(
                pair_filter(seen.session_id, seen.enrollment_id, list(marks)))
        ):
            if (s, e) in marks:
                self._duplicate(marks[(s, e)], earlier)
                again.append((s, e))
        insert_rows(self.seen, [{"session_id": s, "enrollment_id": e, "row": r.number,
                                 "status": r.status, "note": r.note}
                                for (s, e), r in marks.items() if (s, e) not in again])
        if again:
            db.session.execute(
                self.seen.update().where(seen.session_id == bindparam("b_s"),
                                         seen.enrollment_id == bindparam("b_e"))
                .values(row=bindparam("b_row"), status=bindparam("b_status"),
                        note=bindparam("b_note")),
                [{"b_s": s, "b_e": e, "b_row": marks[(s, e)].number,
                  "b_status": marks[(s, e)].status, "b_note": marks[(s, e)].note}
                 for s, e in again])
