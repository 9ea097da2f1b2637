"""API resource: plan indicators and their breakdowns (admin and analyst tokens)."""

import json

from flask import Response, request

from lms.api import bp
from lms.api.openapi import doc, query
from lms.api.serialize import DATE, DATETIME, INT, NUM, STR, array, enum, obj
from lms.indicators import counting
from lms.indicators.services import parse_dimension, parse_filters
from lms.policy import Role
from lms.web import loads, requires

_INDICATOR = obj(
    code=STR, name=STR, product=STR, rule=enum("completed", "certified"),
    period=obj(start=DATE, end=DATE),
    goal=INT, achieved=INT, percent=NUM,
    by_year={"type": "object", "additionalProperties": INT},
)
REPORT = obj(generated=DATETIME, indicators=array(_INDICATOR))
BREAKDOWN = obj(
    code=STR, by=enum(*counting.DIMENSIONS), title=STR, filters={"type": "object"},
    achieved=INT, rows=array(obj(key=STR, label=STR, count=INT)),
)
TAGS = ("indicators",)
FILTERS = (
    query("year", {"type": "integer", "minimum": 1900, "maximum": 2999}, "Año."),
    query("site", STR, "Código de sede."),
    query("zone", enum("urbana", "rural"), "Zona."),
    query("course", STR, "Código de curso."),
)


def _json(data: dict) -> Response:
    # Keys keep the contract's order (jsonify would sort them).
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")


@bp.get("/indicators")
@doc("Indicadores del plan: meta, logro, porcentaje y logro por año (filtros opcionales year, "
     "site, zone, course)", response=REPORT, tags=TAGS, params=FILTERS)
@requires(Role.ADMIN, Role.ANALYST)
def indicators_report():
    """The same JSON as ``flask lms indicators --json``."""
    return _json(counting.report(parse_filters(request.args)))


@bp.get("/indicators/<code>/breakdown")
@doc("Desglose de un indicador: ?by=sex|age_group|zone|area|site|course|ethnic|disability|"
     "victim|migrant (filtros opcionales year, site, zone, course)", response=BREAKDOWN,
     tags=TAGS, errors=(422,),
     params=(query("by", enum(*counting.DIMENSIONS), "Dimensión del desglose."), *FILTERS))
@requires(Role.ADMIN, Role.ANALYST)
@loads("code", find=counting.get_indicator, into="ind")
def indicator_breakdown(ind):
    """People of one indicator shared out along one dimension; the rows sum to achieved."""
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
