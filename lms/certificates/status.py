"""The signed status list (revoked and superseded codes) for offline verification.

A list is signed on the task queue after every revocation or correction commits, and every
hour, and published in the database, so every web machine serves the same list without
signing it per request. If the queue has not published one lately (a fresh installation,
consumers down), the endpoint signs one itself rather than serve an expired list.
"""

import calendar
import hashlib
import json
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms import tasks
from lms.certificates import signing
from lms.certificates.models import Certificate, PublishedStatusList
from lms.extensions import db
from lms.timeutil import utcnow

#: Seconds a status list may be trusted offline before the page calls it stale.
STATUS_TTL = 24 * 3600
#: A published list this old is signed again, even if nothing changed.
RESIGN_AFTER = timedelta(minutes=50)
#: A published list older than this is not served; the request signs a fresh one.
SERVE_AT_MOST = timedelta(hours=2)
_Replacement = aliased(Certificate)


def _listed() -> tuple[list[str], dict[str, str]]:
    revoked = list(
        db.session.scalars(
            select(Certificate.code).where(Certificate.revoked_at.is_not(None))
            .order_by(Certificate.code)
        )
    )
    superseded = dict(
        db.session.execute(
            select(Certificate.code, _Replacement.code)
            .join(_Replacement, _Replacement.id == Certificate.superseded_by_id)
            .where(Certificate.revoked_at.is_(None))
        ).all()
    )
    return revoked, superseded


def status_list(ring: signing.KeyRing | None = None) -> str:
    """A JWS listing revoked (and superseded) codes, with iat and exp, for offline checks.

    Signed with ``ring`` when given (the CLI's existing keys); otherwise with this
    installation's keys, creating the first one like any first signing.
    """
    revoked, superseded = _listed()
    now = calendar.timegm(utcnow().timetuple())
    return (ring or signing.keyring()).sign(
        {
            "iss": current_app.config["BASE_URL"],
            "iat": now,
            "exp": now + STATUS_TTL,
            "ttl": STATUS_TTL,
            "revoked": revoked,
            "superseded": superseded,
        }
    )


def changed() -> None:
    """A document's status changed: publish a new list once this transaction commits."""
    tasks.enqueue(publish)


@tasks.task(_l("Publicar la lista de estado"))
def publish() -> None:
    """Sign and store the current list; the same codes signed lately are left as they are."""
    digest = hashlib.sha256(json.dumps(_listed(), sort_keys=True).encode()).hexdigest()
    row = db.session.get(PublishedStatusList, 1, with_for_update=True)
    if row is not None and row.digest == digest and row.signed_at > utcnow() - RESIGN_AFTER:
        return
    jws = status_list()
    if row is None:
        # Two first publications at once: one insert fails, and its retry finds this row.
        row = PublishedStatusList(id=1)
        db.session.add(row)
    row.jws, row.digest, row.signed_at = jws, digest, utcnow()
    db.session.flush()


def current() -> str:
    """The list to serve: the published one, or a freshly signed one if it is missing or old."""
    row = db.session.get(PublishedStatusList, 1)
    if row is not None and row.signed_at > utcnow() - SERVE_AT_MOST:
        return row.jws
    return status_list()


@tasks.periodic(crontab(minute="7"))
def _hourly() -> None:
    changed()
    tasks.commit()
