"""Offline app: syncing 1,000 queued marks, bytes downloaded, and the shell on 3G.

Builds its own data (a 40-person cohort with 25 sessions up to today) in a temporary SQLite
file, and in PostgreSQL when BENCH_DATABASE_URL is set, then prints:

- the time to sync 1,000 queued marks through POST /app/sincronizar, in the app's batches
  of 100, the requests used, and the time to send the same queue again (all replays);
- the bytes of the data download (one 40-person roster today) and of the shell (the page,
  the service worker, the manifest and every precached file, plus gzip sizes);
- (SQLite only, headless Chromium) the first load of the shell on an emulated 3G network
  (CDP: 300 ms latency, 750 kbit/s down, 250 kbit/s up), a repeat load from the service
  worker's cache on the same network, and a reload with no network at all.

    .venv/bin/python bench/offline_sync.py
"""

import gzip
import json
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from attendance_common import databases, fresh

PEOPLE = 40
SESSIONS = 25  # 40 × 25 = 1,000 marks
BATCH = 100  # as lms/static/js/offline/sync.js
THREE_G = {"offline": False, "latency": 300, "downloadThroughput": 750 * 1000 / 8,
           "uploadThroughput": 250 * 1000 / 8}
PASSWORD = "clave-bench-123"


def build() -> tuple[int, list[int], list[int]]:
    """A trainer, a 40-person cohort with sessions from 24 days ago through today."""
    from lms.auth.services import create_user
    from lms.courses.models import Cohort, Course, CourseSession, Enrollment, Site
    from lms.extensions import db
    from lms.people.models import Consent, Person, PrivacyNotice
    from lms.timeutil import local_today

    today = local_today()
    notice = PrivacyNotice(version="bench", text="Aviso de privacidad.")
    course = Course(code="ALFA", name="Alfabetización digital", hours=Decimal(100),
                    product_code="2301034", document_kind="certificado")
    site = Site(code="RURAL-1", name="Salón comunal Palmarito", kind="salon_comunal",
                zone="rural")
    db.session.add_all([notice, course, site])
    trainer = create_user("formadora@example.org", "Formadora", "trainer", PASSWORD)
    db.session.flush()
    cohort = Cohort(code="G-RURAL", course_id=course.id, site_id=site.id, capacity=PEOPLE,
                    start_date=today - timedelta(days=60), end_date=today + timedelta(days=60))
    cohort.trainers.append(trainer)
    db.session.add(cohort)
    db.session.flush()
    sessions = [CourseSession(cohort_id=cohort.id, date=today - timedelta(days=d), hours=4)
                for d in range(SESSIONS)]
    db.session.add_all(sessions)
    enrollments = []
    for i in range(PEOPLE):
        person = Person(document_type="CC", document_number=f"1090{i:06d}",
                        first_names=f"Nombre {i}", last_names=f"Apellido {i}", sex="F",
                        zone="rural", birth_date=date(1990, 1, 1))
        db.session.add(person)
        db.session.flush()
        db.session.add(Consent(person_id=person.id, notice_id=notice.id, channel="form",
                               granted_at=datetime(2024, 1, 1)))
        enrollments.append(Enrollment(person_id=person.id, cohort_id=cohort.id))
    db.session.add_all(enrollments)
    db.session.commit()
    return trainer.id, [s.id for s in sessions], [e.id for e in enrollments]


def queue(user_id: int, session_ids: list[int], enrollment_ids: list[int]) -> list[dict]:
    """1,000 queued marks, as the app makes them."""
    made = datetime.now() - timedelta(hours=1)
    return [{"mark_id": str(uuid.uuid4()), "device_id": "bench", "user_id": user_id,
             "kind": "mark", "session_id": s, "enrollment_id": e,
             "status": "presente" if (s + e) % 5 else "ausente",
             "made_at": (made + timedelta(seconds=n)).isoformat(), "base": None}
            for n, (s, e) in enumerate((s, e) for s in session_ids for e in enrollment_ids)]


