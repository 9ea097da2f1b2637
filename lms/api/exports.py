"""API resource: the indicator exports and the open data as downloads (see
lms/api/__init__.py).

The same services write the same bytes as the pages: the staff CSV and its dictionary, the
XLSX (its people sheet only for those who read identities) and the open-data CSV and its
dictionary, with statistical disclosure control. Each is declared with its media type.
"""

from flask import Response, request
from flask_login import current_user

from lms import policy
from lms.api import bp
from lms.api.indicators import FILTERS
from lms.api.openapi import doc, query
from lms.auth.models import Role
from lms.indicators import exports, opendata
from lms.indicators.responses import csv_download
from lms.indicators.services import parse_csv_format, parse_filters
from lms.timeutil import utcnow
from lms.web import requires

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF, ALL = (Role.ADMIN, Role.ANALYST), (Role.ADMIN, Role.TRAINER, Role.ANALYST)


def _format(default: str) -> dict:
    return query("formato", {"type": "string", "enum": ["excel", "rfc4180"], "default": default},
                 "excel: «;» y marca UTF-8 (Excel en español); rfc4180: «,» (programas).")


def _stamp() -> str:
    return utcnow().strftime("%Y%m%d-%H%M")


@bp.get("/indicators/export.csv")
@doc("Las tablas del tablero en un CSV largo (solo agregados), como /indicadores/exportar.csv",
     media=CSV, params=(*FILTERS, _format("excel")), tags=("exports",),
     example="indicador;tabla;clave;etiqueta;personas\nIND-01;sexo;F;Femenino;12\n")
@requires(*STAFF)
def indicators_export_csv():
    """The staff CSV (admins and analysts)."""
    filters = parse_filters(request.args)
    fmt = parse_csv_format(request.args, "excel")
    return csv_download(exports.tables_csv(filters, fmt), f"indicadores-{_stamp()}.csv")


@bp.get("/indicators/dictionary.csv")
@doc("Diccionario de datos del CSV del tablero", media=CSV, params=(_format("excel"),),
     tags=("exports",), example="columna;descripcion\nindicador;Código del indicador\n")
@requires(*STAFF)
def indicators_dictionary_csv():
    """What each column of the staff CSV means."""
    fmt = parse_csv_format(request.args, "excel")
    return csv_download(exports.dictionary_csv(fmt), "diccionario-indicadores-tablero.csv")


@bp.get("/indicators/export.xlsx")
@doc("El informe oficial en XLSX; la hoja de personas solo para administradores", media=XLSX,
     params=FILTERS, tags=("exports",))
@requires(*STAFF)
def indicators_export_xlsx():
    """The XLSX of the official report, as /indicadores/exportar.xlsx."""
    filters = parse_filters(request.args)
    data = exports.workbook(filters, include_people=policy.reads_identities(current_user))
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=indicadores-{_stamp()}.xlsx"})


@bp.get("/open-data.csv")
@doc("Datos abiertos: cifras agregadas con celdas pequeñas suprimidas (Ley 1712), como "
     "/datos-abiertos/indicadores.csv", media=CSV, params=(_format("rfc4180"),), tags=("exports",),
     example="indicador,anio,tabla,clave,personas\nIND-01,2026,zona,rural,<5\n")
@requires(*ALL)
def open_data_csv():
    """The open-data CSV (RFC 4180 by default)."""
    fmt = parse_csv_format(request.args, "rfc4180")
    generated = utcnow().replace(microsecond=0).isoformat() + "Z"
    return csv_download(opendata.to_csv(generated, fmt), "indicadores-plan-desarrollo.csv")


@bp.get("/open-data/dictionary.csv")
@doc("Diccionario de datos de los datos abiertos", media=CSV, params=(_format("rfc4180"),),
     tags=("exports",), example="columna,descripcion\npersonas,Personas (o <5)\n")
@requires(*ALL)
def open_data_dictionary_csv():
    """The data dictionary of the open-data CSV."""
    fmt = parse_csv_format(request.args, "rfc4180")
    return csv_download(opendata.dictionary_csv(fmt), "diccionario-indicadores.csv")
