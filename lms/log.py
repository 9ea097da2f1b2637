"""Structured logs with a request id, and never personal data.

Services record what happened as ``log.event("certificates.batch_issued", job_id=3,
issued=200)``: an event name and fields that are ids, counts and codes — never names,
documents, e-mails or birth dates. Every line carries the request id (``X-Request-ID`` from
the proxy when it sends a sane one, otherwise a new one), which the response echoes and the
500 page shows, so a citizen's "it failed" can be matched to the log line.
"""

import logging
import random
import re

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

logger = logging.getLogger("lms")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


def event(name: str, **fields) -> None:
    """Log a domain event with its fields (ids and counts only) and the request id."""
    logger.info(name, extra={"fields": fields})


def failure(name: str, **fields) -> None:
    """Log a failed operation with the traceback being handled (no SQL parameters)."""
    logger.error(name, exc_info=True, extra={"fields": fields})


class _Context(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() or "-"
        fields = getattr(record, "fields", None) or {}
        record.context = "".join(f" {key}={value}" for key, value in fields.items())
        return True


FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s%(context)s"


def install(app: Flask) -> None:
    """Give every request an id, echo it in X-Request-ID, and format the app's log lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_Context())
    if not any(getattr(h, "_lms", False) for h in logger.handlers):
        handler._lms = True
        logger.addHandler(handler)
    # ``logger`` is Flask's ``app.logger`` too (both are named "lms"): one format for all.
    logger.removeHandler(default_handler)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False

    @app.before_request
    def _assign_id():
        given = request.environ.get("HTTP_X_REQUEST_ID", "")
        # Unique, not secret (it is echoed and printed): no urandom call per request.
        g.request_id = given if _SANE_ID.match(given) else f"{random.getrandbits(64):016x}"

    @app.after_request
    def _echo_id(response):
        response.headers.add("X-Request-ID", g.get("request_id", ""))
        return response
