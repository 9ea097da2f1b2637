"""Shared plumbing for API resources: role checks, JSON input through WTForms.

JSON output (dumps and their schemas) lives in lms/api/serialize.py; the HTTP conventions
(ETag, If-Match, Idempotency-Key, cursor pages) in lms/api/conventions.py.
"""

from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import fields as wtf

from lms.errors import ValidationError, take_warnings
from lms.web import MAX_ID


def json_body(**defaults) -> dict:
    """Return the request's JSON object with ``defaults`` for missing keys, or raise a 400."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError(_("El cuerpo debe ser un objeto JSON."), status=400)
    for key, value in defaults.items():
        payload.setdefault(key, value)
    return payload


def check_types(payload: dict, form_class, tristate: tuple[str, ...] = ()) -> None:
    """Refuse wrong JSON types up front: WTForms would read any text as a boolean.

    ``tristate`` fields take true, false or null (or the form's own text).
    """
    errors = type_errors(payload, form_class, tristate)
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)


def type_errors(payload: dict, form_class, tristate: tuple[str, ...] = ()) -> dict:
    """{field: [message]} for every value whose JSON type the field cannot take."""
    form = form_class(meta={"csrf": False})
    errors = {}
    for name, value in payload.items():
        field = form._fields.get(name)
        if field is None or value is None:
            continue
        if isinstance(field, wtf.BooleanField):
            ok, message = isinstance(value, bool), "Debe ser true o false."
        elif isinstance(field, wtf.IntegerField) or _int_select(field):
            # JSON has one number type: 546.0 is the integer 546 (JSON Schema says so too).
            ok = _is_integer(value) and abs(value) <= MAX_ID
            message = f"Debe ser un número entero entre -{MAX_ID} y {MAX_ID}."
        elif isinstance(field, wtf.DecimalField | wtf.FloatField):
            ok = isinstance(value, int | float | str) and not isinstance(value, bool)
            message = "Debe ser un número."
        elif isinstance(field, wtf.SelectMultipleField):
            ok = isinstance(value, list) and all(
                _is_integer(v) or isinstance(v, str) for v in value
            )
            message = "Debe ser una lista."
        elif name in tristate:
            ok, message = isinstance(value, bool | str), "Debe ser true, false o null."
        elif isinstance(field, wtf.DateField):
            ok, message = isinstance(value, str), "Debe ser una fecha AAAA-MM-DD."
        else:
            ok = isinstance(value, str | int) and not isinstance(value, bool)
            message = "Debe ser un texto."
        if not ok:
            errors[name] = [message]
    return errors


def _is_integer(value) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _int_select(field) -> bool:
    """Whether ``field`` picks one row by its integer id (a select coercing to a number)."""
    return (isinstance(field, wtf.SelectField) and not isinstance(field, wtf.SelectMultipleField)
            and getattr(field, "coerce", str) is not str)


def _formdata(payload: dict) -> MultiDict:
    # WTForms parses text, so JSON values become the strings a browser would send.
    items = []
    for key, value in payload.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v is None or v is False:
                continue
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            items.append((key, "y" if v is True else str(v)))
    return MultiDict(items)


def validated(form_class, payload: dict | None = None, obj=None, **kwargs):
    """Validate a JSON payload with the same WTForms class the web form uses.

    Every resource gets the JSON type check first, so a wrong type is a 422 naming the
    field instead of text WTForms would read as something else ("no" as a ticked box).
    On error it raises 422 with every field's messages; on success it returns the form,
    whose ``sent`` names the fields the request carried (a partial update changes those).
    """
    payload = json_body() if payload is None else payload
    sent = frozenset(payload)
    wrong = type_errors(payload, form_class)
    payload = {key: value for key, value in payload.items() if key not in wrong}
    if obj is not None:
        # Partial updates: fields left out keep the record's current values. formdata=None,
        # or Flask-WTF would read the JSON request as form data (omitted check boxes = off).
        form = form_class(formdata=None, obj=obj, meta={"csrf": False}, **kwargs)
        merged = {name: f.data for name, f in form._fields.items()}
        merged.update(payload)
        payload = merged
    form = form_class(formdata=_formdata(payload), meta={"csrf": False}, **kwargs)
    if not form.validate() or wrong:
        fields = {name: list(errors) for name, errors in form.errors.items()} | wrong
        first = next(iter(fields.values()))[0] if fields else "Datos no válidos."
        raise ValidationError(first, fields=fields)
    form.sent = sent
    return form


def with_warnings(body: dict) -> dict:
    """``body`` with the services' warnings (``errors.warn``) under "warnings", if any."""
    warnings = take_warnings()
    return {**body, "warnings": warnings} if warnings else body


