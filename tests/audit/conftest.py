"""A small trail: an admin renames a site and deactivates it, the system registers a person."""

from datetime import datetime

import pytest
from sqlalchemy import select, update

from lms.audit.models import AuditEntry
from lms.audit.services import system_actor
from lms.extensions import db as _db
from tests import factories


@pytest.fixture
def trail(db, admin):
    """The entries' ids by what they record; the site's change happened on 5 March 2026 at
    03:30 UTC, which is 4 March, 22:30 in Bogotá."""
    admin.name = "Paula Andrea Rincón"
    _db.session.flush()
    token = system_actor.set(admin.id)
    try:
        site = factories.site(name="Biblioteca Pública Julio Pérez")
        site.name = "=HYPERLINK(\"http://x.example\")"
        site.active = False
        _db.session.flush()
    finally:
        system_actor.reset(token)
    person = factories.person(first_names="José Ángel", last_names="Peña")
    entry = _db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity == "sites", AuditEntry.action == "update"))
    _db.session.execute(update(AuditEntry).where(AuditEntry.id == entry.id)
                        .values(at=datetime(2026, 3, 5, 3, 30)))
    _db.session.execute(update(AuditEntry).where(AuditEntry.id != entry.id)
                        .values(at=datetime(2026, 3, 10, 15, 0)))
    _db.session.expire_all()
    return {"site": site, "person": person, "site_update": entry.id}
