"""The indicator dashboard and its CSV export at 10x Cúcuta, before and after the stored first
events (issue 16 part 4; targets on PostgreSQL: dashboard < 1 s, CSV < 1.5 s).

Builds its own data with the demo builder (bulk inserts; completion by the completion rule;
cohorts in the plan's period 2020-2023, so the figures count everyone):
200,000 people, ~300,000 enrollments, ~2,000,000 attendance marks, documents. Then, on the
same data, times through the test client (an analyst):

* BEFORE: the figures computed in full from enrollments and documents on every request
  (``query.first_events``, what every page did before ``indicator_events``);
* AFTER: the figures read from ``indicator_events``;

and what keeping the table costs: a full rebuild, and refreshing one person and 500 people
(what a mark, an issue or a planilla batch adds to its transaction). It checks that both ways
give the same CSV and that the table equals the full computation.

    .venv/bin/python bench/indicators_events.py [--people 200000] [--only sqlite|postgresql]
        [--pg-url URL]     # default BENCH_DATABASE_URL; the database is DROPPED and recreated
        [--reuse]          # ... unless --reuse: keep an earlier run's data, only migrate it
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicators_rollup import _pg_ready, analyst_client, prepared  # noqa: E402

from lms.extensions import db  # noqa: E402

#: Runs of each page; the median is printed.
REPEAT = 5
PAGES = (("tablero /indicadores", "/indicadores"),
         ("CSV /indicadores/exportar.csv", "/indicadores/exportar.csv"))


def _ms(fn, repeat: int = 5) -> tuple[float, float, object]:
    """(median, first) milliseconds of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times[0], result


@contextmanager
def computed_in_full():
    """Make every figure come from the full computation again, as before the table."""
    from lms.indicators import query

    def full(ind, attribution):
        return query.first_events(ind, attribution)

    with mock.patch.object(query, "stored_first_events", full):
        yield


def _pages(client, label: str) -> dict:
    bodies = {}
    for name, url in PAGES:
        median, first, res = _ms(lambda url=url: client.get(url), repeat=REPEAT)
        assert res.status_code == 200, res.status_code
        bodies[url] = res.data
        print(f"  {label:<7} {name:<32} {median:8.0f} ms (mediana de {REPEAT}; "
              f"primera {first:.0f})")
    return bodies


def _maintenance() -> None:
    from lms.courses.models import Enrollment
    from lms.indicators import events

    people = db.session.scalars(select(Enrollment.person_id).where(
        Enrollment.completed_on.is_not(None)).distinct().order_by(Enrollment.person_id)
        .limit(500)).all()
    for size in (1, len(people)):
        def refresh(size=size):
            events.mark("people", people[:size])
            events.settle()
        median, _, _ = _ms(refresh, repeat=5)
        print(f"  mantener la tabla: refrescar {size} persona(s): {median:.1f} ms")
    median, _, _ = _ms(events.rebuild, repeat=3)
    print(f"  mantener la tabla: reconstruirla entera: {median:.0f} ms")
    db.session.commit()


def run(url: str, label: str, people: int, reuse: bool = False) -> None:
    """Build the data on one database and print the figures."""
    from lms.indicators import events

    with prepared(url, label, people, reuse) as app:
        print(f"primeros eventos guardados: {events.count_rows():,}")
        client = analyst_client(app)
        with computed_in_full():
            before = _pages(client, "ANTES")
        after = _pages(client, "DESPUÉS")
        # Same figures (the CSV's generation minute aside) both ways.
        strip = [b"\n".join(line for line in body.splitlines() if b"generado" not in line.lower())
                 for body in (before[PAGES[1][1]], after[PAGES[1][1]])]
        print(f"  el CSV es igual antes y después: {'sí' if strip[0] == strip[1] else 'NO'}")
        differences = events.differences()
        print(f"  la tabla coincide con el cálculo completo: "
              f"{'sí' if not differences else f'NO ({len(differences)} filas)'}")
        _maintenance()


def main() -> None:
    """Parse the options and run the benchmark on each available database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep the PostgreSQL data of an earlier run (only migrate it)")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_indicators"),
        help="PostgreSQL URL (default: BENCH_DATABASE_URL); it is recreated")
    args = parser.parse_args()
    if args.only != "sqlite" and _pg_ready(args.pg_url):
        run(args.pg_url, "PostgreSQL", args.people, args.reuse)
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite3", "SQLite (archivo temporal)", args.people)


if __name__ == "__main__":
    main()
