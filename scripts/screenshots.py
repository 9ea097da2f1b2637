"""Screenshots of the three pages people stumbled on: the portal's results and a trainer's
group page on a 390-px phone, and the audit log on a 1366-px desktop.

Builds a demo database in a temporary folder, serves the app on localhost and saves
``portal-phone-<tag>.png``, ``group-phone-<tag>.png`` and ``audit-<tag>.png`` into
``docs/screenshots/`` (or OUT). Run it from a checkout of the code to photograph, e.g.::

    .venv/bin/python scripts/screenshots.py after
"""

import os
import sys
import tempfile
import threading
from pathlib import Path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PASSWORD = "clave-de-capturas-2024"  # noqa: S105 (a throw-away demo database)


def _prepare(app) -> dict:
    """Demo data, an admin, one active trainer and a few audited edits; what to open."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms.auth.services import create_user, hash_password
    from lms.certificates.models import Certificate
    from lms.courses.models import Cohort, Enrollment
    from lms.extensions import db

    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["lms", "demo", "--people", "300"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = create_user("admin@example.org", "Paula Andrea Rincón", "admin", PASSWORD)
        cohort = db.session.scalars(
            select(Cohort).where(Cohort.trainers.any()).order_by(Cohort.start_date.desc())
        ).first()
        trainer = cohort.trainers[0]
        trainer.email, trainer.active = "formador@example.org", True
        trainer.password_hash = hash_password(PASSWORD)
        cert = db.session.scalars(select(Certificate).order_by(Certificate.id)).first()
        person = db.session.get(Enrollment, cert.enrollment_id).person
        from lms.audit.services import system_actor

        system_actor.set(admin.id)
        person.phone = "3001234567"
        person.first_names = person.first_names + " Sofía"
        db.session.commit()
        return {
            "cohort_id": cohort.id,
            "document": (person.document_type, person.document_number),
            "birth": person.birth_date.isoformat(),
        }


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _shoot(base: str, facts: dict, out: Path, tag: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        phone = browser.new_context(locale="es-CO", viewport=PHONE, is_mobile=True,
                                    has_touch=True)
        page = phone.new_page()
        page.goto(base + "/certificados")
        page.get_by_label("Tipo de documento").select_option(facts["document"][0])
        page.get_by_label("Número de documento").fill(facts["document"][1])
        page.get_by_label("Fecha de nacimiento").fill(facts["birth"])
        page.get_by_role("button", name="Consultar").click()
        page.locator("#resultados").scroll_into_view_if_needed()
        page.screenshot(path=out / f"portal-phone-{tag}.png")
        _log_in(page, base, "formador@example.org")
        page.goto(f"{base}/grupos/{facts['cohort_id']}")
        page.screenshot(path=out / f"group-phone-{tag}.png", full_page=True)
        desk = browser.new_context(locale="es-CO", viewport=DESKTOP).new_page()
        _log_in(desk, base, "admin@example.org")
        desk.goto(base + "/auditoria/")
        desk.screenshot(path=out / f"audit-{tag}.png")
        browser.close()


def main() -> None:
    """Build the data, serve, photograph."""
    tag = sys.argv[1] if len(sys.argv) > 1 else "after"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="lms-shots-")
    os.environ.update(LMS_INSTANCE_PATH=folder, DATABASE_URL=f"sqlite:///{folder}/lms.sqlite3",
                      TASK_QUEUE_URL=f"sqlite:///{folder}/tasks.sqlite3")
    from werkzeug.serving import make_server

    from lms import create_app

    app = create_app()
    facts = _prepare(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _shoot(base, facts, out, tag)
    finally:
        server.shutdown()
    print(f"Capturas «{tag}» guardadas en {out}")


if __name__ == "__main__":
    main()
