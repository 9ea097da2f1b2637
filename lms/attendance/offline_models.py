"""What the offline app sent: one row per client ``mark_id``, kept forever.

The attendance ledger (``AttendanceMarkId``) only holds keys whose mark was written; a
queued item can also lose a conflict, point at a deleted session or register a walk-in.
This table remembers every such outcome, so a replayed item gets the same answer and
changes nothing, and it keeps the time each mark was made on the device.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

#: What became of a queued item.
OUTCOMES = ("applied", "kept", "orphan")


class OfflineMark(db.Model):
    """One item of an offline queue (a mark or a walk-in), as the server settled it."""

    __tablename__ = "offline_marks"

    #: The client's UUID for the item; the primary key makes it count once.
    mark_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The device that queued it (a random id kept by the browser).
    device_id: Mapped[str] = mapped_column(String(64))
    #: The staff account whose queue it was.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: mark or walk_in.
    kind: Mapped[str] = mapped_column(String(10))
    #: The session (no foreign key: a deleted session's item stays on record).
    session_id: Mapped[int] = mapped_column(index=True)
    #: The enrollment marked, when it existed.
    enrollment_id: Mapped[int | None]
    #: The status asked for.
    status: Mapped[str] = mapped_column(String(10))
    #: When it was made on the device (UTC, never later than its arrival).
    made_at: Mapped[datetime]
    #: When the server settled it (UTC).
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: applied, kept (a later mark on the server won) or orphan (person/session deleted).
    outcome: Mapped[str] = mapped_column(String(10))
    #: sync (from the phone) or import (an exported file, by an admin).
    via: Mapped[str] = mapped_column(String(10), default="sync")
