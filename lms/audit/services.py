"""Audit every create, change and delete of opted-in models, in one listener.

Models opt in with ``__audited__ = True`` and may hide columns with
``__audit_exclude__``. Writing the trail from a flush hook means no service can
forget it, whichever interface (web, API, CLI, import) made the change. Set-based
writers (upserts, bulk inserts), which the hook cannot see, call ``record_bulk``;
both go through ``plain``, the one serialiser of audited values.
"""

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.audit.models import AuditEntry
from lms.database import insert_rows
from lms.extensions import db
from lms.timeutil import utcnow

#: Actor for work outside a request (CLI commands, background jobs).
system_actor: ContextVar[int | None] = ContextVar("system_actor", default=None)

_HIDDEN = {"password_hash", "token_hash"}


def plain(value):
    """An audited value as JSON: ISO dates, Decimals as written ("20", "12.5"), byte sizes."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def current_actor_id() -> int | None:
    """Return the id of whoever is acting now: the logged-in user or the CLI's actor."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return system_actor.get()


def _hidden(obj) -> set[str]:
    return _HIDDEN | set(getattr(obj, "__audit_exclude__", ()))


def _diff(obj, *, created: bool = False, deleted: bool = False) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _hidden(obj):
            continue
        hist = state.attrs[key].history
        if created or deleted:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, plain(value)] if created else [plain(value), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[key] = [plain(old), plain(new)]
    return changes


def _audited(obj) -> bool:
    return getattr(obj, "__audited__", False)


def _entry(action: str, obj, changes: dict) -> dict:
    return {
        "at": utcnow(),
        "actor_id": current_actor_id(),
        "action": action,
        "entity": obj.__tablename__,
        "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
        "changes": changes,
    }


def _collect(session: Session) -> list[dict]:
    rows = []
    for obj in session.new:
        if _audited(obj):
            rows.append(("create", obj, _diff(obj, created=True)))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _diff(obj)
            if changes:
                rows.append(("update", obj, changes))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(("delete", obj, _diff(obj, deleted=True)))
    return rows


@event.listens_for(Session, "before_flush")
def _remember(session, flush_context, instances):
    # Diffs must be read before the flush resets attribute history; ids only after it.
    session.info.setdefault("_audit_pending", []).extend(_collect(session))


@event.listens_for(Session, "after_flush")
def _write(session, flush_context):
    pending = session.info.pop("_audit_pending", [])
    if pending:
        rows = [_entry(action, obj, changes) for action, obj, changes in pending]
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def changes_between(old: dict, new: dict) -> dict:
    """{field: [old, new]} for the keys of ``new`` whose value differs from ``old``'s."""
    return {k: [plain(old.get(k)), plain(v)] for k, v in new.items() if old.get(k) != v}


def record_bulk(
    entity: str,
    entries: Iterable[tuple[int, str, dict]],
    *,
    actor_id: int | None | object = ...,
    at: datetime | None = None,
) -> None:
    """Audit rows written by set-based code: ``(entity_id, action, {field: [old, new]})``.

    ``actor_id`` defaults to whoever is acting now (pass None for anonymous self check-in).
    """
    actor = current_actor_id() if actor_id is ... else actor_id
    when = at or utcnow()
    rows = [
        {
            "at": when,
            "actor_id": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "changes": {k: [plain(v) for v in pair] for k, pair in changes.items()},
        }
        for entity_id, action, changes in entries
    ]
    insert_rows(AuditEntry.__table__, rows)


def record(action: str, obj, detail: dict | None = None) -> None:
    """Record a domain action (merge, anonymize, revoke…) on a flushed record."""
    db.session.flush()
    db.session.add(
        AuditEntry(
            actor_id=current_actor_id(),
            action=action,
            entity=obj.__tablename__,
            entity_id=obj.id,
            changes=detail or {},
        )
    )
