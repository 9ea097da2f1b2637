"""Document numbers: the one normaliser, for people, guardians and every search.

Stored numbers have no dots, spaces or dashes and upper-case letters; CC, TI and RC
are digits only, the other types may carry letters. Whatever compares a typed number
with a stored one (the people search, the roster search, the planilla, the API)
compacts it here first.
"""

import re

from lms.errors import ValidationError
from lms.people.models import DOCUMENT_TYPES, NUMERIC_DOCUMENTS

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
            "Tipo de documento no válido: use CC, TI, RC, CE, PA, PEP o PPT.", "document_type"
        )
    clean = compact_document(number)
    if not clean:
        raise ValidationError("Escriba el número de documento.", "document_number")
    if doc_type in NUMERIC_DOCUMENTS and not clean.isdigit():
        raise ValidationError(
            f"El número de {DOCUMENT_TYPES[doc_type].lower()} solo puede tener dígitos.",
            "document_number",
        )
    problem = _number_problem(clean)
    if problem:
        raise ValidationError(problem, "document_number")
    return doc_type, clean


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
