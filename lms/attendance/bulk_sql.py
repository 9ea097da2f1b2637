"""Appending many plain rows (audit entries, import bookkeeping) in the current transaction.

psycopg runs an executemany as one pipelined statement per row, which on a 100,000-row
planilla costs more than all the rest of the import; PostgreSQL's COPY sends the rows as
one stream instead. SQLite's executemany is already a tight C loop, so it keeps it. Small
writes (a roster tap) keep the ordinary statement, so per-request query counts are unchanged.
"""

import json

from sqlalchemy import JSON, Table

from lms.extensions import db

#: Below this many rows an ordinary INSERT is just as fast.
COPY_MIN = 50


def insert_rows(table: Table, rows: list[dict]) -> None:
    """INSERT ``rows`` (dicts with the same keys, no RETURNING needed) into ``table``."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name != "postgresql" or len(rows) < COPY_MIN:
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    # JSON is written as text, as SQLAlchemy's default serializer (json.dumps) would.
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])
    finally:
        cursor.close()
