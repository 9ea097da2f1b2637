"""Public open-data pages (Ley 1712): no login, aggregates only, small cells suppressed.

Rate limits are set where the URLs are registered (blueprint.py).
"""

from flask import Response, render_template

from lms.indicators import counting, opendata
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
    )


def open_data_csv():
    """Aggregate CSV with statistical disclosure control (no personal data)."""
    return Response(
        opendata.to_csv(_generated()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=indicadores-plan-desarrollo.csv"},
    )


def open_data_dictionary():
    """The data dictionary of the open-data CSV."""
    return Response(
        opendata.dictionary_csv(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=diccionario-indicadores.csv"},
    )
