"""Indicator roll-up at 10x Cúcuta scale, on SQLite (temp file) and PostgreSQL when reachable.

Builds its own data with the demo builder (bulk inserts, cohorts in the plan's period
2020-2023): 200,000 people, ~300,000 enrollments, ~2,000,000 attendance rows and ~50,000
documents. Then prints the time of
all three indicators with by-year figures, of breakdowns, of a naive per-person ORM loop
(MEASURED on --naive-sample people, then EXTRAPOLATED linearly to everyone) and the speed-up.

PostgreSQL runs when BENCH_DATABASE_URL (or --pg-url) names a database; it is DROPPED and
recreated, as in the other benchmarks.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_x \
    .venv/bin/python bench/indicators_rollup.py [--people 200000] [--naive-sample 2000]
                                                [--only sqlite|postgresql] [--pg-url URL]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402


def _pg_ready(url: str) -> bool:
    parsed = make_url(url)
    try:
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
            ):
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        print(f"PostgreSQL no disponible ({exc.__class__.__name__}); se omite.")
        return False


def _timed(fn, repeat: int = 5):
    """(first run, median of the following runs) in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:] or times), result


def naive_loop(person_ids, indicators):
    """The obvious way: per person, load enrollments and documents through the ORM."""
    from lms.certificates.models import Certificate
    from lms.courses.models import Enrollment

    by_year = {ind.code: {} for ind in indicators}
    for pid in person_ids:
        enrollments = db.session.scalars(select(Enrollment).where(Enrollment.person_id == pid))
        enrollments = list(enrollments)
        for ind in indicators:
            dates = []
            for e in enrollments:
                if e.cohort.course.product_code != ind.product_code or e.completed_on is None:
                    continue
                if not ind.period_start <= e.completed_on <= ind.period_end:
                    continue
                if ind.rule == "certified":
                    certs = db.session.scalars(
                        select(Certificate).where(Certificate.enrollment_id == e.id)
                    ).all()
                    if not any(c.superseded_by_id is None and c.revoked_at is None for c in certs):
                        continue
                dates.append(e.completed_on)
            if dates:
                year = min(dates).year
                by_year[ind.code][year] = by_year[ind.code].get(year, 0) + 1
    return by_year


def analyst_client(app):
    """A test client signed in as a new analyst (committed)."""
    from lms.auth.models import User
    from lms.auth.sessions import sign_in

    email = "bench-analyst@example.org"
    analyst = db.session.scalar(select(User).where(User.email == email))  # a reused database
    if analyst is None:
        analyst = User(role="analyst", email=email, name="Bench", password_hash="!")
        db.session.add(analyst)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        sign_in(session, analyst.get_id())
    return client


def _time_pages(app) -> None:
    """Time the full dashboard page and the CSV export through the test client (analyst)."""
    client = analyst_client(app)
    for label, url in (("página del tablero /indicadores", "/indicadores"),
                       ("exportación CSV (3 indicadores)", "/indicadores/exportar.csv")):
        first, median, res = _timed(lambda url=url: client.get(url), repeat=3)
        assert res.status_code == 200, res.status_code
        print(f"{label}: {median:.0f} ms (mediana; primera {first:.0f} ms)")


@contextmanager
def prepared(url: str, label: str, people: int, reuse: bool = False):
    """The app on a recreated database holding the demo's data for ``people``, analysed;
    yields inside its app context. ``reuse`` keeps a PostgreSQL database an earlier run
    built (200,000 people take long to build on a busy machine) and only migrates it."""
    from lms.courses.catalog import PERIOD
    from lms.demo.build import build

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        reuse = reuse and db.engine.dialect.name == "postgresql"
        if db.engine.dialect.name == "postgresql" and not reuse:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        start = time.perf_counter()
        upgrade()
        print(f"\n== {label}")
        if reuse:
            print(f"migraciones sobre los datos existentes: {time.perf_counter() - start:.1f} s")
            counts = {name: db.session.scalar(text(f"SELECT count(*) FROM {name}"))  # noqa: S608
                      for name in ("people", "enrollments", "attendance", "certificates")}
        else:
            # Inside the plan's period (2020-2023), so every completion and document can
            # count: dated up to today, most of them would fall after it.
            counts = build(people, seed=7, documents="placeholder", chunk=10_000,
                           period=(PERIOD[0].year, PERIOD[1].year))
            db.session.commit()
        print(f"datos: {time.perf_counter() - start:.1f} s — personas {counts['people']:,}, "
              f"inscripciones {counts['enrollments']:,}, asistencia {counts['attendance']:,}, "
              f"documentos {counts['certificates']:,}")
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        db.session.remove()
        yield app
        db.session.remove()
    with app.app_context():
        db.engine.dispose()


def run(url: str, label: str, people: int, sample: int) -> None:
    """Build the data on one database and print the figures."""
    from lms.courses.models import Enrollment
    from lms.indicators import counting

    with prepared(url, label, people) as app:
        first, median, summaries = _timed(counting.summaries)
        print(f"3 indicadores con logro por año: {median:.0f} ms (mediana; primera {first:.0f} ms)")
        for s in summaries:
            print(f"   {s.indicator.code}: {s.total:,} personas {dict(sorted(s.by_year.items()))}")
        ind = summaries[0].indicator
        for by in ("sex", "age_group", "site"):
            first, median, rows = _timed(lambda by=by: counting.breakdown(ind, by))
            print(f"desglose {by} de {ind.code}: {median:.0f} ms (primera {first:.0f} ms), "
                  f"{len(rows)} filas")
        start = time.perf_counter()
        for name in counting.DIMENSIONS:
            counting.breakdown(ind, name)
        spent_ms = (time.perf_counter() - start) * 1000
        print(f"los 10 desgloses uno por uno (breakdown() x10): {spent_ms:.0f} ms")
        _time_pages(app)

        ids = list(db.session.scalars(
            select(Enrollment.person_id).distinct().order_by(Enrollment.person_id).limit(sample)))
        total_people = db.session.scalar(select(func.count(func.distinct(Enrollment.person_id))))
        indicators = counting.list_indicators()
        start = time.perf_counter()
        naive_loop(ids, indicators)
        spent = time.perf_counter() - start
        extrapolated = spent * total_people / len(ids)
        set_based = statistics.median(_timed(counting.summaries, 3)[:2]) / 1000
        if len(ids) < total_people:
            kind = "EXTRAPOLADO"
            print(f"bucle ingenuo por persona (ORM): MEDIDO {spent:.1f} s en {len(ids):,} "
                  f"personas; EXTRAPOLADO (lineal, no medido) a {total_people:,} personas: "
                  f"{extrapolated:.0f} s")
        else:
            kind = "MEDIDO"
            print(f"bucle ingenuo por persona (ORM): MEDIDO {spent:.1f} s en las "
                  f"{total_people:,} personas (sin extrapolar)")
        print(f"aceleración frente al bucle {kind}: x{extrapolated / set_based:,.0f}")


def main() -> None:
    """Parse the options and run the benchmark on each available database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (default: BENCH_DATABASE_URL); it is recreated")
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite3", "SQLite (archivo temporal)", args.people,
                args.naive_sample)
    if args.only == "sqlite":
        return
    if not args.pg_url:
        print("\nPostgreSQL omitido: defina BENCH_DATABASE_URL o use --pg-url.")
    elif _pg_ready(args.pg_url):
        run(args.pg_url, "PostgreSQL", args.people, args.naive_sample)


if __name__ == "__main__":
    main()
