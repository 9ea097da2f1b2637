"""JSON schemas of WTForms classes: the request bodies the API validates with those forms.

The API validates every body with the web form's class (``core.validated``), so the
schema is read off the same class: types, required fields, choices, lengths and ranges.
"""

from wtforms import fields as wtf
from wtforms import validators as wtv

from lms.web import MAX_ID

_TYPES = {
    wtf.IntegerField: {"type": "integer"},
    wtf.DecimalField: {"type": "number"},
    wtf.FloatField: {"type": "number"},
    wtf.BooleanField: {"type": "boolean"},
    wtf.DateField: {"type": "string", "format": "date"},
    wtf.TimeField: {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
    wtf.DateTimeField: {"type": "string", "format": "date-time"},
    wtf.EmailField: {"type": "string", "format": "email"},
    wtf.FileField: {"type": "string", "format": "binary",
                    "contentMediaType": "application/octet-stream"},
}
#: Integers the database can hold (PostgreSQL INTEGER).
INT_RANGE = {"minimum": -MAX_ID, "maximum": MAX_ID}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _is_int_select(field) -> bool:
    return (isinstance(field, wtf.SelectField) and not isinstance(field, wtf.SelectMultipleField)
            and getattr(field, "coerce", str) is not str)


def _choices(field) -> dict:
    # Choices read from the database may be only the blank one: no enum then (an empty
    # enum would allow no value at all).
    values = [c[0] for c in field.iter_choices() if c[0] not in ("", None)]
    return {"enum": values} if values else {}


def field_schema(field) -> dict:
    """Schema of one form field: its JSON type, its choices, its length or range."""
    if isinstance(field, wtf.SelectMultipleField):
        items = dict(ID) if getattr(field, "coerce", str) is not str else {"type": "string"}
        if items["type"] == "string" and field.choices:
            items.update(_choices(field))
        schema = {"type": "array", "items": items, "uniqueItems": True}
        if field.flags.required:
            schema["minItems"] = 1
    elif _is_int_select(field):
        # A row picked by id: any id may be sent; one that names no row is a 422.
        schema = dict(ID)
    else:
        schema = dict(next((v for k, v in _TYPES.items() if isinstance(field, k)),
                           {"type": "string"}))
    if isinstance(field, wtf.SelectField) and not isinstance(field, wtf.SelectMultipleField) \
            and not _is_int_select(field) and field.choices:
        schema.update(_choices(field))
    if schema["type"] == "integer" and "minimum" not in schema:
        schema.update(INT_RANGE)
    for check in field.validators:
        if isinstance(check, wtv.Length) and schema["type"] == "string" and check.max > 0:
            schema["maxLength"] = check.max
        if isinstance(check, wtv.NumberRange) and schema["type"] in ("integer", "number"):
            if check.min is not None:
                schema["minimum"] = check.min
            if check.max is not None:
                schema["maximum"] = check.max
    if isinstance(field, wtf.BooleanField) and field.flags.required:
        # A box that must be ticked (the Ley 1581 authorization): only true is accepted.
        schema["const"] = True
    schema["description"] = str(field.label.text)
    return schema


def schema_from_form(form_class, partial: bool = False) -> dict:
    """JSON schema of a WTForms class; ``partial`` (PATCH) requires nothing."""
    form = form_class(meta={"csrf": False})
    props, required = {}, []
    for name, field in form._fields.items():
        props[name] = field_schema(field)
        if field.flags.required or _select_without_blank(field):
            required.append(name)
    schema = {"type": "object", "properties": props}
    if required and not partial:
        schema["required"] = required
    return schema


def _select_without_blank(field) -> bool:
    # A select with no empty option refuses a missing value, so the field is required.
    if not isinstance(field, wtf.SelectField) or isinstance(field, wtf.SelectMultipleField):
        return False
    if _is_int_select(field):
        return False
    return bool(field.choices) and all(c[0] not in ("", None) for c in field.iter_choices())
