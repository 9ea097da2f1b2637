"""Planilla import (CSV or XLSX): sessions, people, enrollments and marks, all or nothing.

The file is streamed in chunks of CHUNK rows: each chunk is checked and written with
batched lookups inside the caller's single transaction, so memory does not grow with
the file, and any error anywhere makes the caller roll everything back. Each mark's
last row (for "last row wins") is remembered in a temporary table, not in memory, and
the marks are written from it once the whole file is read: a person and session found
in two chunks is written once, with the last status, so a second import writes nothing.
"""

import re
import uuid
from collections import Counter
from datetime import date
from types import SimpleNamespace

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, bindparam, or_, select

from lms.attendance.completion import recompute
from lms.attendance.marks import Mark, pair_filter, record_marks
from lms.attendance.models import NOTE_MAX
from lms.attendance.planilla_bulk import create_enrollments, create_people
from lms.attendance.planilla_rows import (
    COLUMN_OF,
    OPTIONAL,
    REQUIRED,
    ImportResult,
    PlanillaRow,
    parse_row,
)
from lms.attendance.planilla_sessions import SessionPlacer
from lms.audit.services import current_actor_id
from lms.courses.enrollments import get_or_enroll, has_seats, make_room
from lms.courses.models import Enrollment
from lms.database import insert_rows
from lms.errors import ValidationError, take_warnings
from lms.extensions import db
from lms.formatting import short_date
from lms.people.consent import check_consent
from lms.people.models import Person
from lms.people.services import clean_person_data
from lms.tabular import RowError, RowErrors, read_table
from lms.text import fold
from lms.timeutil import local_today

CHUNK = 1000
_COMPARED = (("first_names", "nombres"), ("last_names", "apellidos"),
             ("birth_date", "fecha_nacimiento"), ("sex", "sexo"), ("zone", "zona"),
             ("email", "correo"), ("phone", "telefono"), ("area", "comuna_corregimiento"))
#: Written between a phone number's digits; "300 123-4567" is the same number.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


def import_planilla(stream_or_path, filename: str, *, dry_run: bool = False,
                    create_new: bool = False, progress=None) -> ImportResult:
    """Import a planilla; raise TabularError listing every problem (the caller rolls back).

    ``dry_run``: check and count everything, then undo it, so the caller may commit.
    ``create_new``: create the cohorts and sessions the file names and the database lacks
    (otherwise their rows are errors). ``progress(rows)`` is told after each chunk.
    """
    rows = read_table(stream_or_path, filename, REQUIRED, OPTIONAL)
    if not dry_run:
        return _Importer(dry_run, create_new, progress).run(rows)
    savepoint = db.session.begin_nested()
    try:
        return _Importer(dry_run, create_new, progress).run(rows)
    finally:
        savepoint.rollback()


