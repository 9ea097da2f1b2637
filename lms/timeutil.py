"""Time helpers shared by every domain (naive UTC in the database)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import holidays
from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def age_on(birth_date: date, on: date) -> int:
    """Return the age in whole years on a given date."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def office_zone() -> ZoneInfo:
    """The office's time zone (BABEL_DEFAULT_TIMEZONE, America/Bogota by default)."""
    zone = "America/Bogota"
    if has_app_context():
        zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", zone)
    return ZoneInfo(zone)


def from_local(moment: datetime) -> datetime:
    """An office-local (naive) time as stored: naive UTC."""
    return moment.replace(tzinfo=office_zone()).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today in the office's time zone (LMS_TIMEZONE): sessions and ages are dated locally."""
    return datetime.now(office_zone()).date()


def public_holidays(first: date, last: date) -> dict[date, str]:
    """Colombia's public holidays between two dates (Ley Emiliani's Monday moves included),
    with their Spanish names, from the maintained ``holidays`` package."""
    years = range(first.year, last.year + 1)
    calendar = holidays.country_holidays("CO", years=years, language="es")
    return {day: name for day, name in sorted(calendar.items()) if first <= day <= last}
