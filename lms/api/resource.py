"""One generic API resource: list, create, read, update and delete of a model in a few
declarative lines, on the same request plumbing as the web pages (lms/web.py).

Every operation runs the steps of a page: ``web.requires`` (the token's role, 403), then
``web.loads`` (the row, 404, and its ``lms.policy`` check, 403), one service call, and the
one commit of ``web.install``. The blueprint adds the conventions (``conventions``: ETag,
If-Match, Idempotency-Key, cursor pages) and ``doc`` feeds the OpenAPI document::

    sites = Resource("sites", Site, SITE, tag="sedes", param="site_id")
    sites.list("Listar sedes", lambda: select(Site).order_by(Site.code))
    sites.create("Crear sede (admin)", SiteForm, lambda form: create_site(form.data))
    sites.read("Ver sede")
    sites.update("Modificar sede (admin)", SiteForm, lambda site, form: update_site(site, ...))
    sites.delete("Eliminar sede sin grupos (admin)", delete_site)

Endpoints are named ``api.<name>_<operation>`` (``api.sites_get``). An operation that does
more than this is a plain view in its module, with the same ``requires``/``loads``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.api import bp
from lms.api.conventions import int_arg, paginated
from lms.api.core import json_body, validated, with_warnings
from lms.api.openapi import doc, query
from lms.api.serialize import page_schema
from lms.errors import ValidationError
from lms.policy import STAFF, Role
from lms.web import loads, requires

ADMIN = (Role.ADMIN,)


class Parent(NamedTuple):
    """The row a nested collection hangs from (``/cohorts/<cohort_id>/sessions``) and the
    policy rule it must pass."""

    path: str
    param: str
    model: type
    can: Callable


class Filter(NamedTuple):
    """An optional query parameter that keeps the rows whose ``column`` equals it (or that
    ``column(value)`` selects): an id, or one of ``choices``."""

    arg: str
    column: object
    description: str
    choices: tuple[str, ...] = ()

    def value(self):
        """The parameter's value (None when absent), or a 422 naming it."""
        if not self.choices:
            return int_arg(self.arg)
        value = request.args.get(self.arg)
        if value is not None and value not in self.choices:
            raise ValidationError(_(
                "Elija uno de: %(choices)s.",
                choices=', '.join(self.choices),
            ), self.arg)
        return value

    def condition(self, value):
        """The SQL condition for ``value``."""
        return self.column(value) if callable(self.column) else self.column == value

    def param(self) -> dict:
        """The documented query parameter."""
        schema = {"type": "string", "enum": list(self.choices)} if self.choices else None
        return query(self.arg, schema, self.description)


