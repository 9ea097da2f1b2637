"""The indicators domain's URLs: the staff dashboard and exports, and the public open data."""

from flask import Blueprint

from lms.indicators import public_views, views
from lms.ratelimit import limit

bp = Blueprint("indicators", __name__)

bp.add_url_rule("/indicadores", "dashboard", views.dashboard)
bp.add_url_rule("/indicadores/<code>/personas", "people", views.people)
bp.add_url_rule("/indicadores/exportar.xlsx", "export_xlsx", views.export_xlsx)
bp.add_url_rule("/indicadores/exportar.csv", "export_csv", views.export_csv)
bp.add_url_rule("/indicadores/diccionario.csv", "export_dictionary", views.export_dictionary)
bp.add_url_rule("/datos-abiertos", "open_data", limit("60/minute")(public_views.open_data))
bp.add_url_rule(
    "/datos-abiertos/indicadores.csv",
    "open_data_csv",
    limit("30/minute")(public_views.open_data_csv),
)
bp.add_url_rule(
    "/datos-abiertos/diccionario.csv",
    "open_data_dictionary",
    limit("60/minute")(public_views.open_data_dictionary),
)
