"""Scale-out on one machine: two gunicorn instances (A, B) and two task consumers sharing
PostgreSQL and Redis, as in the README's production section.

Needs PostgreSQL (BENCH_DATABASE_URL; that database is dropped and recreated) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/5; the queue's and this run's limiter keys
there are deleted). Without PostgreSQL it says so and exits 0. Everything is on 127.0.0.1.

1. Issue throughput: 1,000 documents with one consumer, then 1,000 with two.
2. Batch-issue 2,000 documents with two consumers, SIGKILL one halfway: every enrollment
   ends with exactly one document (the sweep sends the killed consumer's chunk again).
3. Revoke on A, read /v/CODE.json on B at once: "revoked" on the first read, every time.
4. The citizen portal from one client across A and B: the shared limit (10/minute) holds.
5. Verification req/s and p99, one instance against two.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale \\
        .venv/bin/python bench/scale_out.py [--requests 6000]
"""

import argparse
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import certificates_issue as builder  # noqa: E402
from certificates_verify import _python_load  # noqa: E402

PG_URL = builder.PG_URL
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PORTS = {"A": 8471, "B": 8472}
APP = '''import os
from lms import create_app, tasks
app = create_app({"CERT_VERIFY_RATE_LIMIT": "100000000/minute",
                  "RATELIMIT_KEY_PREFIX": os.environ["BENCH_PREFIX"]})
huey = tasks.huey
'''
GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "8", "--log-level", "warning"]
COURSES = {"ESC-UNO": range(0, 5), "ESC-DOS": range(5, 10), "ESC-TRES": range(10, 20)}
PASSWORD = "clave-de-prueba-123"  # noqa: S105 - a throwaway account in a throwaway database


def _build(tmp: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from lms import create_app
    from lms.auth.services import create_user
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": PG_URL, "SIGNING_KEY_DIR": f"{tmp}/keys",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        builder._build(4000)  # ALF-DIG, cohorts G-000…G-019 of 200 completed enrollments
        for code, cohorts in COURSES.items():
            db.session.execute(text(
                "INSERT INTO courses (code, name, description, hours, min_attendance_pct,"
                " grants_document, document_kind, product_code, auto_issue, active)"
                " SELECT :code, name, description, hours, min_attendance_pct, grants_document,"
                " document_kind, product_code, auto_issue, active FROM courses"
                " WHERE code = 'ALF-DIG'"), {"code": code})
            db.session.execute(text(
                "UPDATE cohorts SET course_id = (SELECT id FROM courses WHERE code = :code)"
                " WHERE code = ANY(:cohorts)"),
                {"code": code, "cohorts": [f"G-{i:03d}" for i in cohorts]})
        create_user("admin@example.org", "Admin", "admin", PASSWORD)
        db.session.commit()
        db.engine.dispose()


class Client:
    """A browser-like client (cookies, CSRF tokens) for one base URL."""

    def __init__(self, port: int, jar: http.cookiejar.CookieJar):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> tuple[int, str]:
        """GET, returning status and body."""
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, path: str, data: dict, form_path: str | None = None) -> tuple[int, str]:
        """POST a form with the CSRF token of the page at ``form_path`` (default: ``path``)."""
        _, page = self.get(form_path or path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                return response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            return exc.code, ""


def _start(cmd: list[str], env: dict, tmp: str) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, cwd=tmp, start_new_session=True)


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=60)


def _wait_http(port: int) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on {port}")


def _job(client: Client, course: str) -> tuple[str, float]:
    start = time.perf_counter()
    status, url = client.post("/admin/certificados/lotes", {"course": course, "cohort": ""},
                              form_path="/admin/certificados")
    assert status == 200 and "/lotes/" in url, (status, url)
    return urllib.parse.urlsplit(url).path + ".json", start


def _progress(client: Client, path: str) -> dict:
    import json

    return json.loads(client.get(path)[1])


def _until_done(client: Client, path: str, seconds: int, on_tick=None) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _progress(client, path)
        if on_tick:
            on_tick(state)
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.25)
    raise RuntimeError(f"batch not finished after {seconds} s: {_progress(client, path)}")