class _Importer:
    def __init__(self, dry_run: bool, create_new: bool, progress=None):
        self.result = ImportResult(dry_run=dry_run)
        self.progress = progress
        self.errors = RowErrors()
        self.today: date = local_today()
        self.placer = SessionPlacer(self, create_new)
        #: People registered by the current chunk.
        self.fresh: set[int] = set()
        self.seen = Table(f"planilla_seen_{uuid.uuid4().hex[:12]}", MetaData(),
                          Column("session_id", Integer, primary_key=True),
                          Column("enrollment_id", Integer, primary_key=True),
                          Column("row", Integer), Column("status", String(10)),
                          Column("note", String(NOTE_MAX)), prefixes=["TEMPORARY"])

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def rule_error(self, row: int, exc: ValidationError, default: str) -> None:
        for name, messages in (exc.fields or {exc.field: [exc.message]}).items():
            for message in messages:
                self.error(row, COLUMN_OF.get(name, default), message)

    def run(self, rows) -> ImportResult:
        self.seen.create(db.session.connection())
        try:
            chunk: list[PlanillaRow] = []
            for number, cells in rows:
                self.result.rows += 1
                if not cells["estado"].strip():
                    # A pre-filled sheet lists everyone; a row nobody marked records nothing.
                    self.result.warn(number, "estado", "sin estado: la fila no registra nada")
                    continue
                parsed, problems = parse_row(number, cells)
                if problems:
                    self.errors.extend(problems)
                elif parsed is not None:
                    chunk.append(parsed)
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
        if marks:
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
        docs = list({row.document for row in rows})
        known = {}
        for start in range(0, len(docs), 500):
            batch = set(docs[start : start + 500])
            for person in db.session.execute(
                select(Person.id, Person.document_type, Person.document_number,
                       Person.first_names, Person.last_names, Person.birth_date, Person.sex,
                       Person.zone, Person.email, Person.phone, Person.area).where(
                    pair_filter(Person.document_type, Person.document_number, batch))
            ):
                if (person.document_type, person.document_number) in batch:
                    known[(person.document_type, person.document_number)] = person
        ids: dict[tuple[str, str], int] = {}
        new: dict[tuple[str, str], tuple[dict, tuple]] = {}
        for row in rows:
            person = known.get(row.document)
            if person is not None:
                ids[row.document] = person.id
                self._compare(row, person)
            elif row.document not in new:
                checked = self._check_new(row)
                if checked is not None:
                    new[row.document] = checked
        created = create_people(list(new.values()), current_actor_id())
        self.result.people += len(created)
        self.fresh = set(created.values())
        ids.update(created)
        return ids

    def _check_new(self, row: PlanillaRow) -> tuple[dict, tuple] | None:
        """Apply the people domain's rules to a person this row would register."""
        missing = [col for col, value in (("nombres", row.first_names),
                                          ("apellidos", row.last_names), ("sexo", row.sex),
                                          ("fecha_nacimiento", row.birth_date),
                                          ("zona", row.zone)) if not value]
        for column in missing:
            self.error(row.number, column, "es obligatorio para registrar a una persona nueva")
        guardian = None
        if row.consent is not True:
            self.error(row.number, "autorizacion_datos",
                       "la persona es nueva: se requiere «si» (autorización firmada en papel)")
        else:
            # Checked even when other cells are missing, so every missing cell is listed.
            holder = SimpleNamespace(birth_date=row.birth_date, document_type=row.document_type)
            try:
                guardian = check_consent(holder, "planilla", True, row.guardian_name,
                                         row.guardian_document, self.today)
            except ValidationError as exc:
                self.rule_error(row.number, exc, "numero_documento")
        if missing or guardian is None:
            return None
        try:
            fields = clean_person_data(row.person_data(), today=self.today)
        except ValidationError as exc:
            self.rule_error(row.number, exc, "numero_documento")
            return None
        for warning in take_warnings():  # e.g. a TI holder who just turned 18
            self.result.warn(row.number, "fecha_nacimiento", warning)
        fields.update(document_type=row.document_type, document_number=row.document_number)
        return fields, guardian

    def _compare(self, row: PlanillaRow, person) -> None:
        for attr, column in _COMPARED:
            given, stored = getattr(row, attr), getattr(person, attr)
            if given in (None, "") or stored is None:
                continue
            if attr == "phone":
                given, stored = _PHONE_SEPARATORS.sub("", given), _PHONE_SEPARATORS.sub("", stored)
            same = fold(given) == fold(stored) if isinstance(given, str) else given == stored
            if not same:
                shown = short_date(stored) if isinstance(stored, date) else stored
                self.result.warn(row.number, column,
                                 f"difiere del dato guardado («{shown}»); se conserva el guardado")

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
        for row, _, person_id in pairs:
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
        self.result.warn(row.number, "numero_documento",
                         f"{row.document_type} {row.document_number} ya aparece en la fila "
                         f"{earlier} para la sesión del {short_date(row.day)} del grupo "
                         f"{row.cohort}; vale la última fila")

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
