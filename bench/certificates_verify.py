"""GET /v/{CODE}.json under gunicorn against PostgreSQL, next to a bare Flask endpoint.

Needs PostgreSQL: set BENCH_DATABASE_URL (that database is dropped and recreated);
without it the script says so and exits 0. Redis at BENCH_REDIS_URL (default
redis://127.0.0.1:6379/5) for the variants that use it. Builds 200 issued documents and
serves, with the same gunicorn settings on 127.0.0.1:

- the embedded default: rate limits counted in memory, so no public cache (it needs a
  shared store) and every request reads the database;
- the production setting: limits counted in Redis, and the public cache (lms/pagecache.py)
  keeping each answer per process, its token read in the same Redis round trip;
- the same without the cache (PUBLIC_CACHE_URI empty): what the cache saves;
- a one-route Flask app.

Loads each at 32 concurrent keep-alive connections (wrk if installed, else a bounded Python
load generator: threads + http.client), and prints req/s, p99 and the ratios. Target: the
verification endpoint reaches >= 60% of the bare one.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_certificates \
        .venv/bin/python bench/certificates_verify.py [--seconds 10] [--requests 20000]
"""

import argparse
import http.client
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import certificates_issue as builder  # noqa: E402
import load_tools  # noqa: E402

PG_URL = builder.PG_URL
CONNECTIONS = 32
GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "16", "--keep-alive", "30",
            "--log-level", "warning", "--bind"]
BARE = '''from flask import Flask, jsonify
app = Flask(__name__)

@app.get("/bare.json")
def bare():
    return jsonify({"ok": True})
'''
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
OURS = '''from lms import create_app
app = create_app({{"CERT_VERIFY_RATE_LIMIT": "100000000/minute"{extra}}})
'''
_REDIS_LIMITS = f', "RATELIMIT_STORAGE_URI": "{REDIS_URL}", "RATELIMIT_KEY_PREFIX": "bench-v"'
#: (label, module, port, extra settings, extra code).
APPS = (
    ("JSON, límite en memoria", "ours_app", 8461, "", ""),
    ("JSON, Redis + caché", "ours_redis_app", 8463, _REDIS_LIMITS, ""),
    ("JSON, Redis sin caché", "ours_cold_app", 8465, _REDIS_LIMITS + ', "PUBLIC_CACHE_URI": ""',
     ""),
)
BARE_LABEL = "Flask mínimo"
ROUNDS = 3


def _build(tmp: str) -> list[str]:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.certificates import issue
    from lms.certificates.models import Certificate
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": PG_URL, "SIGNING_KEY_DIR": f"{tmp}/keys",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        ids = builder._build(200)
        for _ in issue.issue_pending(ids):
            db.session.commit()
        codes = list(db.session.scalars(select(Certificate.code)))
        db.engine.dispose()
    return codes


def _serve(module: str, port: int, tmp: str, env: dict) -> subprocess.Popen:
    return load_tools.serve(module, port, tmp, {**env, "PYTHONPATH": f"{tmp}:{ROOT}"},
                            GUNICORN[:-1])


def _wrk(port: int, paths: list[str], seconds: int, tmp: str) -> tuple[float, float]:
    script = Path(tmp) / f"paths{port}.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(f"local paths = {{{quoted}}}\nrequest = function()\n"
                      "  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
    return load_tools.run_wrk(port, script, seconds)


def _python_load(port: int | list[int], paths: list[str], total: int) -> tuple[float, float]:
    """req/s and p99 (ms) of ``total`` GETs over 32 connections, shared among ``port``(s)."""
    ports = port if isinstance(port, list) else [port]
    latencies: list[float] = []
    lock = threading.Lock()
    per = total // CONNECTIONS

    def worker(port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for _ in range(per):
            start = time.perf_counter()
            conn.request("GET", random.choice(paths))
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(ports[i % len(ports)],))
               for i in range(CONNECTIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per endpoint")
    parser.add_argument("--requests", type=int, default=10000, help="Python load: requests")
    args = parser.parse_args()
    if not PG_URL:
        print("Este benchmark necesita PostgreSQL: defina BENCH_DATABASE_URL, por ejemplo "
              "postgresql+psycopg://postgres@127.0.0.1:5432/bench_certificates "
              "(la base se borra y se vuelve a crear). No se midió nada.")
        return
    if not builder._pg_ready(PG_URL):
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        codes = _build(tmp)
        Path(tmp, "bare_app.py").write_text(BARE)
        for _, module, _, extra, code in APPS:
            Path(tmp, f"{module}.py").write_text(OURS.format(extra=extra) + code)
        env = {**os.environ, "DATABASE_URL": PG_URL, "LMS_INSTANCE_PATH": tmp,
               "LMS_SIGNING_KEY_DIR": f"{tmp}/keys", "SECRET_KEY": "bench"}
        targets = [(label, port, [f"/v/{c}.json" for c in codes])
                   for label, _, port, _, _ in APPS]
        targets.append((BARE_LABEL, 8462, ["/bare.json"]))
        servers = [_serve(module, port, tmp, env) for _, module, port, _, _ in APPS]
        servers.append(_serve("bare_app", 8462, tmp, env))
        try:
            use_wrk = shutil.which("wrk") is not None
            # This machine's speed drifts by 2x from minute to minute: the targets take
            # turns over ROUNDS rounds and each figure is the median of its rounds.
            runs: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in targets}
            for _ in range(ROUNDS):
                for label, port, paths in targets:
                    if use_wrk:
                        _wrk(port, paths, 1, tmp)  # warm-up: pools, caches
                        runs[label].append(_wrk(port, paths, args.seconds, tmp))
                    else:
                        _python_load(port, paths, 1000)
                        runs[label].append(_python_load(port, paths, args.requests))
            results = {label: (statistics.median(r for r, _ in got),
                               statistics.median(p for _, p in got))
                       for label, got in runs.items()}
            tool = "wrk" if use_wrk else "Python (hilos + http.client)"
            print(f"gunicorn {' '.join(GUNICORN[:-1])}; {CONNECTIONS} conexiones; {tool}")
            for label, (rps, p99) in results.items():
                spread = ", ".join(f"{r:.0f}" for r, _ in runs[label])
                print(f"{label:30s} {rps:9.0f} req/s   p99 {p99:7.1f} ms   (rondas: {spread})")
            bare = results[BARE_LABEL][0]
            for label, *_ in APPS:
                print(f"Relación {label} / {BARE_LABEL}: "
                      f"{100 * results[label][0] / bare:.0f} % (meta >= 60 %)")
        finally:
            for proc in servers:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
