"""Finding entries in the trail: the one filter used by the page, its XLSX and the API.

Filters arrive as query-string text (``entidad=personas``, ``actor=3`` or ``sistema``,
``desde``/``hasta`` as office-local dates, ``id``); ``parse`` turns them into
``AuditFilters`` or refuses them with a Spanish message naming the parameter.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select

from lms.audit.labels import ENTITIES, entity_table
from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.timeutil import from_local
from lms.web import MAX_ID

#: ``actor`` value for entries made by no one (commands, jobs, anonymous check-ins).
SYSTEM = "sistema"
#: The page's parameter names; the API passes its own (English) names for the same filters.
PAGE_NAMES = {"entity": "entidad", "actor": "actor", "since": "desde", "until": "hasta",
              "entity_id": "id"}


@dataclass(frozen=True)
class AuditFilters:
    """What the auditor looks for; None means "any"."""

    entity: str | None = None
    actor_id: int | None = None
    system: bool = False
    since: date | None = None
    until: date | None = None
    entity_id: int | None = None


def _id(raw: str, name: str, what: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise ValidationError(_("%(what)s debe ser un número entero positivo.",
                                what=label(what)), field=name)
    return int(raw)


def _day(raw: str, name: str, what: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("%(what)s: escriba la fecha como aaaa-mm-dd.", what=label(what)),
                              field=name) from None


def parse(args, names: dict | None = None) -> AuditFilters:
    """The filters in ``args`` (a query string), or a ValidationError naming the parameter."""
    names = names or PAGE_NAMES
    raw = {key: (args.get(name) or "").strip() for key, name in names.items()}
    entity = None
    if raw["entity"]:
        entity = entity_table(raw["entity"])
        if entity is None:
            known = ", ".join(name for name, _label in ENTITIES.values())
            raise ValidationError(_("La entidad «%(entity)s» no existe; use una de: %(known)s.",
                                    entity=raw["entity"], known=known), field=names["entity"])
    system = raw["actor"].lower() == SYSTEM
    actor = None if system or not raw["actor"] else _id(raw["actor"], names["actor"],
                                                          N_("El usuario"))
    since = _day(raw["since"], names["since"], N_("Desde")) if raw["since"] else None
    until = _day(raw["until"], names["until"], N_("Hasta")) if raw["until"] else None
    if since and until and since > until:
        raise ValidationError(_("La fecha «hasta» no puede ser anterior a «desde»."),
                              field=names["until"])
    entity_id = _id(raw["entity_id"], names["entity_id"], N_("El número de registro")) \
        if raw["entity_id"] else None
    return AuditFilters(entity, actor, system, since, until, entity_id)


def _start_of(day: date) -> datetime:
    return from_local(datetime.combine(day, time()))


def entries(filters: AuditFilters) -> Select:
    """Entries matching every filter, newest first (days are the office's local days)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.system:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.since:
        query = query.where(AuditEntry.at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < _start_of(filters.until + timedelta(days=1)))
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    return query


def actors() -> list[tuple[int, str]]:
    """(id, name) of every staff account, for the actor filter."""
    return list(db.session.execute(select(User.id, User.name).order_by(User.name)).all())
