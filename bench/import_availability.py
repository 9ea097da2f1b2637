"""Availability during a big planilla import: does the service keep answering?

Builds a migrated SQLite database with one issued certificate and a staff account, writes a
planilla of ``--rows`` rows (every person new, like bench/attendance_import.py), and runs
the import in another process: ``--mode job`` (default) as the background task does it (the
file checked with reads only, then written in one short transaction per IMPORT_WRITE_CHUNK
rows), ``--mode single`` in one transaction (what a request does with a small file). While
it runs, this process sends, every 0.2 s through the app: ``GET /v/CODE.json`` (a read),
``GET /login`` (a page) and ``POST /login`` (a writer: on SQLite it needs the write lock),
each from its own thread, from the moment the import starts until it has committed (a
request still waiting then is counted when it ends).
Prints the import's seconds and, per request kind, how many were sent, their median, p95 and
worst latency, and their status codes. Target: every request, POST /login included, answers
within 1 s throughout (no 503).

    .venv/bin/python bench/import_availability.py [--rows 100000] [--mode job|single]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from attendance_common import app_for, fresh
from attendance_import import write_planilla

KINDS = ("GET /v/CODE.json", "GET /login", "POST /login")


def child(url: str, path: str, mode: str) -> None:
    """Import one file: as the background task does (``job``) or in one transaction."""
    from lms.attendance import planilla_import
    from lms.attendance.planilla_import import import_planilla
    from lms.attendance.planilla_jobs import run_planilla_job
    from lms.extensions import db
    from lms.tabular.jobs import ImportJob

    # How long each chunk's transaction holds the lock: the longest a writer can wait.
    chunks, commit_chunk = [], planilla_import._Importer._commit_chunk

    def timed(self, *args):
        start = time.perf_counter()
        commit_chunk(self, *args)
        chunks.append(time.perf_counter() - start)

    planilla_import._Importer._commit_chunk = timed
    app = app_for(url)
    with app.app_context():
        if mode == "job":
            job = ImportJob(kind="planilla", filename=Path(path).name,
                            data=Path(path).read_bytes(),
                            options={"dry_run": False, "create_new": True})
            db.session.add(job)
            db.session.commit()
        print("start", flush=True)
        start = time.perf_counter()
        if mode == "job":
            run_planilla_job(job.id)
            db.session.commit()
            done = db.session.get(ImportJob, job.id)
            assert done.state == "done", done.errors
            result = dict(done.result)
        else:
            outcome = import_planilla(path, Path(path).name, create_new=True)
            db.session.commit()
            result = {"rows": outcome.rows, "marks": outcome.marks}
        held = (f", {len(chunks)} transacciones de escritura: mediana "
                f"{statistics.median(chunks):.2f} s, peor {max(chunks):.2f} s" if chunks else "")
        print(f"import ({mode}): {time.perf_counter() - start:.1f} s, {result['rows']} filas, "
              f"{result['marks']} marcas{held}")


def prepare(url: str) -> str:
    """A migrated database with the planilla's course and site and one certificate."""
    from datetime import date
    from decimal import Decimal

    from lms.auth.models import User
    from lms.certificates.issue import issue_for
    from lms.courses.models import Cohort, Course, Enrollment, Site
    from lms.extensions import db
    from lms.people.models import Person

    app = fresh(url)
    with app.app_context():
        course = Course(code="TIC-BASICO", name="Uso básico de las TIC", hours=Decimal(20),
                        product_code="2301031", document_kind="constancia")
        site = Site(code="CAC-ATALAYA", name="CAC La Atalaya", kind="cac", zone="urbana")
        cohort = Cohort(code="G-BENCH", course=course, site=site, start_date=date(2021, 2, 1),
                        end_date=date(2021, 3, 1))
        person = Person(document_type="CC", document_number="900000001", first_names="Ana",
                        last_names="Pérez", birth_date=date(1990, 1, 1), sex="F", zone="urbana")
        enrollment = Enrollment(person=person, cohort=cohort, status="completo",
                                hours_credited=Decimal(20), completed_on=date(2021, 3, 1))
        db.session.add_all([course, site, cohort, person, enrollment,
                            User(email="staff@example.org", name="Staff", role="admin",
                                 password_hash="x")])
        db.session.flush()
        code = issue_for(enrollment).code
        db.session.commit()
        db.engine.dispose()
    return code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mode", choices=("job", "single"), default="job")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.mode)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-availability-"))
    url = f"sqlite:///{tmp}/bench.sqlite3"
    code = prepare(url)
    planilla = tmp / "planilla.csv"
    write_planilla(planilla, args.rows)
    app = app_for(url)
    requests = {
        KINDS[0]: lambda c: c.get(f"/v/{code}.json"),
        KINDS[1]: lambda c: c.get("/login"),
        KINDS[2]: lambda c: c.post("/login", data={"email": "staff@example.org",
                                                   "password": "incorrecta-123456"}),
    }
    times = {kind: [] for kind in KINDS}
    statuses = {kind: Counter() for kind in KINDS}
    importer = subprocess.Popen([sys.executable, __file__, "--child", url, str(planilla),
                                 "--mode", args.mode],
                                stdout=subprocess.PIPE, text=True)
    assert importer.stdout.readline().strip() == "start"
    committed, report = threading.Event(), []

    def follow() -> None:
        report.append(importer.stdout.readline().strip())
        committed.set()

    threading.Thread(target=follow).start()

    def load(kind: str) -> None:
        # One thread per kind: a writer waiting for the lock does not delay the readers.
        client = app.test_client()
        while not committed.is_set():
            start = time.perf_counter()
            status = requests[kind](client).status_code
            times[kind].append(time.perf_counter() - start)
            statuses[kind][status] += 1
            time.sleep(0.2)

    threads = [threading.Thread(target=load, args=(kind,)) for kind in KINDS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = f"{args.rows:,}".replace(",", ".")
    print(f"== SQLite, planilla de {rows} filas, modo {args.mode}")
    print(report[0])
    importer.wait()
    print(f"{'solicitud':<18} {'n':>5} {'mediana s':>10} {'p95 s':>8} {'peor s':>8}  estados")
    for kind in KINDS:
        values = sorted(times[kind]) or [0.0]
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(statuses[kind].items()))
        print(f"{kind:<18} {len(times[kind]):>5} {statistics.median(values):>10.3f} "
              f"{p95:>8.3f} {values[-1]:>8.3f}  {codes}")


if __name__ == "__main__":
    main()
