"""The parts of bench/load.py: data, the apps under test, gunicorn, the load generator and
the race check. Everything runs against the checkout on PYTHONPATH, so an older commit is
measured with the same harness."""

import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CONNECTIONS = 32
#: Builds the data in the measured checkout and times issuing (printed as JSON).
BUILD = '''
import json, os, sys, time
from flask_migrate import upgrade
from sqlalchemy import select
import certificates_issue as builder
from lms import create_app
from lms.auth.models import User
from lms.auth.services import create_token
from lms.certificates import issue
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.people.models import Person

n = int(sys.argv[1])
app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": "b",
                  "SIGNING_KEY_DIR": os.environ["LMS_SIGNING_KEY_DIR"]})
with app.app_context():
    upgrade()
    ids = builder._build(n + 4)
    list(issue.issue_pending(ids[:1]))  # warm-up: fonts, logo, key
    db.session.commit()
    start = time.perf_counter()
    for _ in issue.issue_pending(ids[1:n]):
        db.session.commit()
    ms = (time.perf_counter() - start) * 1000 / (n - 1)
    admin = User(email="admin@bench.example", name="Admin", role="admin", password_hash="x")
    db.session.add(admin)
    db.session.flush()
    token = create_token(admin, "bench")
    db.session.commit()
    rows = db.session.execute(
        select(Certificate.id, Certificate.code, Person.document_type,
               Person.document_number, Person.birth_date)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Person, Person.id == Enrollment.person_id)).all()
    print(json.dumps({"issue_ms": ms, "token": token, "pending": ids[n:],
                      "ids": [r[0] for r in rows], "codes": [r[1] for r in rows],
                      "people": [[r[2], r[3], r[4].isoformat()] for r in rows]}))
'''
BARE = '''from flask import Flask, jsonify
app = Flask(__name__)


@app.get("/bare.json")
def bare():
    return jsonify({"ok": True})
'''
PK = '''import threading

import psycopg
from flask import Flask, jsonify

app = Flask(__name__)
_local = threading.local()


@app.get("/pk/<int:cert_id>")
def pk(cert_id):
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(DSN, autocommit=True)
    row = conn.execute("SELECT code, holder_name, course_code, completed_on FROM certificates"
                       " WHERE id = %s", (cert_id,)).fetchone()
    return jsonify({"code": row[0], "name": row[1], "course": row[2],
                    "completed": row[3].isoformat()})
'''


def app_env(tmp: str, pg_url: str, redis_url: str, app_root: str) -> dict:
    """The environment the measured apps run in: production settings (rate limits counted
    in Redis, the client behind one trusted proxy), the checkout at ``app_root``."""
    return {**os.environ, "DATABASE_URL": pg_url, "LMS_INSTANCE_PATH": tmp,
            "LMS_SIGNING_KEY_DIR": f"{tmp}/keys", "SECRET_KEY": "bench",
            "RATELIMIT_STORAGE_URI": redis_url, "PROXY_FIX_X_FOR": "1",
            "PYTHONPATH": f"{tmp}:{app_root}:{app_root}/bench", "PYTHONDONTWRITEBYTECODE": "1"}


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def build(env: dict, n: int, tmp: str) -> dict:
    """Issue ``n`` documents (timed) and leave 4 completed enrollments pending."""
    out = subprocess.run([sys.executable, "-c", BUILD, str(n)], env=env, cwd=tmp,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_apps(tmp: str, dsn_url) -> None:
    """The baseline apps, next to the measured checkout's wsgi.py."""
    Path(tmp, "bare_app.py").write_text(BARE)
    dsn = dsn_url.render_as_string(hide_password=False)
    Path(tmp, "pk_app.py").write_text(f"DSN = {dsn!r}\n" + PK)


def serve(module: str, port: int, tmp: str, env: dict, options: list) -> subprocess.Popen:
    """Start gunicorn and wait until it answers."""
    app = module if ":" in module else f"{module}:app"
    cmd = [str(Path(sys.executable).parent / "gunicorn"), *options,
           "--bind", f"127.0.0.1:{port}", app]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp, start_new_session=True)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on {port}")


