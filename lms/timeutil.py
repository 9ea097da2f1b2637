"""Time helpers shared by every domain (naive UTC in the database)."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def age_on(birth_date: date, on: date) -> int:
    """Return the age in whole years on a given date."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)
