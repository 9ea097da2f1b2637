"""Issue 1,000 documents (PDF + QR + ES256 signature + DB) and print ms per document and
SQL statements per batch, on SQLite (temp file) and, when BENCH_DATABASE_URL names one,
on PostgreSQL (that database is dropped and recreated).

Builds its own data: one course, 20 cohorts with a trainer each, 1,000 completed
enrollments. Target: <= 5 ms per document, statements per batch independent of its size.

    .venv/bin/python bench/certificates_issue.py [--documents 1000] [--chunk 200]
                                                 [--only sqlite|postgresql]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402

#: e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench_certificates; unset: SQLite only.
PG_URL = os.environ.get("BENCH_DATABASE_URL")


def _pg_ready(url: str) -> bool:
    parsed = make_url(url)
    try:
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        print(f"PostgreSQL no disponible ({exc.__class__.__name__}); se omite.")
        return False


def _build(n: int) -> list[int]:
    from lms.auth.models import User
    from lms.courses.models import Cohort, Course, Enrollment, Site, cohort_trainers
    from lms.people.models import Person

    course = Course(code="ALF-DIG", name="Alfabetización digital para la ciudadanía",
                    hours=Decimal(40), document_kind="certificado", product_code="2301034")
    site = Site(code="CAC-ATALAYA", name="CAC La Atalaya", kind="cac", zone="urbana")
    db.session.add_all([course, site])
    db.session.flush()
    cohorts = []
    for i in range(20):
        trainer = User(email=f"formador{i}@example.org", name=f"Formadora Número {i}",
                       role="trainer", password_hash="x")
        cohort = Cohort(code=f"G-{i:03d}", course_id=course.id, site_id=site.id,
                        start_date=date(2023, 2, 1), end_date=date(2023, 6, 30))
        db.session.add_all([trainer, cohort])
        cohorts.append((cohort, trainer))
    db.session.flush()
    db.session.execute(insert(cohort_trainers),
                       [{"cohort_id": c.id, "user_id": t.id} for c, t in cohorts])
    first = ["María José", "Luis Ángel", "Ana Lucía", "José Gregorio", "Yuliana", "Óscar"]
    last = ["Peñaranda Ruíz", "Núñez Ibáñez", "Contreras", "Villamizar Jaimes", "Ortega"]
    people = [
        {"document_type": "CC", "document_number": str(1_090_000_000 + i),
         "first_names": first[i % len(first)], "last_names": last[i % len(last)],
         "birth_date": date(1980 + i % 30, 1 + i % 12, 1 + i % 28)}
        for i in range(n)
    ]
    db.session.execute(insert(Person), people)
    ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    db.session.execute(insert(Enrollment), [
        {"person_id": pid, "cohort_id": cohorts[i % 20][0].id, "status": "completo",
         "hours_credited": Decimal(40), "completed_on": date(2023, 6, 1 + i % 28)}
        for i, pid in enumerate(ids)
    ])
    db.session.commit()
    return list(db.session.scalars(select(Enrollment.id).order_by(Enrollment.id)))


def run(url: str, label: str, n: int, chunk: int) -> None:
    from lms.certificates import issue
    from lms.certificates.models import Certificate

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SIGNING_KEY_DIR": f"{tmp}/keys",
                          "SECRET_KEY": "bench", "BASE_URL": "https://formaciontic.cucuta.gov.co"})
        with app.app_context():
            upgrade()
            ids = _build(n)
            # Warm-up: fonts, logo and signing key are built once per process.
            list(issue.issue_pending(ids[:1]))
            db.session.rollback()
            statements: list[int] = []
            current = [0]
            event.listen(db.engine, "before_cursor_execute",
                         lambda *a: current.__setitem__(0, current[0] + 1))
            start, cpu = time.perf_counter(), time.process_time()
            done = 0
            for count in issue.issue_pending(ids, chunk=chunk):
                db.session.commit()
                statements.append(current[0])
                current[0] = 0
                done += count
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            sizes = db.session.execute(select(func.avg(func.length(Certificate.pdf)),
                                              func.max(func.length(Certificate.pdf)))).one()
            print(f"[{label}] {done} documentos en {elapsed:.2f} s: "
                  f"{elapsed * 1000 / done:.2f} ms/documento, CPU de este proceso "
                  f"{cpu * 1000 / done:.2f} ms/documento "
                  f"(PDF medio {sizes[0] / 1024:.1f} KB, máximo {sizes[1] / 1024:.1f} KB)")
            print(f"[{label}] sentencias SQL por lote de {chunk} (incluido COMMIT): "
                  f"{statements}")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite3", "SQLite", args.documents, args.chunk)
    if args.only == "sqlite":
        return
    if not PG_URL:
        print("BENCH_DATABASE_URL no está definida: se omite PostgreSQL.")
    elif _pg_ready(PG_URL):
        run(PG_URL, "PostgreSQL", args.documents, args.chunk)


if __name__ == "__main__":
    main()