def send(client, items) -> tuple[float, int, dict]:
    """Send ``items`` in the app's batches; (seconds, requests, outcome counts)."""
    start, requests, outcomes = time.perf_counter(), 0, {}
    for i in range(0, len(items), BATCH):
        response = client.post("/app/sincronizar",
                               json={"device_id": "bench", "items": items[i : i + BATCH]})
        requests += 1
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        for result in response.get_json()["results"]:
            outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    return time.perf_counter() - start, requests, outcomes


def shell_bytes(client) -> tuple[int, int, int]:
    """(files, bytes, gzip bytes) of the shell: page, worker, manifest, precache, Workbox."""
    from lms.attendance.offline_views import SHELL_FILES

    urls = ["/app/hoy", "/app/sw.js", "/app/manifest.webmanifest"]
    urls += [f"/static/{f}" if e == "static" else f"/bootstrap/static/{f}" for e, f in SHELL_FILES]
    urls += [f"/static/vendor/workbox/workbox-{m}.js"
             for m in ("sw", "core.prod", "precaching.prod", "routing.prod", "strategies.prod")]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.get_data())
    return len(bodies), sum(map(len, bodies)), sum(len(gzip.compress(b)) for b in bodies)


def browser_loads(app, session_id: int) -> None:
    """First load on 3G, repeat load from the cache on 3G, and a reload offline."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="es-CO", timezone_id="America/Bogota")
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + "/login")
        page.get_by_label("Correo electrónico").fill("formadora@example.org")
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        page.wait_for_url("**/app/hoy")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", THREE_G)
        page.evaluate("navigator.serviceWorker.getRegistrations()"
                      ".then(rs => Promise.all(rs.map(r => r.unregister())))")
        page.evaluate("caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k))))")
        url = f"{base}/app/sesiones/{session_id}"
        start = time.perf_counter()
        page.goto(url, wait_until="load")
        first_load = time.perf_counter() - start
        page.locator("#ready", has_text="Listo para trabajar").wait_for()
        first_ready = time.perf_counter() - start
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        start = time.perf_counter()
        page.reload(wait_until="load")
        page.locator("#roster-list > li").nth(PEOPLE - 1).wait_for()
        repeat = time.perf_counter() - start
        context.set_offline(True)
        start = time.perf_counter()
        page.reload(wait_until="load")
        page.locator("#roster-list > li").nth(PEOPLE - 1).wait_for()
        offline = time.perf_counter() - start
        browser.close()
    server.shutdown()
    print("3G emulado (CDP: 300 ms, 750 kbit/s de bajada, 250 kbit/s de subida):")
    print(f"  primera carga (evento load)            {first_load:8.2f} s")
    print(f"  primera carga hasta «Listo sin conexión» {first_ready:6.2f} s")
    print(f"  carga repetida desde la caché (3G)     {repeat:8.2f} s")
    print(f"  recarga sin red (service worker)       {offline:8.2f} s")


def main() -> None:
    from lms.auth.models import User
    from lms.auth.sessions import sign_in
    from lms.extensions import db

    for label, url in databases():
        app = fresh(url)
        with app.app_context():
            trainer_id, session_ids, enrollment_ids = build()
            ident = db.session.get(User, trainer_id).get_id()
        client = app.test_client()
        with client.session_transaction() as s:
            sign_in(s, ident)
        items = queue(trainer_id, session_ids, enrollment_ids)
        seconds, requests, outcomes = send(client, items)
        again, requests_again, outcomes_again = send(client, items)
        print(f"== {label}: {len(items)} marcas en cola, lotes de {BATCH}")
        print(f"  sincronizar: {seconds:.2f} s en {requests} solicitudes {outcomes}")
        print(f"  reenviar la misma cola: {again:.2f} s en {requests_again} solicitudes "
              f"{outcomes_again}")
        data = client.get("/app/datos.json?device=bench").get_data()
        roster = json.loads(data)["sessions"]
        assert len(roster) == 1 and len(roster[0]["roster"]) == PEOPLE
        print(f"  datos de una lista de {PEOPLE} personas: {len(data):,} bytes "
              f"({len(gzip.compress(data)):,} con gzip)")
        if label == "sqlite":
            files, size, packed = shell_bytes(client)
            print(f"  aplicación (shell): {files} archivos, {size:,} bytes "
                  f"({packed:,} con gzip)")
            browser_loads(app, session_ids[0])
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
