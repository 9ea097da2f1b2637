"""Staff sessions that end when they should: on logout, on a password change, after 12 hours,
and after 2 hours without a request.

The session cookie is signed, not stored, so a copied cookie would work until it expires.
Each user has a session version: the cookie names it (``User.get_id`` is ``"id:version"``,
Flask-Login's alternative-token pattern), and ``end_all`` bumps it, so every cookie issued
before is refused on its next request. The cookie also carries when the user logged in and
when they were last seen; ``user_for`` checks both on every request.
"""

import time

from flask import session
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db

#: A staff session ends this long after login, whatever happens.
LIFETIME = 12 * 3600
#: ...or this long after its last request.
IDLE = 2 * 3600
#: Seconds between refreshes of the "last seen" stamp (each one rewrites the cookie).
REFRESH = 60


def stamp(store=None, now: float | None = None) -> None:
    """Mark ``store`` (the session by default) as logged in now."""
    store = session if store is None else store
    now = time.time() if now is None else now
    store["_login_at"] = store["_seen_at"] = int(now)


def sign_in(store, ident: str, now: float | None = None) -> None:
    """Fill a session as a real login of ``User.get_id() == ident`` does (test clients,
    benchmarks)."""
    store["_user_id"] = ident
    store["_fresh"] = True
    stamp(store, now)


def user_for(ident: str) -> User | None:
    """The user a session cookie names, if its version is current and it has not expired."""
    user_id, _, version = ident.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.scalar(
        select(User).where(User.id == int(user_id), User.session_version == int(version))
    )
    if user is None or not _fresh_enough():
        session.clear()
        return None
    return user


def _fresh_enough() -> bool:
    now = time.time()
    login_at, seen_at = session.get("_login_at"), session.get("_seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    if now - login_at > LIFETIME or now - seen_at > IDLE:
        return False
    if now - seen_at > REFRESH:
        session["_seen_at"] = int(now)
    return True


def end_all(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
