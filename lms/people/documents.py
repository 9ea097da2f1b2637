"""Document numbers: the one normaliser, for people, guardians and every search.

Stored numbers have no dots, spaces or dashes and upper-case letters; CC, TI and RC
are digits only, the other types may carry letters. Whatever compares a typed number
with a stored one (the people search, the roster search, the planilla, the API)
compacts it here first.
"""

import re
from datetime import date

from flask_babel import gettext as _

from lms.errors import ValidationError
from lms.people.models import DOCUMENT_TYPES, NUMERIC_DOCUMENTS
from lms.timeutil import age_on

SEPARATORS = re.compile(r"[.\s\-]+")
#: Shortest and longest number of any document type, once compacted.
MIN_LENGTH, MAX_LENGTH = 3, 20


def compact_document(text: str | None) -> str:
    """A typed number as stored: separators dropped, letters upper-case (not validated)."""
    return SEPARATORS.sub("", text or "").upper()


def _number_problem(clean: str) -> str | None:
    if not (clean.isascii() and clean.isalnum()):
        return "El número de documento solo puede tener letras y dígitos."
    if not MIN_LENGTH <= len(clean) <= MAX_LENGTH:
        return (
            f"El número de documento debe tener entre {MIN_LENGTH} y {MAX_LENGTH} caracteres."
        )
    return None


def normalize_document(document_type: str, number: str) -> tuple[str, str]:
    """Return (type, number) as stored: no dots, spaces or dashes; letters upper-case."""
    doc_type = (document_type or "").strip().upper()
    if doc_type not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Tipo de documento no válido: use CC, TI, RC, CE, PA, PEP o PPT."), "document_type"
        )
    clean = compact_document(number)
    if not clean:
        raise ValidationError(_("Escriba el número de documento."), "document_number")
    if doc_type in NUMERIC_DOCUMENTS and not clean.isdigit():
        raise ValidationError(
            _(
                "El número de %(document_name)s solo puede tener dígitos.",
                document_name=DOCUMENT_TYPES[doc_type].lower(),
            ),
            "document_number",
        )
    problem = _number_problem(clean)
    if problem:
        raise ValidationError(problem, "document_number")
    return doc_type, clean


#: Ages (whole years) each Colombian identity document is held at: (refused below, expected
#: from, expected until, refused from); None is no bound. Between a refusal bound and the
#: expected range the person is accepted with a warning: a TI is issued at 7 and a CC at 18,
#: and people keep the old document for a while (or a birth date is typed a year off).
#: Foreign documents (CE, PA, PEP, PPT) are held at any age.
DOCUMENT_AGES = {
    "RC": (None, 0, 6, 18),
    "TI": (6, 7, 17, 22),
    "CC": (17, 18, None, None),
}
#: Nobody registering is older than this: a birth date further back is a typo.
MAX_AGE = 110


def check_birth_date(document_type: str | None, birth: date, today: date) -> str | None:
    """Refuse an impossible birth date, or one the document type rules out; return a warning
    (Spanish) when the person is at the edge of the document's ages, else None."""
    if birth > today or age_on(birth, today) > MAX_AGE:
        raise ValidationError(_("La fecha de nacimiento no es posible."), "birth_date")
    doc_type = (document_type or "").strip().upper()
    if doc_type not in DOCUMENT_AGES:
        return None
    refused_below, low, high, refused_from = DOCUMENT_AGES[doc_type]
    age = age_on(birth, today)
    name = DOCUMENT_TYPES[doc_type].lower()
    if (refused_below is not None and age < refused_below) or (
        refused_from is not None and age >= refused_from
    ):
        raise ValidationError(
            _(
                "Una persona de %(age)s años no puede tener %(name)s: revise el tipo de documento "
                "o la fecha de nacimiento.",
                age=age,
                name=name,
            ),
            "birth_date",
        )
    if age < low or (high is not None and age > high):
        return (
            f"Revise el documento: la {name} se tiene normalmente entre los {low} y los "
            f"{high} años, y esta persona tiene {age}." if high is not None else
            f"Revise el documento: la {name} se expide desde los {low} años, y esta persona "
            f"tiene {age}."
        )
    return None


def could_be_document(text: str | None) -> str | None:
    """The text as a document number (compacted) if some type could hold it, else None."""
    clean = compact_document(text)
    if _number_problem(clean) is None and any(c.isdigit() for c in clean):
        return clean
    return None


def guardian_document(text: str | None) -> str | None:
    """Tidy "CC 60.123.456" into "CC 60123456"; anything else is kept, just cleaned."""
    text = (text or "").strip().upper()
    if not text:
        return None
    match = re.match(r"^([A-Z]{2,3})[\s.:\-]+(.+)$", text)
    if match:
        try:
            return " ".join(normalize_document(match.group(1), match.group(2)))
        except ValidationError:
            pass
    return re.sub(r"\s+", " ", text.replace(".", ""))
