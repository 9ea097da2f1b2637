"""Finding people by document number or name, on SQLite and PostgreSQL alike.

A query with digits is a document: separators are dropped and it matches the
stored (normalized) number by prefix, whatever the document type. Otherwise
every word must appear in the names or surnames, ignoring case and Spanish
accents. Nothing extra is stored for this: both sides are folded on the fly
with nested replace() + lower(), which both databases run (SQLite has no
unaccent and its lower() only knows ASCII). It scans the people table, which is
fine at the office's scale (about 20,000 people; 200,000 in the benchmarks).
"""

from sqlalchemy import func, or_, select

from lms.people.documents import compact_document
from lms.people.models import Person
from lms.text import fold


def _folded(column):
    # Portable accent folding: SQLite has no unaccent and its lower() is ASCII-only,
    # so fold the Spanish accented letters (both cases) by hand, then lower-case.
    expr = column
    for accented, plain in (
        ("áÁàÀ", "a"),
        ("éÉèÈ", "e"),
        ("íÍìÌ", "i"),
        ("óÓòÒ", "o"),
        ("úÚùÙüÜ", "u"),
        ("ñÑ", "n"),
    ):
        for char in accented:
            expr = func.replace(expr, char, plain)
    return func.lower(expr)


def search_query(text: str | None):
    """A select of people matching a document number (prefix) or every word of a name."""
    query = select(Person).order_by(Person.last_names, Person.first_names, Person.id)
    text = (text or "").strip()
    if not text:
        return query
    compact = compact_document(text)
    if any(c.isdigit() for c in compact) and compact.isalnum():
        return query.where(Person.document_number.startswith(compact, autoescape=True))
    for word in fold(text).split():
        query = query.where(
            or_(
                _folded(Person.first_names).contains(word, autoescape=True),
                _folded(Person.last_names).contains(word, autoescape=True),
            )
        )
    return query
