"""Merging two records of one human: compared side by side first, confirmed by typing the
kept document, and undone from the audit trail within ``UNDO_DAYS``.

A one-click merge once folded an adult CC holder into a child's TI record. The page now
shows both records with their differences marked (a different document type, birth date
or name usually means two different people), the admin types the kept record's document
number, and the merge's audit entry keeps everything needed to put both records back as
they were: the duplicate's row, what the survivor received, and each domain's part
(``registry.merge_part`` / ``registry.unmerge_part``).
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.audit.models import AuditEntry
from lms.audit.services import plain, record
from lms.database import unique
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import EMPTY, N_, label
from lms.people import registry
from lms.people.documents import compact_document
from lms.people.models import DOCUMENT_TYPES, SEXES, ZONES, Consent, Person, PersonSensitive
from lms.people.registry import record_data, row_values
from lms.people.signals import people_merged, people_unmerged
from lms.timeutil import utcnow
from lms.web import MAX_ID

#: Days a merge can be undone.
UNDO_DAYS = 30
#: Contact fields a merge copies from the duplicate when the survivor lacks them.
FILLABLE = ("birth_date", "sex", "gender_identity", "phone", "email", "zone", "area", "barrio")
SENSITIVE = ("ethnic_group", "disability", "victim", "migrant")
#: What the comparison shows, and how.
COMPARED = (
    ("document_type", N_("Tipo de documento"), DOCUMENT_TYPES),
    ("document_number", N_("Número de documento"), None),
    ("first_names", N_("Nombres"), None),
    ("last_names", N_("Apellidos"), None),
    ("birth_date", N_("Fecha de nacimiento"), None),
    ("sex", N_("Sexo"), SEXES),
    ("phone", N_("Teléfono"), None),
    ("email", N_("Correo electrónico"), None),
    ("zone", N_("Zona"), ZONES),
    ("area", N_("Comuna o corregimiento"), None),
    ("barrio", N_("Barrio o vereda"), None),
)
#: Differences that usually mean two different people: the page stresses them.
CRUCIAL = frozenset({"document_type", "birth_date", "first_names", "last_names"})


def compare(survivor: Person, duplicate: Person) -> list[dict]:
    """The two records field by field: {label, kept, other, differs, crucial}."""
    rows = []
    for field, name, labels in COMPARED:
        kept, other = getattr(survivor, field), getattr(duplicate, field)
        shown = [EMPTY if v is None else label(labels[v]) if labels and v in labels else v
                 for v in (kept, other)]
        differs = kept != other and field != "document_number"
        rows.append({"field": field, "label": label(name), "kept": shown[0], "other": shown[1],
                     "differs": differs, "crucial": differs and field in CRUCIAL})
    return rows


def check_confirmation(survivor: Person, typed: str | None) -> None:
    """Refuse unless ``typed`` is the kept record's document number (separators ignored)."""
    if compact_document(typed) != survivor.document_number:
        raise ValidationError(
            _(
                "Para confirmar, escriba el número de documento del registro que se conserva "
                "(%(document_type)s).",
                document_type=survivor.document_type,
            ),
            "confirm_document",
        )


def merge_confirmed(survivor: Person, duplicate_id: int | None, typed: str | None) -> dict:
    """Merge the record ``duplicate_id`` into ``survivor`` once ``typed`` confirms it.

    Every channel (the page, the API) confirms the same way: the kept record's document
    number typed in full. Returns the merge's detail (``merge_people``).
    """
    duplicate = None
    if isinstance(duplicate_id, int) and 0 < duplicate_id <= MAX_ID:
        duplicate = db.session.get(Person, duplicate_id)
    if duplicate is None:
        raise ValidationError(_("El registro duplicado no existe."), "duplicate_id")
    if duplicate.id != survivor.id:
        check_confirmation(survivor, typed)
    return merge_people(survivor, duplicate)