class Resource:
    """The CRUD operations of one model; ``read``/``write`` are the roles, ``can_read``/
    ``can_write`` the policy rules a row must pass (``policy.can_view_cohort``)."""

    def __init__(self, name: str, model, shape, *, tag: str, param: str,
                 path: str | None = None, read=STAFF, write=ADMIN,
                 can_read: Callable | None = None, can_write: Callable | None = None,
                 dump: Callable | None = None):
        self.name, self.model, self.shape, self.tags = name, model, shape, (tag,)
        self.path = path or f"/{name}"
        self.param = param
        self._item_rule = f"{self.path}/<int:{param}>"
        self.read_roles, self.write_roles = read, write
        self.can_read, self.can_write = can_read, can_write
        #: The row as JSON (``shape.dump`` unless the resource shows more, or less, by role).
        self.dump = dump or shape.dump

    def _add(self, rule: str, view, method: str, operation: str, roles, summary: str, **spec):
        endpoint = f"{self.name}_{operation}"
        view.__name__ = view.__qualname__ = endpoint
        view = doc(summary, tags=self.tags, **spec)(requires(*roles)(view))
        bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=[method])

    def _item(self, view, can: Callable | None):
        return loads(self.param, self.model, can=can)(view)

    def _collection(self, view, parent: Parent | None) -> tuple:
        """The collection's rule and view, below ``parent``'s row when there is one."""
        if parent is None:
            return self.path, view
        view = loads(parent.param, parent.model, can=parent.can)(view)
        return f"{parent.path}/<int:{parent.param}>{self.path}", view

    def list(self, summary: str, select: Callable, *, filters: tuple[Filter, ...] = (),
             params: tuple[dict, ...] = (), dump_page: Callable | None = None,
             parent: Parent | None = None, roles=None, operation: str = "list") -> None:
        """``GET path``: one cursor page of ``select(**parent)``, narrowed by ``filters``."""

        def view(**parent_row):
            statement = select(**parent_row)
            for f in filters:
                value = f.value()
                if value is not None:
                    statement = statement.where(f.condition(value))
            body = paginated(statement)
            body["items"] = (dump_page or self._dump_all)(body["items"])
            return jsonify(body)

        params = (*params, *(f.param() for f in filters))
        self._add(*self._collection(view, parent), "GET", operation, roles or self.read_roles,
                  summary, response=page_schema(self.shape.schema), params=params)

    def _dump_all(self, rows) -> list[dict]:
        return [self.dump(row) for row in rows]

    def create(self, summary: str, form_class, save: Callable, *, defaults: dict | None = None,
               prepare: Callable | None = None,
               parent: Parent | None = None, roles=None, can: Callable | None = None) -> None:
        """``POST path``: validate with ``form_class``, ``save(form, **parent)``, answer 201;
        ``can(user)``, when given, must hold before the body is read."""

        def view(**parent_row):
            if can is not None and not can(current_user):
                abort(403)
            payload = json_body(**(defaults or {}))
            form = validated(form_class, prepare(payload) if prepare else payload)
            row = save(form, **parent_row)
            return jsonify(with_warnings(self.dump(row))), 201

        self._add(*self._collection(view, parent), "POST", "create", roles or self.write_roles,
                  summary, body=form_class, response=self.shape.schema, status=201)

    def read(self, summary: str) -> None:
        """``GET path/<id>``: the row the token's user may see."""

        def view(**row):
            return jsonify(self.dump(*row.values()))

        self._add(self._item_rule, self._item(view, self.can_read), "GET", "get",
                  self.read_roles, summary,
                  response=self.shape.schema)

    def update(self, summary: str, form_class, save: Callable, *, merge: bool = True,
               defaults: Callable | None = None, form_args: Callable | None = None,
               prepare: Callable | None = None, roles=None, can: Callable | None = None) -> None:
        """``PATCH path/<id>``: fields left out keep the row's values (``merge``);
        ``defaults(row)`` fills the payload, ``form_args(row)`` goes to the form."""

        def view(**item):
            (row,) = item.values()
            payload = json_body(**(defaults(row) if defaults else {}))
            payload = prepare(payload) if prepare else payload
            form = validated(form_class, payload, obj=row if merge else None,
                             **(form_args(row) if form_args else {}))
            save(row, form)
            return jsonify(with_warnings(self.dump(row)))

        self._add(self._item_rule, self._item(view, can or self.can_write), "PATCH", "update",
                  roles or self.write_roles, summary,
                  body=form_class, response=self.shape.schema)

    def delete(self, summary: str, remove: Callable, *, answers: bool = False, roles=None,
               can: Callable | None = None) -> None:
        """``DELETE path/<id>``: ``remove(row)``; 204, or 200 with the row when it ``answers``
        (a person is anonymised, not removed)."""

        def view(**item):
            (row,) = item.values()
            remove(row)
            return (jsonify(self.dump(row)), 200) if answers else ("", 204)

        spec = {"response": self.shape.schema} if answers else {"status": 204}
        self._add(self._item_rule, self._item(view, can or self.can_write), "DELETE", "delete",
                  roles or self.write_roles, summary, **spec)