def _sql(query: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect("postgresql://" + PG_URL.split("://", 1)[1]) as conn:
        return conn.execute(query, params).fetchall()


def _documents_per_enrollment(course: str) -> dict[int, int]:
    rows = _sql(
            "SELECT e.id, count(c.id) FROM enrollments e JOIN cohorts g ON g.id = e.cohort_id"
            " JOIN courses k ON k.id = g.course_id LEFT JOIN certificates c"
        " ON c.enrollment_id = e.id WHERE k.code = %s GROUP BY e.id", course)
    return {n: sum(1 for _, c in rows if c == n) for n in {c for _, c in rows}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=6000, help="verification requests")
    args = parser.parse_args()
    if not PG_URL:
        print("Este benchmark necesita PostgreSQL y Redis: defina BENCH_DATABASE_URL, por ejemplo "
              "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale (la base se borra y se "
              "vuelve a crear). No se midió nada.")
        return
    if not builder._pg_ready(PG_URL):
        sys.exit(1)
    import redis

    queue = redis.Redis.from_url(REDIS_URL)
    prefix = f"bench-scale-{uuid.uuid4().hex[:8]}"
    for key in queue.scan_iter("huey.*lms*"):
        queue.delete(key)
    with tempfile.TemporaryDirectory() as tmp:
        _build(tmp)
        Path(tmp, "scale_app.py").write_text(APP)
        env = {**os.environ, "DATABASE_URL": PG_URL, "TASK_QUEUE_URL": REDIS_URL,
               "RATELIMIT_STORAGE_URI": REDIS_URL, "BENCH_PREFIX": prefix,
               "LMS_INSTANCE_PATH": tmp, "LMS_SIGNING_KEY_DIR": f"{tmp}/keys",
               "SECRET_KEY": "bench", "TASK_STALL_SECONDS": "10",
               "PYTHONPATH": f"{tmp}:{ROOT}"}
        web = {name: _start([str(ROOT / ".venv/bin/gunicorn"), *GUNICORN, "--bind",
                             f"127.0.0.1:{port}", "scale_app:app"], env, tmp)
               for name, port in PORTS.items()}
        consumer_cmd = [str(ROOT / ".venv/bin/huey_consumer"), "scale_app.huey", "-w", "2",
                        "-k", "thread", "-q"]
        consumers = [_start(consumer_cmd, env, tmp)]
        try:
            for port in PORTS.values():
                _wait_http(port)
            jar = http.cookiejar.CookieJar()
            a, b = Client(PORTS["A"], jar), Client(PORTS["B"], jar)
            a.post("/login", {"email": "admin@example.org", "password": PASSWORD})
            figures = {}

            # 1. Throughput, one consumer then two.
            for label, course in (("1 consumidor", "ESC-UNO"), ("2 consumidores", "ESC-DOS")):
                if label.startswith("2"):
                    consumers.append(_start(consumer_cmd, env, tmp))
                    time.sleep(3)
                path, start = _job(a, course)
                state = _until_done(a, path, 600)
                figures[label] = state["done"] / (time.perf_counter() - start)
                assert state == {**state, "state": "done", "total": 1000, "done": 1000}, state
            print(f"Emisión en lote (2 instancias web, PostgreSQL, cola en Redis): "
                  f"{figures['1 consumidor']:.0f} documentos/s con 1 consumidor, "
                  f"{figures['2 consumidores']:.0f} documentos/s con 2")

            # 2. 2,000 documents; one consumer killed halfway.
            path, start = _job(b, "ESC-TRES")
            killed = {}

            def kill_halfway(state):
                if not killed and state["done"] >= state["total"] // 2 > 0:
                    killed["at"] = state["done"]
                    os.killpg(consumers[1].pid, signal.SIGKILL)

            state = _until_done(b, path, 600, kill_halfway)
            counts = _documents_per_enrollment("ESC-TRES")
            print(f"Lote de 2.000 con un consumidor matado (SIGKILL) a los {killed.get('at')}: "
                  f"terminó en {time.perf_counter() - start:.0f} s; inscripciones por número de "
                  f"documentos: {counts}")
            assert killed and state["state"] == "done" and counts == {1: 2000}, (state, counts)

            # 3. Revoke on A, read on B at once.
            valid = "SELECT code FROM certificates WHERE revoked_at IS NULL ORDER BY id"
            codes = [c for (c,) in _sql(valid)][:20]
            first_reads = []
            for code in codes:
                assert '"status": "valid"' in b.get(f"/v/{code}.json")[1]
                status, _ = a.post(f"/admin/certificados/{code}/revocar",
                                   {"reason": "Prueba de escala"},
                                   form_path=f"/admin/certificados/{code}")
                assert status == 200
                first_reads.append(re.search(r'"status": "(\w+)"',
                                             b.get(f"/v/{code}.json")[1]).group(1))
            print(f"Revocado en A y leído en B de inmediato: {first_reads.count('revoked')} de "
                  f"{len(codes)} respondieron \"revoked\" en la primera lectura")
            assert len(codes) == 20 and first_reads == ["revoked"] * 20, first_reads

            # 4. The portal's shared limit from one client across both instances.
            form = {"document_type": "CC", "document_number": "1090000001",
                    "birth_date": "1980-02-02"}
            statuses = [(a if i % 2 == 0 else b).post("/certificados", form)[0]
                        for i in range(24)]
            print(f"Portal ciudadano, un cliente alternando A y B: {statuses.count(200)} "
                  f"consultas aceptadas de 24, luego 429 (límite configurado: 10/minuto)")
            assert statuses == [200] * 10 + [429] * 14, statuses

            # 5. Verification throughput and p99, one instance against two.
            paths = [f"/v/{c}.json" for (c,) in _sql(valid)]
            _python_load([PORTS["A"]], paths, 1000)
            for label, ports in (("1 instancia", [PORTS["A"]]),
                                 ("2 instancias", list(PORTS.values()))):
                rps, p99 = _python_load(ports, paths, args.requests)
                print(f"GET /v/CODE.json, {label} (gthread 2x8 cada una), 32 conexiones: "
                      f"{rps:.0f} req/s, p99 {p99:.1f} ms")
        finally:
            for proc in [*consumers, *web.values()]:
                _stop(proc)
            for key in queue.scan_iter(f"*{prefix}*"):
                queue.delete(key)


if __name__ == "__main__":
    main()
