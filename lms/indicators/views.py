"""The indicator dashboard, drill-downs and exports (admin and analyst); rules in blueprint.py."""

from flask import Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.auth.models import Role
from lms.courses.models import Course, Site
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import labels
from lms.indicators import counting, drilldown, exports
from lms.indicators.responses import csv_download
from lms.indicators.services import (
    parse_csv_format,
    parse_dimension,
    parse_filters,
    parse_month,
)
from lms.people.models import ZONES
from lms.timeutil import utcnow
from lms.web import requires

PER_PAGE = 100


def _filters_or_error():
    """Parse the filters; on bad input fall back to none and return the errors to show."""
    try:
        return parse_filters(request.args), {}
    except ValidationError as exc:
        return counting.Filters(), exc.fields


def _options() -> dict:
    """Choices of the filter form (two queries whatever the data size)."""
    return {
        "sites": db.session.execute(select(Site.code, Site.name).order_by(Site.name)).all(),
        "courses": db.session.execute(select(Course.code, Course.name).order_by(Course.code)).all(),
        "zones": labels(ZONES),
    }


@requires(Role.ADMIN, Role.ANALYST)
def dashboard():
    """Cards, per-year figures, the cumulative chart and the breakdowns of one indicator."""
    filters, errors = _filters_or_error()
    summaries = counting.summaries(filters)
    selected = next(
        (s for s in summaries if s.indicator.code == request.args.get("indicador")),
        summaries[0] if summaries else None,
    )
    monthly, breakdowns = [], []
    if selected is not None:
        monthly = counting.monthly(selected.indicator, filters)
        tables = counting.breakdowns(selected.indicator, filters)
        breakdowns = [(dim, tables[name]) for name, dim in counting.DIMENSIONS.items()]
    years = sorted({y for s in summaries for y in s.by_year})
    return render_template(
        "indicators/dashboard.html",
        filters=filters,
        errors=errors,
        summaries=summaries,
        selected=selected,
        monthly=monthly,
        breakdowns=breakdowns,
        years=years,
        **_options(),
    )


@requires(Role.ADMIN, Role.ANALYST)
def people(code: str):
    """The people behind one figure: admins see names and documents, analysts pseudonyms."""
    ind = counting.get_indicator(code)
    if ind is None:
        abort(404)
    filters = parse_filters(request.args)
    by = request.args.get("by") or None
    key = request.args.get("key")
    if by:
        parse_dimension(by)
    month = parse_month(request.args.get("month"), "month")
    until = parse_month(request.args.get("until"), "until")
    page = max(request.args.get("page", 1, type=int), 1)
    total, rows = drilldown.people(
        current_user, ind, filters, by=by, key=key, month=month, until=until, limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    show_identity = policy.reads_identities(current_user)
    dim = counting.DIMENSIONS.get(by) if by else None
    return render_template(
        "indicators/people.html",
        ind=ind,
        filters=filters,
        dim=dim,
        by=by,
        key=key,
        key_label=dim.label(key) if dim else None,
        month=month,
        until=until,
        total=total,
        rows=rows,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        show_identity=show_identity,
    )


def _stamp() -> str:
    return utcnow().strftime("%Y%m%d-%H%M")


@requires(Role.ADMIN, Role.ANALYST)
def export_xlsx():
    """XLSX for the official report; the people sheet only for admins."""
    filters = parse_filters(request.args)
    data = exports.workbook(filters, include_people=policy.reads_identities(current_user))
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=indicadores-{_stamp()}.xlsx"},
    )


@requires(Role.ADMIN, Role.ANALYST)
def export_csv():
    """The dashboard's tables as one long CSV (aggregates only); Excel in Spanish by default."""
    filters = parse_filters(request.args)
    fmt = parse_csv_format(request.args, "excel")
    return csv_download(exports.tables_csv(filters, fmt), f"indicadores-{_stamp()}.csv")


@requires(Role.ADMIN, Role.ANALYST)
def export_dictionary():
    """What each column of the staff CSV means."""
    fmt = parse_csv_format(request.args, "excel")
    return csv_download(exports.dictionary_csv(fmt), "diccionario-indicadores-tablero.csv")
