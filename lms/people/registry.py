"""The other domains' parts of a person's rights (Ley 1581), registered from their own modules.

People sit low in the import chain: courses, attendance and certificates keep records
about a person, and people code imports none of them. Each of those domains registers
here, in a module of its own (``lms/<domain>/rights.py``, loaded by ``lms.HOOKS``), what
the rights need from it:

- ``export_part(key)``: ``fn(person) -> list`` of JSON-ready records, exported under ``key``;
- ``event_dates``: ``fn(person) -> dates`` on which the person counts in an indicator, which
  the anonymised birth date must keep in the same age group;
- ``merge_part``: ``fn(survivor, duplicate, detail)`` moves the duplicate's records to the
  survivor before the duplicate is deleted, noting what it did in ``detail`` (audited), and
  what undoing it needs in ``detail["undo"]``;
- ``unmerge_part(merge_fn)``: ``fn(survivor, restored, detail)`` undoes ``merge_fn`` from
  that detail, once the duplicate's record is back (``lms.people.merging.unmerge``);
- ``anonymize_part``: ``fn(person)`` scrubs records that name the person by document
  rather than by id, run before the person's own document is removed.

Anonymising announces itself with ``signals.person_anonymized``; receivers scrub their
frozen copies of the identity.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Numeric

from lms.audit.services import plain
from lms.people.models import Person

#: Export sections, in registration order: key -> fn(person) -> JSON-ready records.
EXPORTS: dict[str, Callable[[Person], list]] = {}
#: fn(person) -> the dates the person counts on (indicator events).
EVENT_DATES: list[Callable[[Person], Iterable[date]]] = []
#: fn(survivor, duplicate, detail): move the duplicate's records to the survivor.
MERGERS: list[Callable[[Person, Person, dict], None]] = []
#: fn(person): scrub records holding the person's document, before it is removed.
ANONYMIZERS: list[Callable[[Person], None]] = []
#: merge fn -> fn(survivor, restored, detail) that undoes it.
UNMERGERS: dict[Callable, Callable[[Person, Person, dict], None]] = {}


def export_part(key: str):
    """Register ``fn(person)`` as the export section ``key``."""

    def decorator(fn):
        EXPORTS[key] = fn
        return fn

    return decorator


def event_dates(fn):
    """Register ``fn(person)`` returning the dates the person counts on."""
    if fn not in EVENT_DATES:
        EVENT_DATES.append(fn)
    return fn


def merge_part(fn):
    """Register ``fn(survivor, duplicate, detail)``, run when two records are merged."""
    if fn not in MERGERS:
        MERGERS.append(fn)
    return fn


def anonymize_part(fn):
    """Register ``fn(person)``, run while anonymising, before the document is removed."""
    if fn not in ANONYMIZERS:
        ANONYMIZERS.append(fn)
    return fn


def unmerge_part(merge_fn):
    """Register ``fn(survivor, restored, detail)`` as the undoing of ``merge_fn``."""

    def decorator(fn):
        UNMERGERS[merge_fn] = fn
        return fn

    return decorator


def record_data(row, hidden: Iterable[str] = ()) -> dict:
    """Every column of an ORM row as JSON-ready data (``audit.plain``), but the ``hidden``."""
    skip = set(hidden)
    return {
        column.key: plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in skip
    }


def row_values(table, data: dict) -> dict:
    """``record_data`` output back to column values (ISO text to dates, text to Decimal)."""
    out = {}
    for column in table.columns:
        if column.key not in data:
            continue
        value = data[column.key]
        if value is not None and isinstance(value, str):
            if isinstance(column.type, DateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                value = date.fromisoformat(value)
            elif isinstance(column.type, Numeric):
                value = Decimal(value)
        out[column.key] = value
    return out
