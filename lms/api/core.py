"""Shared plumbing for API resources: role checks, JSON input through WTForms, paging."""

from flask import abort, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from lms.errors import ValidationError


def require_role(*roles: str) -> None:
    """Abort with 403 unless the token's user holds one of ``roles``."""
    if not current_user.has_role(*roles):
        abort(403)


def json_body() -> dict:
    """Return the request's JSON object, or raise a 400 ValidationError."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError("El cuerpo debe ser un objeto JSON.", status=400)
    return payload


def _formdata(payload: dict) -> MultiDict:
    # WTForms parses text, so JSON values become the strings a browser would send.
    items = []
    for key, value in payload.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v is None or v is False:
                continue
            items.append((key, "y" if v is True else str(v)))
    return MultiDict(items)


def validated(form_class, payload: dict | None = None, obj=None, **kwargs):
    """Validate a JSON payload with the same WTForms class the web form uses.

    On error it raises 422 with every field's messages; on success it returns the form.
    """
    payload = json_body() if payload is None else payload
    if obj is not None:
        # Partial updates: fields left out keep the record's current values.
        form = form_class(formdata=None, obj=obj, meta={"csrf": False}, **kwargs)
        merged = {name: f.data for name, f in form._fields.items()}
        merged.update(payload)
        payload = merged
    form = form_class(formdata=_formdata(payload), meta={"csrf": False}, **kwargs)
    if not form.validate():
        fields = {name: list(errors) for name, errors in form.errors.items()}
        first = next(iter(fields.values()))[0] if fields else "Datos no válidos."
        raise ValidationError(first, fields=fields)
    return form


def page_args() -> tuple[int, int]:
    """Read ?page= and ?per_page= (max 200)."""
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(max(request.args.get("per_page", 50, type=int), 1), 200)
    return page, per_page
