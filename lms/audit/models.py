"""The audit trail: who changed what, and when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class AuditEntry(db.Model):
    """One create, change, delete or domain action on an audited record."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When the change was flushed (UTC).
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The user who made it; empty for system jobs and anonymous self check-ins.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: create, update, delete, or a domain verb such as merge, anonymize, revoke.
    action: Mapped[str] = mapped_column(String(20))
    #: Table name of the record.
    entity: Mapped[str] = mapped_column(String(40), index=True)
    #: Primary key of the record.
    entity_id: Mapped[int | None] = mapped_column(index=True)
    #: Changed fields as {field: [old, new]}, or a free-form detail for domain actions.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = db.relationship("User", lazy="joined")
