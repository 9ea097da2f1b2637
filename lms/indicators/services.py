"""Input rules of the indicators domain: filters and breakdown names, checked in one place."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.courses.models import Course, Site
from lms.errors import ValidationError
from lms.extensions import db
from lms.indicators.counting import DIMENSIONS, Filters
from lms.people.models import ZONES
from lms.spreadsheet import CSV_FORMATS


def parse_filters(args) -> Filters:
    """Read year/site/zone/course from query arguments; bad values raise a 422 naming them."""
    errors: dict[str, list[str]] = {}
    year = (args.get("year") or "").strip()
    site = (args.get("site") or "").strip() or None
    zone = (args.get("zone") or "").strip() or None
    course = (args.get("course") or "").strip() or None
    if year and not (year.isdigit() and 1900 <= int(year) <= 2999):
        errors["year"] = [f"El año «{year}» no es válido; use cuatro cifras, p. ej. 2021."]
    if zone and zone not in ZONES:
        errors["zone"] = [f"La zona «{zone}» no existe; use urbana o rural."]
    if site and not db.session.scalar(select(Site.id).where(Site.code == site)):
        errors["site"] = [f"No existe una sede con código «{site}»."]
    if course and not db.session.scalar(select(Course.id).where(Course.code == course)):
        errors["course"] = [f"No existe un curso con código «{course}»."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationError(first, fields=errors)
    return Filters(int(year) if year else None, site, zone, course)


def parse_dimension(by: str | None) -> str:
    """Check a breakdown name (?by=); unknown names raise a 422 on the field ``by``."""
    if by not in DIMENSIONS:
        allowed = "|".join(DIMENSIONS)
        raise ValidationError(
            _(
                "El desglose «%(by_or)s» no existe; use uno de: %(allowed)s.",
                by_or=by or '',
                allowed=allowed,
            ), field="by"
        )
    return by


def parse_csv_format(args, default: str) -> str:
    """The CSV variant asked for (?formato=excel|rfc4180); unknown values are a 422."""
    fmt = (args.get("formato") or "").strip().lower() or default
    if fmt not in CSV_FORMATS:
        raise ValidationError(
            _(
                "El formato «%(formato)s» no existe; use excel (Excel en español: «;» y "
                "marca UTF-8) o rfc4180 (programas: «,»).",
                formato=args.get('formato'),
            ),
            field="formato",
        )
    return fmt


def parse_month(value: str | None, field: str) -> str | None:
    """A month as AAAA-MM (or None when blank); anything else is a 422 naming ``field``."""
    if not value:
        return None
    year, _dash, month = value.partition("-")
    if not (year.isdigit() and len(year) == 4 and month.isdigit() and 1 <= int(month) <= 12):
        raise ValidationError(_(
            "El mes «%(value)s» no es válido; use AAAA-MM.",
            value=value,
        ), field=field)
    return value
