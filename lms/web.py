"""Request plumbing shared by every page and API operation, so views stay four steps long:
load the object (404), check access (403), call a service, render or redirect.

- ``requires(*roles)``: a logged-in user holding one of the roles.
- ``loads(param, Model, can=...)``: the URL's id becomes the row; ``can(user, row)`` must hold.
  The API uses the same two (``lms/api/resource.py``); its errors are problem+json.
- ``attempt(form)``: a service's ``ValidationError`` lands on the form and undoes the request.
- ``install(app)``: one commit per request, after a successful response; rollback otherwise.
  Background tasks the request recorded (``tasks.enqueue``) are sent after that commit.
  A request PostgreSQL aborted for a deadlock runs again (``database.retrying``).
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g
from flask_login import current_user, login_required
from sqlalchemy.exc import DBAPIError
from werkzeug.routing import IntegerConverter

from lms import database, tasks
from lms.errors import ValidationError, take_warnings
from lms.extensions import db

#: Ids are PostgreSQL INTEGER (SQLite takes 64 bits): a larger number names no row.
MAX_ID = 2**31 - 1


def requires(*roles: str):
    """Allow logged-in users holding one of ``roles``; others get the login page or a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # the menu reads it (lms/navigation.py)
        return wrapped

    return decorator


def get_or_404(model, ident, column=None, missing: str | None = None):
    """The row of ``model`` whose primary key (or ``column``) is ``ident``, or a 404
    (saying ``missing``, when given)."""
    if column is None:
        if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
            abort(404, missing)
        row = db.session.get(model, ident)
    else:
        row = db.session.scalar(db.select(model).where(column == ident))
    if row is None:
        abort(404, missing)
    return row


def loads(param: str, model=None, *, can: Callable | None = None, column=None, optional=False,
          find: Callable | None = None, into: str | None = None, missing: str | None = None):
    """Replace the URL parameter ``param`` with its row (404), which ``can(user, row)`` allows.

    The view receives the row under the parameter's name without ``_id`` (``cohort_id`` →
    ``cohort``), or under ``into``. ``optional``: a route without the parameter passes None
    (create forms). ``find(ident)`` looks the row up instead of ``model``'s key (a typed
    certificate code), None meaning a 404 that says ``missing``.
    """
    name = into or param.removesuffix("_id")

    def lookup(ident):
        if find is None:
            return get_or_404(model, ident, column, missing)
        row = find(ident)
        if row is None:
            abort(404, missing)
        return row

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            ident = kwargs.pop(param, None)
            row = None
            if ident is not None or not optional:
                row = lookup(ident)
                if can is not None and not can(current_user, row):
                    abort(403)
            kwargs[name] = row
            return view(*args, **kwargs)

        return wrapped

    return decorator


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/grupos?page=2``), else None.

    Browsers drop tabs and newlines and read ``\\`` as ``/``, so ``/\t/evil.example`` or
    ``/\\evil.example`` would leave the site: any such character refuses the target.
    """
    if not target or not target.startswith("/"):
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def fail_request() -> None:
    """Undo everything this request wrote, and make sure nothing is committed afterwards."""
    tasks.rollback()
    take_warnings()  # about writes that are undone
    g.request_failed = True


def flash_warnings() -> None:
    """Show the services' warnings (``errors.warn``) on the next page."""
    for message in take_warnings():
        flash(message, "warning")


class attempt:  # noqa: N801 - used as a lower-case context manager, like suppress()
    """Run a service call; a ``ValidationError`` undoes the request and lands on ``form``.

    ``with attempt(form) as done: item = services.save(...)``, then ``if done:`` redirect.
    Without a form, the message is flashed (for buttons that redirect back).
    """

    def __init__(self, form=None):
        self.form = form
        self.ok = False
        self.error: ValidationError | None = None

    def __enter__(self) -> "attempt":
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc_type is None:
            self.ok = True
            flash_warnings()
            return False
        if not issubclass(exc_type, ValidationError):
            return False
        fail_request()
        self.error = exc
        if self.form is not None:
            exc.attach(self.form)
        else:
            flash(exc.message, "error")
        return True

    def __bool__(self) -> bool:
        return self.ok


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number beyond the ids' range matches no route (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install(app: Flask) -> None:
    """Bound integer URL parts, and commit once per successful request, then send the tasks
    it recorded (roll back the rest, sending nothing)."""
    app.url_map.converters["int"] = IdConverter
    dispatch = app.full_dispatch_request

    def dispatch_retrying():
        # A deadlock's victim (an error page from errors.py, or a failed commit) runs
        # again, whole; a failure that still happens is errors.py's 503 with Retry-After.
        try:
            return database.retrying(dispatch, lambda _response: g.pop("contention", None))
        except DBAPIError as exc:
            tasks.rollback()
            return app.finalize_request(app.handle_user_exception(exc), from_error_handler=True)

    app.full_dispatch_request = dispatch_retrying

    @app.before_request
    def _begin():
        g.request_failed = False
        take_warnings()

    @app.after_request
    def _commit(response):
        if not db.session.registry.has():
            return response  # the request never opened a session (a public lookup)
        if response.status_code < 400 and not g.get("request_failed"):
            tasks.commit()
        else:
            tasks.rollback()
        return response
