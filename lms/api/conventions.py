"""HTTP conventions every API operation follows, applied here once for the whole blueprint.

- ``ETag`` on every successful GET; ``If-None-Match`` with the same tag answers 304.
- ``If-Match`` on PUT/PATCH/DELETE is compared with the ETag the resource's GET gives now;
  a stale tag is a 412 and nothing changes.
- ``Idempotency-Key`` on POST: the first successful response is stored with a hash of the
  request; the same key and request replay it (``Idempotent-Replayed: true``), the same key
  with another request is a 422. A unique constraint stops two racing copies.
- Cursor pagination: ``limit`` and ``cursor`` in, ``next`` in the body and a ``Link``
  header out (``paginated``).
"""

import hashlib
import re
from datetime import timedelta

from flask import Response, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.http import generate_etag

from lms import tasks
from lms.api.models import IdempotencyKey
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow
from lms.web import MAX_ID

#: Default and largest page size.
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
#: Idempotency keys are kept this long, then forgotten.
KEEP_KEYS = timedelta(hours=24)
#: An integer query parameter as text: digits only (no spaces, "+" or "_", which int() takes).
INTEGER = re.compile(r"-?[0-9]{1,10}")
#: A page's cursor (where the next page starts), as the ``next`` link carries it; the spec
#: gives the same pattern, so any cursor that matches it is a valid request.
CURSOR = re.compile(r"[1-9][0-9]{0,8}")
#: Methods whose If-Match is checked against the resource's current ETag.
GUARDED = ("PUT", "PATCH", "DELETE")


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID):
    """The query parameter ``name`` as an integer in [low, high], or a 422 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw) if INTEGER.fullmatch(raw) else None
    if value is None or not low <= value <= high:
        message = f"Debe ser un número entero entre {low} y {high}."
        raise ValidationError(message, field=name)
    return value


def _cursor_offset() -> int:
    raw = request.args.get("cursor")
    if not raw:
        return 0
    if not CURSOR.fullmatch(raw):
        raise ValidationError(_("El cursor no es válido; use el enlace «next»."), field="cursor")
    return int(raw)


def _cursor(offset: int) -> str:
    return str(offset)


def paginated(query, dump=None) -> dict:
    """Run ``query`` for the requested page: {"items", "limit", "total", "next"}.

    ``next`` is the URL of the following page (null on the last); the same URL goes in a
    ``Link: <…>; rel="next"`` header. Without ``dump`` the items are the rows themselves.
    """
    limit, offset = window()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(limit).offset(offset)).unique())
    return page([dump(r) for r in rows] if dump else rows, total, limit, offset)


def window() -> tuple[int, int]:
    """The page asked for, as (limit, offset) from ``limit`` and ``cursor`` (422 if wrong)."""
    return int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), _cursor_offset()


def page(items: list, total: int, limit: int, offset: int) -> dict:
    """One page of a list a service already cut to ``window()``: items, total and ``next``
    (also in the ``Link`` header)."""
    following = None
    if offset + limit < total:
        args = request.args.to_dict() | {"cursor": _cursor(offset + limit), "limit": limit}
        following = url_for(request.endpoint, **(request.view_args or {}), **args)
        g.link_next = following
    return {"items": items, "limit": limit, "total": total, "next": following}


def _current_etag() -> str | None:
    """The ETag the GET of this request's URL would give now (None if it has no GET)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(request.path, method="GET")
    except (MethodNotAllowed, NotFound):
        return None
    response = current_app.make_response(current_app.view_functions[endpoint](**args))
    return generate_etag(response.get_data())


def _request_hash() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}?{request.query_string.decode()}\n"
                            .encode())
    if request.mimetype == "multipart/form-data":
        # A client's retry picks a new boundary: the parts are compared, not the bytes.
        # A part may come without a name (None): compare them all as text.
        for name, value in sorted((str(n), str(v)) for n, v in request.form.items(multi=True)):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda f: str(f[0])):
            digest.update(f"{name}:{upload.filename}\n".encode())
            digest.update(upload.stream.read())
            upload.stream.seek(0)
    else:
        digest.update(request.get_data())
    return digest.hexdigest()


def _replay_or_claim(key: str):
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ValidationError(_("Debe tener entre 1 y 255 caracteres visibles."),
                              field="Idempotency-Key")
    digest = _request_hash()
    stored = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key))
    if stored is not None and stored.request_hash != digest:
        raise ValidationError(_(
            "Esta Idempotency-Key ya se usó con otra solicitud; use una clave nueva para cada "
            "operación.",
        ), field="Idempotency-Key")
    if stored is not None and stored.status is not None:
        response = Response(stored.body, status=stored.status, content_type=stored.content_type)
        if stored.location:
            response.headers["Location"] = stored.location
        response.headers["Idempotent-Replayed"] = "true"
        return response
    # Claimed now, in this request's transaction: a racing copy waits on the unique key and
    # then fails with a 409; a failed request rolls the claim back, freeing the key.
    g.idempotency = IdempotencyKey(user_id=current_user.id, key=key, request_hash=digest)
    db.session.add(g.idempotency)
    db.session.flush()
    return None


def before() -> Response | None:
    """Check If-Match and Idempotency-Key once the token's user is known."""
    if request.method in GUARDED and request.if_match:
        etag = _current_etag()
        if etag is not None and not request.if_match.contains(etag):
            raise Precondition()
    key = request.headers.get("Idempotency-Key")
    if request.method == "POST" and key is not None:
        return _replay_or_claim(key)
    return None


class Precondition(ValidationError):
    """If-Match named a version the resource no longer has (412)."""

    def __init__(self):
        super().__init__("El registro cambió desde que lo leyó (If-Match no coincide); "
                         "vuelva a leerlo e intente de nuevo.", field="If-Match", status=412)


def after(response: Response) -> Response:
    """Tag GETs (304 when unchanged), link the next page, store idempotent responses."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    link = g.pop("link_next", None)
    if link and response.status_code == 200:
        response.headers["Link"] = f'<{link}>; rel="next"'
    claim = g.pop("idempotency", None)
    if claim is not None and 200 <= response.status_code < 300:
        claim.status = response.status_code
        claim.content_type = response.content_type
        claim.location = response.headers.get("Location")
        claim.body = response.get_data()
    return response


@tasks.periodic(tasks.crontab(minute="23"))
def forget_old_keys() -> None:
    """Delete idempotency keys older than KEEP_KEYS (hourly)."""
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < utcnow() - KEEP_KEYS))
