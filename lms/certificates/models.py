"""Issued documents (certificados and constancias), frozen at issue, batch jobs, and the
published status list."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from itertools import chain

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    event,
    inspect,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.expression import ColumnElement

from lms import pagecache
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.timeutil import utcnow

#: A live document: neither revoked nor superseded (the SQL of ``Certificate.is_valid``).
LIVE = "revoked_at IS NULL AND superseded_by_id IS NULL"


class Certificate(db.Model):
    """A document as printed, never edited after issue; corrections supersede it."""

    __tablename__ = "certificates"
    __audited__ = True
    __audit_exclude__ = ("pdf", "jws", "download_token_hash")
    __table_args__ = (
        # One live document per enrollment, whatever races: issue paths insert with
        # ON CONFLICT DO NOTHING on this index and hand back the document that won.
        Index("uq_certificates_live_enrollment", "enrollment_id", unique=True,
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public verification code: 80+ random bits in Crockford base32.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: The completed enrollment it certifies.
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    #: certificado or constancia.
    kind: Mapped[str] = mapped_column(String(20))
    #: Holder's name as printed.
    holder_name: Mapped[str] = mapped_column(String(241))
    #: Document type as printed.
    document_type: Mapped[str] = mapped_column(String(3))
    #: Document number as printed (in full on the PDF, masked on public pages).
    document_number: Mapped[str] = mapped_column(String(30))
    #: Course code as printed.
    course_code: Mapped[str] = mapped_column(String(30))
    #: Course name as printed.
    course_name: Mapped[str] = mapped_column(String(200))
    #: Course hours as printed.
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: Completion date as printed. Not the indicator event date: indicators count
    #: Enrollment.completed_on, so a correction that prints another date moves nobody.
    completed_on: Mapped[date]
    #: Site name as printed.
    site_name: Mapped[str] = mapped_column(String(160))
    #: Trainer name(s) as printed.
    trainer_name: Mapped[str] = mapped_column(Text)
    #: When it was issued (UTC).
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Staff member who issued it; empty when issued automatically.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The issued PDF, byte for byte.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: SHA-256 hex of the PDF.
    sha256: Mapped[str] = mapped_column(String(64))
    #: Signed payload carried by the QR: the compact form's DIGITS (compact.py), or a
    #: compact JWS for documents issued before it.
    jws: Mapped[str] = mapped_column(Text)
    #: Signing key id.
    kid: Mapped[str] = mapped_column(String(40))
    #: Unused: download links are signed, not stored (public.by_token). Empty since
    #: migration 0024; the column goes with the next rebuild of this table.
    download_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When it was revoked.
    revoked_at: Mapped[datetime | None]
    #: Why it was revoked.
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    #: credentialSubject.id of its Open Badges credential: a random urn:uuid, never the
    #: document number.
    subject_id: Mapped[str] = mapped_column(
        String(45), unique=True, default=lambda: f"urn:uuid:{uuid.uuid4()}"
    )
    #: Its random bit in the revocation BitstringStatusList (statuslist.py).
    status_index: Mapped[int] = mapped_column(unique=True)
    #: The correction that replaced it.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: Who signs it: the certificate_signers row current when it was issued (those rows are
    #: never changed nor deleted; no database foreign key, so SQLite adds the column in place).
    signer_id: Mapped[int | None]

    enrollment: Mapped[Enrollment] = relationship()
    superseded_by: Mapped["Certificate | None"] = relationship(remote_side=[id])

    @hybrid_property
    def is_valid(self) -> bool:
        """The one definition of a valid document: neither revoked nor superseded.

        Also a SQL condition (``select(Certificate).where(Certificate.is_valid)``), so
        issuing, indicator counting, completion and the portal can never disagree.
        """
        return self.revoked_at is None and self.superseded_by_id is None

    @is_valid.inplace.expression
    @classmethod
    def _is_valid_condition(cls) -> ColumnElement[bool]:
        return and_(cls.revoked_at.is_(None), cls.superseded_by_id.is_(None))

    @hybrid_property
    def status(self) -> str:
        """valid, revoked or superseded (also a SQL expression, for one-row public reads)."""
        if self.revoked_at is not None:
            return "revoked"
        return "valid" if self.is_valid else "superseded"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls) -> ColumnElement[str]:
        return case((cls.revoked_at.is_not(None), "revoked"),
                    (cls.superseded_by_id.is_(None), "valid"), else_="superseded")


#: What the public pages show of a document: everything but the file, the signed payload
#: and the download secret. A committed change to any of them renews the public cache.
SHOWN = tuple(c.key for c in Certificate.__table__.c
              if c.key not in ("pdf", "jws", "download_token_hash"))


@event.listens_for(Session, "before_flush")
def _shown_changes(session: Session, _context, _instances) -> None:
    for obj in chain(session.dirty, session.deleted):
        if isinstance(obj, Certificate) and (obj in session.deleted or any(
                inspect(obj).attrs[key].history.has_changes() for key in SHOWN)):
            pagecache.touch(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _shown_bulk_changes(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is Certificate.__mapper__:
        pagecache.touch(state.session)


class IssueJob(db.Model):
    """A batch issue of documents, with progress for the page that started it."""

    __tablename__ = "issue_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Course code filter, if any.
    course_code: Mapped[str | None] = mapped_column(String(30))
    #: Cohort code filter, if any.
    cohort_code: Mapped[str | None] = mapped_column(String(40))
    #: queued, running, done or failed.
    state: Mapped[str] = mapped_column(String(10), default="queued")
    #: Eligible enrollments found.
    total: Mapped[int] = mapped_column(default=0)
    #: Documents issued so far.
    done: Mapped[int] = mapped_column(default=0)
    #: Error message when failed.
    error: Mapped[str | None] = mapped_column(String(300))
    #: Who started it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When it was started (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it finished (UTC).
    finished_at: Mapped[datetime | None]


class PublishedStatusList(db.Model):
    """The signed status list as the queue last published it (one row, id 1)."""

    __tablename__ = "published_status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The compact JWS served at /.well-known/status-list.
    jws: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the listed codes, to tell a change from a mere re-signing.
    digest: Mapped[str] = mapped_column(String(64))
    #: When it was signed (UTC).
    signed_at: Mapped[datetime]


class Signer(db.Model):
    """Who signs the documents: name, title and signature image, as the office set them.

    Rows are never changed: setting a new signer adds a row, so every document keeps the
    signer it was issued with (its PDF is frozen anyway; the row says who it was).
    """

    __tablename__ = "certificate_signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full name printed under the signature line.
    name: Mapped[str] = mapped_column(String(120))
    #: Title (cargo) printed under the name.
    title: Mapped[str] = mapped_column(String(160))
    #: The handwritten signature as a PNG (transparent background), or none.
    image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: When it was set (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The admin who set it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class IssueJobFile(db.Model):
    """A batch's documents in one file, built in the background: a ZIP of the PDFs, or one
    merged PDF for printing. One per batch and kind (a second request finds this one)."""

    __tablename__ = "issue_job_files"
    __table_args__ = (UniqueConstraint("job_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The batch.
    job_id: Mapped[int] = mapped_column(ForeignKey("issue_jobs.id", ondelete="CASCADE"))
    #: zip (one PDF per document) or pdf (every document in one file, to print).
    kind: Mapped[str] = mapped_column(String(3))
    #: The file; empty while it is being built.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: How many documents it holds.
    documents: Mapped[int] = mapped_column(default=0)
    #: When it was asked for, and when it was ready (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None]
