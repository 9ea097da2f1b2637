"""JSON output for API resources: one field list per model gives both the dump and its schema.

A ``Shape`` names the model columns a resource shows plus any computed fields, so the JSON
body and the OpenAPI schema that describes it come from the same place and cannot drift.
"""

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Time
from sqlalchemy import inspect as sa_inspect

STR, INT, NUM, BOOL = ({"type": t} for t in ("string", "integer", "number", "boolean"))
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
# Checked in order: the first SQLAlchemy type the column's type is an instance of wins.
# Times are sent as "HH:MM", which is not OpenAPI's "time" format, so they are plain strings.
_COLUMN_TYPES = (
    (Boolean, BOOL),
    (Integer, INT),
    (Numeric, NUM),
    (DateTime, DATETIME),
    (Date, DATE),
    (Time, STR),
    (String, STR),
)


def array(items: dict) -> dict:
    """Schema of a JSON array of ``items``."""
    return {"type": "array", "items": items}


def obj(**properties: dict) -> dict:
    """Schema of a JSON object with these ``properties``."""
    return {"type": "object", "properties": properties}


def enum(*values: str) -> dict:
    """Schema of a string that takes one of ``values``."""
    return {"type": "string", "enum": list(values)}


def to_json(value):
    """A column value as JSON: Decimal -> float, dates -> ISO 8601, times -> "HH:MM"."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        # Stored as naive UTC: said so with a "Z", as RFC 3339 date-time requires.
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def column_schema(column) -> dict:
    """OpenAPI schema of one SQLAlchemy column, ``nullable`` where the column is."""
    schema = next((dict(s) for t, s in _COLUMN_TYPES if isinstance(column.type, t)), dict(STR))
    if column.nullable:
        schema["nullable"] = True
    return schema


def model_schema(model, fields: list[str], extra: dict | None = None) -> dict:
    """OpenAPI object schema of ``fields`` (model columns) plus ``extra`` properties."""
    columns = sa_inspect(model).columns
    props = {name: column_schema(columns[name]) for name in fields}
    props.update(extra or {})
    return {"type": "object", "properties": props}


class Shape:
    """How one model appears in JSON: columns read straight off it plus computed fields.

    ``computed`` maps a field name to ``(schema, read)``, ``read`` taking the object.
    """

    def __init__(self, model, columns: str, **computed: tuple[dict, Callable]):
        self.columns = columns.split()
        self.computed = computed
        extra = {name: schema for name, (schema, _) in computed.items()}
        self.schema = model_schema(model, self.columns, extra)

    def dump(self, obj, **given) -> dict:
        """``obj`` as JSON; a computed field passed in ``given`` is used instead of read."""
        data = {name: getattr(obj, name) for name in self.columns}
        for name, (_, read) in self.computed.items():
            data[name] = given[name] if name in given else read(obj)
        return {name: to_json(value) for name, value in data.items()}


def page_schema(item: dict) -> dict:
    """Schema of one page of ``item``: {"items", "limit", "total", "next"}."""
    return {
        "type": "object",
        "required": ["items", "limit", "total", "next"],
        "properties": {
            "items": array(item),
            "limit": INT,
            "total": INT,
            "next": {"type": ["string", "null"], "format": "uri-reference"},
        },
    }
