"""API resource: plan indicators and their breakdowns (admin and analyst tokens)."""

import json

from flask import Response, abort, request

from lms.api import bp
from lms.api.core import require_role
from lms.api.openapi import doc, query
from lms.indicators import counting
from lms.indicators.services import parse_dimension, parse_filters

_INDICATOR = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "product": {"type": "string"},
        "rule": {"type": "string", "enum": ["completed", "certified"]},
        "period": {
            "type": "object",
            "properties": {
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
            },
        },
        "goal": {"type": "integer"},
        "achieved": {"type": "integer"},
        "percent": {"type": "number"},
        "by_year": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
REPORT = {
    "type": "object",
    "properties": {
        "generated": {"type": "string", "format": "date-time"},
        "indicators": {"type": "array", "items": _INDICATOR},
    },
}
BREAKDOWN = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "by": {"type": "string", "enum": list(counting.DIMENSIONS)},
        "title": {"type": "string"},
        "filters": {"type": "object"},
        "achieved": {"type": "integer"},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "count": {"type": "integer"},
                },
            },
        },
    },
}


FILTERS = (
    query("year", {"type": "integer", "minimum": 1900, "maximum": 2999}, "Año."),
    query("site", {"type": "string"}, "Código de sede."),
    query("zone", {"type": "string", "enum": ["urbana", "rural"]}, "Zona."),
    query("course", {"type": "string"}, "Código de curso."),
)


def _json(data: dict) -> Response:
    # Keys keep the contract's order (jsonify would sort them).
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")


@bp.get("/indicators")
@doc(
    "Indicadores del plan: meta, logro, porcentaje y logro por año "
    "(filtros opcionales year, site, zone, course)",
    response=REPORT,
    tags=("indicators",),
    params=FILTERS,
)
def indicators_report():
    """The same JSON as ``flask lms indicators --json``."""
    require_role("admin", "analyst")
    return _json(counting.report(parse_filters(request.args)))


@bp.get("/indicators/<code>/breakdown")
@doc(
    "Desglose de un indicador: ?by=sex|age_group|zone|area|site|course|ethnic|disability|"
    "victim|migrant (filtros opcionales year, site, zone, course)",
    response=BREAKDOWN,
    tags=("indicators",),
    params=(query("by", {"type": "string", "enum": list(counting.DIMENSIONS)},
                  "Dimensión del desglose."), *FILTERS),
    errors=(422,),
)
def indicator_breakdown(code: str):
    """People of one indicator shared out along one dimension; the rows sum to achieved."""
    require_role("admin", "analyst")
    ind = counting.get_indicator(code)
    if ind is None:
        abort(404)
    by = parse_dimension(request.args.get("by"))
    filters = parse_filters(request.args)
    rows = counting.breakdown(ind, by, filters)
    return _json(
        {
            "code": ind.code,
            "by": by,
            "title": counting.DIMENSIONS[by].title,
            "filters": filters.as_args(),
            "achieved": sum(r["count"] for r in rows),
            "rows": rows,
        }
    )
