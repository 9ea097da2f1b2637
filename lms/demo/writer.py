"""Buffered bulk inserts (SQLAlchemy Core executemany) in foreign-key order."""

from collections import defaultdict

from sqlalchemy import func, insert, select, text

from lms.extensions import db

#: Parents first, so a child row is never written before the row it points to.
ORDER = (
    "sites",
    "users",
    "people",
    "people_sensitive",
    "consents",
    "cohorts",
    "cohort_trainers",
    "sessions",
    "enrollments",
    "attendance",
    "certificates",
)
#: Tables whose ids the builder assigns itself (other rows point at them).
EXPLICIT_IDS = ("sites", "users", "people", "cohorts", "sessions", "enrollments", "certificates")


class BulkWriter:
    """Collect rows per table and write them in chunks; flushing a table flushes its parents."""

    def __init__(self, chunk: int = 5000):
        self.conn = db.session.connection()
        self.tables = db.metadata.tables
        self.chunk = chunk
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.next_ids = {
            name: (self.conn.scalar(select(func.max(self.tables[name].c.id))) or 0) + 1
            for name in EXPLICIT_IDS
        }

    def new_id(self, table: str) -> int:
        """Reserve the next primary key of a table."""
        value = self.next_ids[table]
        self.next_ids[table] += 1
        return value

    def add(self, table: str, row: dict) -> None:
        """Queue one row; writes happen a chunk at a time."""
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= self.chunk:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        """Write the queued rows of ``table`` (and of every table before it), or of all."""
        last = ORDER.index(table) if table else len(ORDER) - 1
        for name in ORDER[: last + 1]:
            rows = self.buffers.pop(name, None)
            if rows:
                self.conn.execute(insert(self.tables[name]), rows)
                self.counts[name] += len(rows)

    def finish(self) -> dict[str, int]:
        """Flush everything and move PostgreSQL sequences past the ids we assigned."""
        self.flush()
        if self.conn.dialect.name == "postgresql":
            for name in EXPLICIT_IDS:
                self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                    )
                )
        return dict(self.counts)
