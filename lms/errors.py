"""Error pages: HTML for people, JSON for API clients."""

import json

from flask import Flask, g, has_app_context, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from lms import log

MESSAGES = {
    400: _l("La solicitud no es válida."),
    401: _l("Debe iniciar sesión."),
    403: _l("No tiene permiso para ver esta página."),
    404: _l("La página o el recurso no existe."),
    405: _l("Método no permitido."),
    413: _l("El archivo es demasiado grande."),
    422: _l("Los datos enviados no son válidos."),
    412: _l("El registro cambió desde que lo leyó; vuelva a leerlo e intente de nuevo."),
    409: _l("El registro ya existe o cambió mientras tanto; recargue e intente de nuevo."),
    429: _l("Demasiadas solicitudes. Intente de nuevo en un momento."),
    500: _l("Ocurrió un error interno. El equipo técnico fue notificado."),
    503: _l("El servicio está ocupado en este momento. Intente de nuevo en unos segundos."),
}
#: A form sent without its security code, or with an expired one (Flask-WTF's CSRFError,
#: whose own description is English).
CSRF_MESSAGE = _l("El formulario venció o llegó sin su código de seguridad. Recargue la "
                  "página y envíelo de nuevo.")
#: Media type of the API's error bodies (RFC 9457).
PROBLEM_JSON = "application/problem+json"
#: Problem types are named after the error code: ``/api/problems/<code>``.
PROBLEM_BASE = "/api/problems/"
#: PostgreSQL states of contention: deadlock, serialization failure, lock not available.
CONTENTION_STATES = {"40P01", "40001", "55P03"}
#: Of those, the ones where the server gave up the whole transaction (run it again).
RETRYABLE_STATES = {"40P01", "40001"}
#: Seconds a client is asked to wait after contention (Retry-After).
RETRY_AFTER = 2


def is_contention(exc: BaseException) -> bool:
    """Whether a database error is contention worth retrying (lock timeout, deadlock)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in CONTENTION_STATES:
        return True
    return "database is locked" in str(orig or "")


def is_retryable(exc: BaseException) -> bool:
    """Whether PostgreSQL aborted the transaction to break a deadlock or a serialization
    conflict: running it again is safe and will most likely succeed."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in RETRYABLE_STATES


def is_unique_violation(exc: BaseException) -> bool:
    """Whether a database error says a unique constraint refused a second copy."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(orig or "")


class ValidationError(Exception):
    """A business rule refused the input; ``field`` names the form or JSON field at fault."""

    def __init__(
        self, message: str, field: str | None = None, status: int = 422, fields: dict | None = None
    ):
        # Lazy messages (form validators) are rendered now: they end up in flash(),
        # the session and JSON, which all need plain text.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        #: Every field's messages, when several fields failed at once.
        self.fields = (
            {name: [str(m) for m in messages] for name, messages in fields.items()}
            if fields
            else ({field: [message]} if field else {})
        )

    def attach(self, form) -> None:
        """Show every field's messages next to that field of a WTForms form (or at the top)."""
        placed = False
        for name, messages in self.fields.items():
            target = getattr(form, name, None)
            if target is not None and hasattr(target, "errors"):
                target.errors = [*target.errors, *messages]
                placed = True
        if not placed:
            form.form_errors.append(self.message)


def warn(message: str) -> None:
    """Tell whoever is acting that something is allowed but unusual (a service's warning).

    Forms flash it with the result (``web.attempt``), the API returns it in ``warnings``,
    imports list it by row (``take_warnings``); a request that fails drops it.
    """
    if has_app_context():
        g.setdefault("warnings", []).append(str(message))


def take_warnings() -> list[str]:
    """The warnings given since the last call, in order (and forget them)."""
    return g.pop("warnings", []) if has_app_context() else []


def api_error(status: int, message: str | None = None, fields: dict | None = None, code=None,
              extra: dict | None = None):
    """Build the API's RFC 9457 problem: {"type", "title", "status", "detail", "code", "fields"}.

    ``detail`` is the Spanish message for people, ``fields`` names each field at fault;
    ``extra`` adds extension members (an import's row errors).
    """
    code = code or _code(status)
    body = {
        "type": f"{PROBLEM_BASE}{code}",
        "title": str(MESSAGES.get(status, _l("Error."))),
        "status": status,
        "detail": str(message or MESSAGES.get(status, _l("Error."))),
        "code": code,
        "fields": fields or {},
        **(extra or {}),
    }
    response = jsonify(body)
    response.mimetype = PROBLEM_JSON
    return response, status


def _code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        412: "precondition_failed",
        503: "unavailable",
        413: "too_large",
        422: "invalid",
        429: "rate_limited",
    }.get(status, "server_error")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def _limit_window(exc: HTTPException) -> int:
    # The refused limit's window in seconds, an upper bound of the wait: asking the
    # limiter's storage for the exact reset would cost every request a round trip.
    return int(getattr(exc, "window", None) or 60)  # lms.ratelimit's refusals carry it


def register(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status, exc.description)
        if getattr(exc, "description", None) and exc.description != type(exc).description:
            message = exc.description
        if isinstance(exc, CSRFError):
            message = CSRF_MESSAGE
        if _wants_json():
            response = app.make_response(api_error(status, message))
            for name, value in exc.get_headers():
                if name in ("Allow", "Retry-After", "WWW-Authenticate"):
                    response.headers[name] = value
        else:
            response = app.make_response(
                (render_template("errors.html", status=status, message=message), status))
        if status == 429:
            response.headers["Retry-After"] = str(_limit_window(exc))
        return response

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        if _wants_json():
            return api_error(exc.status, exc.message, exc.fields)
        return render_template("errors.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        # A race the services did not expect still must not be a 500 (nor log parameters).
        if is_contention(exc):
            g.contention = exc  # web.install runs a deadlock's victim again
            log.event("request.contention", endpoint=request.endpoint)
            response = _page_or_json(503, MESSAGES[503])
            response.headers["Retry-After"] = str(RETRY_AFTER)
            return response
        if is_unique_violation(exc):
            log.event("request.conflict", endpoint=request.endpoint)
            return _page_or_json(409, MESSAGES[409])
        return _unexpected(exc)

    @app.errorhandler(RedisError)
    def _shared_store(_exc: RedisError):
        # Redis (shared rate limits, the public cache's token) unreachable: the request
        # cannot be served safely now, and its changes are rolled back (web.install).
        log.event("request.store_unavailable", endpoint=request.endpoint)
        response = _page_or_json(503, MESSAGES[503])
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    def _page_or_json(status: int, message):
        if _wants_json():
            response, _ = api_error(status, message)
        else:
            response = app.make_response(
                render_template("errors.html", status=status, message=message)
            )
        response.status_code = status
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The endpoint, not the path: a path can carry a download token.
        log.failure("request.failed", method=request.method, endpoint=request.endpoint)
        if _wants_json():
            response, status = api_error(500)
            body = response.get_json() | {"request_id": log.request_id()}
            response.set_data(json.dumps(body))
            return response, status
        return render_template(
            "errors.html", status=500, message=MESSAGES[500], request_id=log.request_id()
        ), 500
