"""Issue 16's scenarios in one command: public pages under load next to their baselines,
the cost of issuing, and concurrent issue requests; 3 interleaved rounds, medians, after a
first pass that fills the public cache (its cold reads: bench/certificates_verify.py).

Serves with gunicorn (gthread, 2 workers x 16 threads) on PostgreSQL:

- baselines: a one-route Flask app, and a raw psycopg primary-key lookup per request (one
  connection per thread: the ceiling for any page that reads the database);
- GET /v/CODE.json and GET /v/CODE over the distinct codes, the citizen portal POST over
  as many people, all with the production settings (rate limits counted in Redis and the
  public cache on: lms/pagecache.py;
  clients spread over many addresses through X-Forwarded-For, as behind the proxy);
- issuing: ms per document (PDF + QR + signature + INSERT) while building the data;
- the race: 16 concurrent POST /api/v1/certificates for each of 4 enrollments through
  gunicorn; it must leave one live document each and no 5xx.

Load: wrk at 32 connections if installed, else a Python generator (threads + http.client).
Prints a table (req/s, share of bare Flask and of the psycopg ceiling, p99, target) and
the raw rounds, and writes bench/results/<date>.json (runs keyed by --label). The database
at BENCH_DATABASE_URL is dropped and recreated, and the Redis database at BENCH_REDIS_URL
emptied. --app-root measures another checkout
(e.g. a worktree of an older commit) with this same harness, for before/after figures.

Runs of the same code can differ by half: wrk's 32 keep-alive connections split between
the two workers as their accepts race, and when one worker holds most of them the other
idles (bench/portal_parts.py). Compare medians of runs made minutes apart.

    .venv/bin/python bench/load.py [--quick] [--label after] [--app-root PATH]
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load_tools as tools  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "16", "--keep-alive", "30",
            "--log-level", "warning"]
#: (key, label, share of bare Flask to reach, p99 bound in ms).
TARGETS = {
    "bare": ("Flask mínimo (base)", None, None),
    "psycopg": ("psycopg, SELECT por clave (techo)", None, None),
    "json": ("GET /v/CODE.json", 0.50, 100),
    "html": ("GET /v/CODE (HTML)", 0.35, 100),
    "portal": ("POST /certificados (portal)", 0.25, 100),
}
#: Issuing budget on PostgreSQL (ms per document).
ISSUE_BUDGET = 3.0


#: Paths the public cache keeps (lms/pagecache.py): measured once it holds them.
CACHED = ("json", "html")


def _measure(targets: dict, rounds: int, seconds: int, tmp: str, codes: int) -> dict:
    runs: dict[str, list[tuple[float, float]]] = {key: [] for key in targets}
    for key in CACHED:
        # Each worker keeps its own copies: a first pass long enough for every code to
        # reach both workers a few times, so the rounds measure the steady state (the
        # first reads of a code, from PostgreSQL, are bench/certificates_verify.py's
        # "sin caché" figure).
        tools.load(*targets[key], max(1, codes // 70), tmp)
    for _ in range(rounds):
        # The machine's speed drifts: targets take turns, each figure is a median.
        for key, (port, requests) in targets.items():
            tools.load(port, requests, 1, tmp)  # warm-up: pools, caches, templates
            runs[key].append(tools.load(port, requests, seconds, tmp))
    return runs


def _table(runs: dict, issue_ms: float, race: dict, tool: str) -> dict:
    medians = {k: (statistics.median(r for r, _ in v), statistics.median(p for _, p in v))
               for k, v in runs.items()}
    bare, ceiling = medians["bare"][0], medians["psycopg"][0]
    print(f"\ngunicorn {' '.join(GUNICORN[:6])}; {tools.CONNECTIONS} conexiones; {tool}; "
          f"medianas de {len(runs['bare'])} rondas")
    print(f"{'escenario':36s} {'req/s':>8s} {'% Flask':>8s} {'% techo':>8s} {'p99 ms':>8s}"
          f"  meta")
    summary = {}
    for key, (label, share, p99_max) in TARGETS.items():
        rps, p99 = medians[key]
        met = None
        goal = ""
        if share is not None:
            met = rps >= share * bare and p99 < p99_max
            goal = f">= {share:.0%} y p99 < {p99_max} ms: {'CUMPLE' if met else 'NO CUMPLE'}"
        print(f"{label:36s} {rps:8.0f} {rps / bare:8.0%} {rps / ceiling:8.0%} {p99:8.1f}  {goal}")
        summary[key] = {"label": label, "rps": rps, "p99_ms": p99, "share_bare": rps / bare,
                        "share_ceiling": rps / ceiling, "met": met,
                        "rounds": [{"rps": r, "p99_ms": p} for r, p in runs[key]]}
    met = issue_ms <= ISSUE_BUDGET
    print(f"{'Emisión (ms por documento)':36s} {issue_ms:8.2f}{'':27s}  <= {ISSUE_BUDGET} ms: "
          f"{'CUMPLE' if met else 'NO CUMPLE'}")
    print(f"{'Carrera: 16 emisiones simultáneas':36s} vigentes por inscripción {race['live']}, "
          f"respuestas {race['statuses']}, códigos distintos {race['codes']}: "
          f"{'CUMPLE' if race['ok'] else 'NO CUMPLE'}")
    print("\nRondas (req/s | p99 ms):")
    for key, (label, *_rest) in TARGETS.items():
        print(f"  {label:34s} " + "   ".join(f"{r:7.0f} | {p:6.1f}" for r, p in runs[key]))
    summary["issue"] = {"ms_per_document": issue_ms, "budget": ISSUE_BUDGET, "met": met}
    summary["race"] = race
    return summary


def _write(label: str, summary: dict, args) -> Path:
    out = ROOT / "bench" / "results" / f"{datetime.now(UTC).date().isoformat()}.json"
    out.parent.mkdir(exist_ok=True)
    data = json.loads(out.read_text()) if out.exists() else {}
    data[label] = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
                   "app_root": str(Path(args.app_root).resolve()), "quick": args.quick,
                   "codes": args.codes, "seconds": args.seconds, "rounds": args.rounds,
                   "results": summary}
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 codes, 2 s per run")
    parser.add_argument("--codes", type=int, default=2000, help="distinct documents")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--label", default="after", help="key of this run in the results")
    parser.add_argument("--app-root", default=str(ROOT), help="checkout to measure")
    args = parser.parse_args()
    if args.quick:
        args.codes, args.seconds = 200, 2
    app_root = str(Path(args.app_root).resolve())
    tools.recreate_database(PG_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()  # the limiter's counters of earlier runs
    with tempfile.TemporaryDirectory() as tmp:
        env = tools.app_env(tmp, PG_URL, REDIS_URL, app_root)
        built = tools.build(env, args.codes, tmp)
        print(f"[{args.label}] {args.codes} documentos emitidos: "
              f"{built['issue_ms']:.2f} ms/documento en PostgreSQL")
        tools.write_apps(tmp, make_url(PG_URL).set(drivername="postgresql"))
        servers = {"bare": tools.serve("bare_app", 8471, tmp, env, GUNICORN),
                   "psycopg": tools.serve("pk_app", 8472, tmp, env, GUNICORN),
                   "app": tools.serve("wsgi:app", 8473, tmp, env, GUNICORN)}
        try:
            race = tools.race(8473, built["token"], built["pending"], PG_URL)
            portal = tools.portal_requests(8473, built["people"])
            targets = {
                "bare": (8471, [("GET", "/bare.json", None)]),
                "psycopg": (8472, [("GET", f"/pk/{i}", None) for i in built["ids"]]),
                "json": (8473, [("GET", f"/v/{c}.json", None) for c in built["codes"]]),
                "html": (8473, [("GET", f"/v/{c}", None) for c in built["codes"]]),
                "portal": (8473, portal),
            }
            tool = "wrk" if shutil.which("wrk") else "Python (hilos + http.client)"
            runs = _measure(targets, args.rounds, args.seconds, tmp, args.codes)
        finally:
            for proc in servers.values():
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
        summary = _table(runs, built["issue_ms"], race, tool)
    print(f"\nResultados: {_write(args.label, summary, args)}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
