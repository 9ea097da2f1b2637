"""Public open-data pages (Ley 1712): no login, aggregates only, small cells suppressed.

Rate limits are set where the URLs are registered (blueprint.py).
"""

from flask import render_template, request

from lms.indicators import counting, opendata
from lms.indicators.responses import csv_download
from lms.indicators.services import parse_csv_format
from lms.timeutil import utcnow


def _generated() -> str:
    return utcnow().replace(microsecond=0).isoformat() + "Z"


def open_data():
    """The open-data page: what is published, the download links and the data dictionary."""
    return render_template(
        "indicators/open_data.html",
        indicators=counting.list_indicators(),
        columns=opendata.COLUMNS,
        tables=opendata.TABLE_NAMES,
        dimensions=counting.DIMENSIONS,
        charts=opendata.charts(),
        small=opendata.SMALL,
        reserved=opendata.RESERVED,
    )


def open_data_csv():
    """Aggregate CSV with statistical disclosure control (no personal data); RFC 4180 by
    default (datos abiertos are read by programs), ?formato=excel for Excel in Spanish."""
    fmt = parse_csv_format(request.args, "rfc4180")
    return csv_download(opendata.to_csv(_generated(), fmt), "indicadores-plan-desarrollo.csv")


def open_data_dictionary():
    """The data dictionary of the open-data CSV."""
    fmt = parse_csv_format(request.args, "rfc4180")
    return csv_download(opendata.dictionary_csv(fmt), "diccionario-indicadores.csv")
