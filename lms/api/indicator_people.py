"""API resource: an indicator's monthly series and the people behind a figure (drill-down),
for admins and analysts (see lms/api/__init__.py).

``indicators.drilldown`` owns how much of each person a role reads, for the page and here:
admins read who, where and when; analysts a pseudonym with age group, zone and year only,
and no list of fewer than five people on a sensitive breakdown (a 403 naming ``by``).
"""

from flask import abort, jsonify, request
from flask_login import current_user

from lms.api import bp
from lms.api.conventions import page, window
from lms.api.indicators import FILTERS
from lms.api.openapi import doc, query
from lms.api.serialize import DATE, INT, STR, page_schema, to_json
from lms.auth.models import Role
from lms.indicators import counting, drilldown
from lms.indicators.services import parse_dimension, parse_filters, parse_month
from lms.web import requires

_NSTR = {"type": ["string", "null"]}
PERSON = {"type": "object", "required": ["pseudonym"], "properties": {
    "pseudonym": STR, "year": INT, "age_group": STR, "zone": STR,
    "person_id": {**INT, "description": "Solo administradores"},
    "event_date": {**DATE, "description": "Solo administradores"},
    "document_type": _NSTR, "document_number": _NSTR, "first_names": _NSTR,
    "last_names": _NSTR, "sex": _NSTR, "area": _NSTR, "site": _NSTR, "course": _NSTR,
    "anonymized_at": {"type": ["string", "null"], "format": "date-time"}}}
MONTHLY = {"type": "object", "properties": {"code": STR, "months": {"type": "array", "items": {
    "type": "object", "properties": {"month": STR, "count": INT, "total": INT}}}}}
_MONTH = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
DRILL = (
    query("by", {"type": "string", "enum": list(counting.DIMENSIONS)},
          "Dimensión de la celda (con key)."),
    query("key", {"type": "string"}, "Clave de la celda del desglose."),
    query("month", _MONTH, "Personas cuyo primer evento fue en ese mes (AAAA-MM)."),
    query("until", _MONTH, "Personas acumuladas hasta ese mes (AAAA-MM)."),
)


def _indicator(code: str):
    ind = counting.get_indicator(code)
    if ind is None:
        abort(404)
    return ind


@bp.get("/indicators/<code>/monthly")
@doc("Personas por mes de su primer evento y el acumulado, en el periodo del indicador",
     response=MONTHLY, params=FILTERS, tags=("indicators",),
     example={"code": "IND-01", "months": [{"month": "2026-01", "count": 4, "total": 4},
                                           {"month": "2026-02", "count": 9, "total": 13}]})
@requires(Role.ADMIN, Role.ANALYST)
def indicator_monthly(code: str):
    """The dashboard's cumulative chart as data."""
    ind = _indicator(code)
    return jsonify({"code": ind.code, "months": counting.monthly(ind, parse_filters(request.args))})


@bp.get("/indicators/<code>/people")
@doc("Las personas detrás de una cifra (una celda, un mes o el acumulado): administradores "
     "ven quién; analistas un seudónimo con grupo de edad, zona y año; menos de 5 personas "
     "en un desglose sensible es 403", response=page_schema(PERSON),
     params=(*DRILL, *FILTERS), errors=(403,), tags=("indicators",),
     example={"items": [{"pseudonym": "P-3F9A2C", "year": 2026, "age_group": "29-59",
                         "zone": "Rural"}], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN, Role.ANALYST)
def indicator_people(code: str):
    """The drill-down of /indicadores/<code>/personas, a page at a time."""
    ind = _indicator(code)
    filters = parse_filters(request.args)
    by = request.args.get("by") or None
    if by:
        parse_dimension(by)
    month = parse_month(request.args.get("month"), "month")
    until = parse_month(request.args.get("until"), "until")
    limit, offset = window()
    total, rows = drilldown.people(current_user, ind, filters, by=by,
                                   key=request.args.get("key"), month=month, until=until,
                                   limit=limit, offset=offset)
    items = [{name: to_json(value) for name, value in row.items()} for row in rows]
    return jsonify(page(items, total, limit, offset))
