"""The shapes every courses record shares: checks that collect every field's problem at
once, a unique code, and create / update / delete.

A form, an API call or an import row can break several rules together; reporting them all
in one go saves the office a round trip per mistake.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.database import unique
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label

#: The refusal of a code already taken, per kind of record.
TAKEN = {
    "plan_indicators": N_("Ya existe un indicador con el código %(code)s."),
    "courses": N_("Ya existe un curso con el código %(code)s."),
    "cohorts": N_("Ya existe un grupo con el código %(code)s."),
    "sites": N_("Ya existe una sede con el código %(code)s."),
}


class Problems:
    """Accumulate Spanish messages per field, then raise them as one ValidationError."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Record a problem with ``field``."""
        self.fields.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        """Raise a ValidationError naming the first field and carrying all of them."""
        if self.fields:
            field, messages = next(iter(self.fields.items()))
            raise ValidationError(messages[0], field=field, fields=self.fields)

    def text(self, data: dict, field: str, name: str, max_len: int, required=True) -> str | None:
        """Return the stripped text of ``data[field]``, checking presence and length; ``name``
        is the field's label, marked with N_."""
        value = str(data.get(field) or "").strip()
        if not value:
            if required:
                self.add(field, _("El campo «%(name)s» es obligatorio.", name=label(name)))
            return None
        if len(value) > max_len:
            self.add(field, _("El campo «%(name)s» admite máximo %(most)s caracteres.",
                              name=label(name), most=max_len))
        return value


def code_of(value: str | None) -> str:
    """Normalize a record code (trimmed, upper-case) so imports and URLs match it reliably."""
    return " ".join(str(value or "").split()).upper()


def _taken(model, code) -> str:
    return label(TAKEN[model.__tablename__]) % {"code": code}


def unique_code(problems: Problems, model, code: str | None, record) -> None:
    """Refuse ``code`` when another ``model`` row than ``record`` already has it."""
    if not code:
        return
    clash = select(model.id).where(model.code == code)
    if record is not None:
        clash = clash.where(model.id != record.id)
    if db.session.scalar(clash):
        problems.add("code", _taken(model, code))


def store(model, fields: dict, record=None):
    """Create a ``model`` row with the checked ``fields``, or write them onto ``record``.

    A request that wrote the same code since ``unique_code`` looked gets the same refusal.
    """
    with unique(_taken(model, fields.get("code")), "code"):
        if record is None:
            record = model()
            db.session.add(record)
        for key, value in fields.items():
            setattr(record, key, value)
    return record


def delete(record, refusal: str | None = None, field: str | None = None) -> None:
    """Delete ``record``, unless ``refusal`` says why not (then nothing is deleted)."""
    if refusal:
        raise ValidationError(refusal, field)
    db.session.delete(record)
    db.session.flush()
