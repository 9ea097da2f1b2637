"""Tables the API keeps for itself: the Idempotency-Key ledger."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class IdempotencyKey(db.Model):
    """The first successful response to a POST sent with an ``Idempotency-Key`` header.

    A key belongs to the token's user: the same user, key and request replay ``body``; the
    unique constraint makes a second copy of the same POST impossible, even when racing.
    """

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_api_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token's user.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The client's key (1 to 255 visible characters).
    key: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of method, path and body: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    #: The response's status code, media type, Location and body, replayed as they were.
    status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: When the key was first used (UTC); keys are forgotten after KEEP_KEYS.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
