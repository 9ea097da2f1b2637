"""Planilla import: seconds, rows/s and peak RSS for 10,000 and 100,000 rows.

Generates realistic planillas (cohorts of 25 people, 8 sessions of 2.5 h, 90 % present,
every person new, so each run creates people with consent, enrollments, sessions, marks
and completions) and imports each into a fresh database in its own process, so the peak
RSS of one size is not inherited by the next. Temporary SQLite file, plus PostgreSQL when
BENCH_DATABASE_URL is set (that database is dropped and recreated).
Target: 100,000 rows in <= 30 s; peak memory not growing with the file.

    .venv/bin/python bench/attendance_import.py [--rows 10000,100000]
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from attendance_common import app_for, databases, fresh

HEADER = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,"
          "sexo,fecha_nacimiento,zona,estado,autorizacion_datos\n")
PEOPLE, SESSIONS = 25, 8
NAMES = ("Ana María", "José Luis", "Yorgelis", "Carmen", "Luis Ángel", "Rosa", "Óscar")
SURNAMES = ("Pérez Rangel", "Gómez", "Díaz Peña", "Contreras", "Ibáñez", "Suárez")


def write_planilla(path: Path, rows: int) -> None:
    """Write a planilla of ``rows`` rows line by line (flat memory here too)."""
    rnd = random.Random(rows)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        cohort = 0
        while written < rows:
            cohort += 1
            start = date(2022, 1, 10) + timedelta(days=cohort % 300)
            for s in range(SESSIONS):
                day = (start + timedelta(days=7 * s)).isoformat()
                for p in range(PEOPLE):
                    if written >= rows:
                        return
                    doc = 1_000_000 + cohort * 100 + p
                    status = "P" if rnd.random() < 0.9 else rnd.choice("TEA")
                    out.write(f"TIC-BASICO,G-{cohort:05d},CAC-ATALAYA,{day},2.5,CC,{doc},"
                              f"{rnd.choice(NAMES)},{rnd.choice(SURNAMES)},"
                              f"{rnd.choice('FM')},1990-0{1 + p % 9}-1{p % 9},urbana,"
                              f"{status},si\n")
                    written += 1


def child(url: str, path: str) -> None:
    """Import one file (the CLI's code path) and print figures as JSON."""
    from lms.attendance.planilla_import import import_planilla
    from lms.extensions import db

    app = app_for(url)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        baseline, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        start = time.perf_counter()
        result = import_planilla(path, Path(path).name, create_new=True)
        db.session.commit()
        seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "baseline_kb": baseline, "peak_kb": peak,
                      "summary": result.summary()}))


def prepare(url: str) -> None:
    from decimal import Decimal

    from lms.courses.models import Course, Site
    from lms.extensions import db

    app = fresh(url)
    with app.app_context():
        db.session.add_all([
            Course(code="TIC-BASICO", name="Uso básico de las TIC", hours=Decimal(20),
                   product_code="2301031", document_kind="constancia"),
            Site(code="CAC-ATALAYA", name="CAC La Atalaya", kind="cac", zone="urbana"),
        ])
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-planilla-"))
    sizes = [int(n) for n in args.rows.split(",")]
    files = {}
    for n in sizes:
        files[n] = tmp / f"planilla-{n}.csv"
        write_planilla(files[n], n)
    for label, base_url in databases():
        print(f"== {label}")
        print(f"{'filas':>8} {'segundos':>9} {'CPU s':>6} {'filas/s':>9} {'RSS base MB':>12} "
              f"{'RSS pico MB':>12}  conteos")
        for n in sizes:
            url = base_url if label == "postgresql" else base_url.replace(
                "bench.sqlite3", f"bench-{n}.sqlite3")
            prepare(url)
            out = subprocess.run(
                [sys.executable, __file__, "--child", url, str(files[n])],
                capture_output=True, text=True, check=True)
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            counts = ", ".join(f"{k}: {v}" for k, v in figures["summary"])
            print(f"{n:>8} {figures['seconds']:>9.1f} {figures['cpu']:>6.1f} "
                  f"{n / figures['seconds']:>9.0f} "
                  f"{figures['baseline_kb'] / 1024:>12.0f} {figures['peak_kb'] / 1024:>12.0f}"
                  f"  {counts}")


if __name__ == "__main__":
    main()