def portal_requests(port: int, people: list) -> list:
    """Portal POSTs for each person, with the CSRF token of one session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/certificados")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    token = found.group(1) if found else ""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    return [("POST", "/certificados",
             urlencode({"csrf_token": token, "document_type": kind, "document_number": number,
                        "birth_date": birth}), headers)
            for kind, number, birth in people]


def race(port: int, token: str, pending: list, url: str) -> dict:
    """16 simultaneous issue requests per pending enrollment; what the database kept."""
    statuses: list = []
    codes: dict = {}
    lock = threading.Lock()
    barrier = threading.Barrier(16 * len(pending))

    def send(enrollment_id):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = json.dumps({"enrollment_id": enrollment_id})
        barrier.wait()
        conn.request("POST", "/api/v1/certificates", body, {
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "X-Forwarded-For": f"10.9.{len(pending)}.{enrollment_id % 250}"})
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
        with lock:
            statuses.append(response.status)
            codes.setdefault(enrollment_id, set()).add(data.get("code"))

    threads = [threading.Thread(target=send, args=(e,)) for e in pending for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine = create_engine(url)
    with engine.connect() as conn:
        live = dict(conn.execute(text(
            "SELECT enrollment_id, count(*) FROM certificates WHERE revoked_at IS NULL AND "
            "superseded_by_id IS NULL AND enrollment_id = ANY(:ids) GROUP BY enrollment_id"),
            {"ids": pending}).all())
    engine.dispose()
    per = [live.get(e, 0) for e in pending]
    tally = {str(s): statuses.count(s) for s in sorted(set(statuses))}
    distinct = [len(codes.get(e, ())) for e in pending]
    ok = per == [1] * len(pending) and set(statuses) <= {200, 201} and distinct == per
    return {"live": per, "statuses": tally, "codes": distinct, "ok": ok}


def load(port: int, requests: list, seconds: int, tmp: str) -> tuple[float, float]:
    """req/s and p99 (ms) at CONNECTIONS keep-alive connections, clients spread over many
    addresses (X-Forwarded-For), each request picked at random from ``requests``."""
    if shutil.which("wrk"):
        return _wrk(port, requests, seconds, tmp)
    return _python(port, requests, seconds)


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def _wrk(port: int, requests: list, seconds: int, tmp: str) -> tuple[float, float]:
    script = Path(tmp, f"load{port}.lua")
    items = []
    for method, path, body, *headers in requests:
        extra = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in (headers[0] if headers
                                                                    else {}).items())
        items.append(f"{{{_lua(method)}, {_lua(path)}, {_lua(body) if body else 'nil'}, "
                     f"{{{extra}}}}}")
    script.write_text(
        "local reqs = {" + ",\n".join(items) + "}\n"
        # Each thread of each run draws other client addresses: wrk's Lua states start with
        # the same unseeded generator, which would replay one address sequence every run
        # and, summed over the rounds, run into the per-client limits (429).
        "local counter = 0\n"
        "setup = function(thread) counter = counter + 1; thread:set('id', counter) end\n"
        "init = function(args) math.randomseed(os.time() * 1000 + id * 7919"
        " + math.floor(os.clock() * 1000000)) end\n"
        "request = function()\n"
        "  local r = reqs[math.random(#reqs)]\n"
        "  local h = {}\n"
        "  for k, v in pairs(r[4]) do h[k] = v end\n"
        "  h['X-Forwarded-For'] = '10.' .. math.random(0, 255) .. '.' .. math.random(0, 255)"
        " .. '.' .. math.random(1, 254)\n"
        "  return wrk.format(r[1], r[2], h, r[3])\n"
        "end\n")
    try:
        return run_wrk(port, script, seconds, tolerance=0.005)
    except RuntimeError as failed:
        # Measured runs leave wrk's response hook out: with it wrk hands every body to Lua,
        # which costs more on larger pages. A failed run is repeated briefly with the hook,
        # to print the first failing body of each status.
        hooked = script.with_suffix(".failures.lua")
        hooked.write_text(script.read_text() + _FAILURES)
        again = subprocess.run(["wrk", "-t1", "-c4", "-d1s", "-s", str(hooked),
                                f"http://127.0.0.1:{port}"], capture_output=True, text=True)
        raise RuntimeError(f"{failed}\n{again.stdout}") from None


_FAILURES = (
    "local seen = {}\n"
    "response = function(status, headers, body)\n"
    "  if status >= 400 and not seen[status] then\n"
    "    seen[status] = true\n"
    "    print('HTTP ' .. status .. ': ' .. string.sub(body or '', 1, 400))\n"
    "  end\n"
    "end\n")


def run_wrk(port: int, script: Path, seconds: int, tolerance: float = 0.0):
    """Run wrk with ``script``; req/s and p99 (ms). More failed responses than
    ``tolerance`` (a share of all) is an error."""
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s",
                          str(script), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    if bad and int(bad.group(1)) > total * tolerance:
        raise RuntimeError(f"{bad.group(1)} of {total} responses failed on :{port}\n{out}")
    return rps, p99


def _python(port: int, requests: list, seconds: int) -> tuple[float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.perf_counter() < deadline:
            method, path, body, *headers = random.choice(requests)
            headers = dict(headers[0]) if headers else {}
            headers["X-Forwarded-For"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}" \
                f".{random.randint(1, 254)}"
            start = time.perf_counter()
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                raise RuntimeError(f"HTTP {response.status} on {path}")
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return len(latencies) / elapsed, latencies[max(int(len(latencies) * 0.99) - 1, 0)]
