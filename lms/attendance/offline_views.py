"""The trainer's offline app: its shell, service worker, manifest, data and sync.

The pages under /app/ are one shell that app.js fills from IndexedDB, so a roster opens
with the phone in airplane mode. Marks are queued by the page (never by intercepting
POSTs) and sent here in batches. URLs are in offline_blueprint.py.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from lms import policy
from lms.attendance import offline
from lms.attendance.offline_forms import ImportQueueForm
from lms.attendance.offline_sync import apply_queue
from lms.auth.models import Role
from lms.courses.models import CourseSession
from lms.errors import ValidationError
from lms.formatting import labels
from lms.people.models import DOCUMENT_TYPES, SEXES, ZONES
from lms.web import attempt, loads, requires

#: Files the service worker keeps for offline use: (endpoint, filename).
SHELL_FILES = (
    ("bootstrap.static", "css/bootstrap.min.css"),
    ("bootstrap.static", "umd/popper.min.js"),
    ("bootstrap.static", "js/bootstrap.min.js"),
    ("static", "app.css"),
    ("static", "attendance.css"),
    ("static", "offline.css"),
    ("static", "vendor/idb-keyval/idb-keyval.js"),
    ("static", "js/offline/store.js"),
    ("static", "js/offline/sync.js"),
    ("static", "js/offline/roster.js"),
    ("static", "js/offline/walkin.js"),
    ("static", "js/offline/app.js"),
    ("static", "img/app-icon.svg"),
    ("static", "img/app-icon-192.png"),
    ("static", "img/app-icon-512.png"),
)


def _shell(session_id=None):
    return render_template(
        "attendance/app.html", session_id=session_id, document_types=labels(DOCUMENT_TYPES),
        sexes=labels(SEXES), zones=labels(ZONES))


@requires(Role.ADMIN, Role.TRAINER)
def today():
    """"Hoy": the trainer's home, offline too (the app's start page)."""
    return _shell()


@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def session_page(session: CourseSession):
    """A session's roster in the offline app (filled from IndexedDB)."""
    return _shell(session.id)


@cache
def _revision(folder: str, filename: str) -> str:
    return hashlib.sha256(Path(folder, filename).read_bytes()).hexdigest()[:16]


def _precache() -> list[dict]:
    entries = []
    for endpoint, filename in SHELL_FILES:
        blueprint = endpoint.split(".")[0] if "." in endpoint else None
        folder = (current_app.blueprints[blueprint].static_folder if blueprint
                  else current_app.static_folder)
        entries.append({"url": url_for(endpoint, filename=filename),
                        "revision": _revision(folder, filename)})
    return entries


def service_worker():
    """The service worker (Workbox, vendored): the shell and its files, cached."""
    body = render_template("attendance/sw.js", precache=_precache(),
                           shell=url_for(".today"))
    return current_app.response_class(body, mimetype="application/javascript")


def manifest():
    """The web app manifest: installable, opening on "Hoy"."""
    icon = "img/app-icon-{}.png"
    return current_app.response_class(render_template(
        "attendance/manifest.webmanifest", start_url=url_for(".today"),
        icons=[(url_for("static", filename=icon.format(n)), n) for n in (192, 512)],
        svg=url_for("static", filename="img/app-icon.svg")),
        mimetype="application/manifest+json")


@requires(Role.ADMIN, Role.TRAINER)
def data():
    """Today's and the next 14 days' sessions and rosters, with a fresh CSRF token."""
    payload = offline.bundle(current_user)
    device_id = request.args.get("device", "")[:64]
    payload["csrf_token"] = generate_csrf()
    payload["device_key"] = offline.device_key(current_user.id, device_id) if device_id else None
    return jsonify(payload)


@requires(Role.ADMIN, Role.TRAINER)
def sync():
    """Apply a batch of the queue (JSON); one result per item, replays included."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"message": "El cuerpo debe ser un objeto JSON."}), 400
    items = body.get("items")
    sessions = [i.get("session_id") for i in items if isinstance(i, dict)] \
        if isinstance(items, list) else []
    try:
        results = apply_queue(current_user, body.get("device_id"), items,
                              allowed=offline.managed_sessions(current_user, sessions))
    except ValidationError as exc:
        return jsonify({"message": exc.message, "field": exc.field}), exc.status or 422
    return jsonify({"results": results})


@requires(Role.ADMIN)
def import_queue():
    """An admin imports a phone's exported queue, checked by its signature."""
    form, outcome = ImportQueueForm(), None
    if form.validate_on_submit():
        with attempt(form) as done:
            outcome = offline.import_export(form.file.data.read())
        if not done:
            outcome = None
    status = 422 if form.errors else 200
    return render_template("attendance/app_import.html", form=form, outcome=outcome), status