def merge_people(survivor: Person, duplicate: Person) -> dict:
    """Fold a duplicate record of the same human into the survivor, then delete it."""
    if survivor.id == duplicate.id:
        raise ValidationError(_("Elija dos registros distintos."), "duplicate_id")
    if survivor.anonymized_at is not None:
        raise ValidationError(_("El registro que se conserva no puede estar anonimizado."))
    db.session.flush()
    undo = {
        "person": record_data(duplicate),
        "sensitive": _answers(duplicate.sensitive),
        "survivor_sensitive": _answers(survivor.sensitive),
        "filled": {},
        "consents": [c.id for c in duplicate.consents],
    }
    detail = {
        "survivor_id": survivor.id,
        "merged_id": duplicate.id,
        "merged_document": f"{duplicate.document_type} {duplicate.document_number}",
        "undo": undo,
    }
    for field in FILLABLE:
        if getattr(survivor, field) is None and getattr(duplicate, field) is not None:
            setattr(survivor, field, getattr(duplicate, field))
            undo["filled"][field] = plain(getattr(duplicate, field))
    _merge_sensitive(survivor, duplicate)
    db.session.flush()
    for part in registry.MERGERS:
        part(survivor, duplicate, detail)
    db.session.execute(
        update(Consent).where(Consent.person_id == duplicate.id).values(person_id=survivor.id)
    )
    # Core statements bypassed the identity map; reload before deleting the duplicate.
    db.session.expire_all()
    db.session.delete(db.session.get(Person, duplicate.id))
    db.session.flush()
    record("merge", survivor, detail)
    # Attendance recomputes the joined enrollments (their marks were pooled).
    people_merged.send(
        survivor,
        merged_id=detail["merged_id"],
        enrollment_ids=[pair["kept"] for pair in detail.get("enrollments_joined", [])],
    )
    db.session.flush()
    return detail


def _answers(sensitive: PersonSensitive | None) -> dict | None:
    return None if sensitive is None else {k: getattr(sensitive, k) for k in SENSITIVE}


def _merge_sensitive(survivor: Person, duplicate: Person) -> None:
    theirs = duplicate.sensitive
    if theirs is None:
        return
    if survivor.sensitive is None:
        survivor.sensitive = PersonSensitive()
    for key in SENSITIVE:
        if getattr(survivor.sensitive, key) is None:
            setattr(survivor.sensitive, key, getattr(theirs, key))
    duplicate.sensitive = None


def merges_query(person: Person):
    """A select of the person's merges and unmerges (audit entries), newest first."""
    return select(AuditEntry).where(
        AuditEntry.entity == "people", AuditEntry.entity_id == person.id,
        AuditEntry.action.in_(("merge", "unmerge")),
    ).order_by(AuditEntry.id.desc())


def undo_deadline(entry: AuditEntry):
    """When a merge stops being undoable."""
    return entry.at + timedelta(days=UNDO_DAYS)


def undoable_merge(person: Person) -> AuditEntry | None:
    """The person's latest merge, if it can still be undone (newest first, within 30 days)."""
    if person.anonymized_at is not None:
        return None
    latest = db.session.scalars(merges_query(person).limit(1)).first()
    if latest is None or latest.action != "merge" or "undo" not in (latest.changes or {}):
        return None
    if undo_deadline(latest) < utcnow():
        return None
    return latest


def unmerge(survivor: Person, entry_id: int) -> Person:
    """Put back the record merged into ``survivor`` by the audit entry ``entry_id``."""
    entry = undoable_merge(survivor)
    if entry is None or entry.id != entry_id:
        raise ValidationError(
            _(
                "Solo se puede deshacer la última fusión de esta persona, durante %(undo_days)s "
                "días, y si la persona no fue anonimizada.",
                undo_days=UNDO_DAYS,
            ),
            status=409,
        )
    detail = entry.changes
    undo = detail["undo"]
    with unique("Otra persona tiene ahora el documento del registro fusionado; no se puede "
                "deshacer.", "document_number"):
        restored = Person(**row_values(Person.__table__, undo["person"]))
        db.session.add(restored)
    if undo["sensitive"] is not None:
        restored.sensitive = PersonSensitive(**undo["sensitive"])
    db.session.execute(
        update(Consent).where(Consent.id.in_(undo["consents"] or [-1]))
        .values(person_id=restored.id)
    )
    for part in reversed(registry.MERGERS):
        registry.UNMERGERS[part](survivor, restored, detail)
    copied = row_values(Person.__table__, undo["filled"])
    for field, value in copied.items():
        if getattr(survivor, field) == value:  # unless corrected since
            setattr(survivor, field, None)
    _restore_sensitive(survivor, undo["survivor_sensitive"])
    db.session.flush()
    record("unmerge", survivor, {"merge_entry_id": entry.id, "restored_id": restored.id})
    people_unmerged.send(survivor, restored_id=restored.id,
                         enrollment_ids=undo.get("enrollments", {}).get("touched", []))
    db.session.expire_all()
    return db.session.get(Person, restored.id)


def _restore_sensitive(survivor: Person, before: dict | None) -> None:
    if before is None:
        survivor.sensitive = None
    elif survivor.sensitive is not None:
        for key, value in before.items():
            setattr(survivor.sensitive, key, value)
