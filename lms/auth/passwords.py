"""The password rule for staff accounts: long, and not one that guessers try first.

``common-passwords.txt.gz`` beside this file is the list Django 5.2 ships
(``django/contrib/auth/common-passwords.txt.gz``, BSD-3-Clause): Royce Williams' 20,000
most common passwords from breach corpora, lower-cased and deduplicated
(gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce). Copied byte for byte;
to refresh it, copy the file from a newer Django release.

Guessers try a common word with digits or symbols added ("colombia2024!"), so the word
without its trailing digits and symbols is checked too, against that list and a few words
everyone at the office would think of.
"""

import gzip
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
#: Fewer different characters than this is a pattern, not a password ("aaaaaaaaaaaa").
MIN_DISTINCT = 5
LIST = Path(__file__).resolve().parent / "common-passwords.txt.gz"
#: Words of this office and city that the list, made from worldwide leaks, lacks.
LOCAL_WORDS = frozenset({
    "contraseña", "contrasena", "clave", "cucuta", "cúcuta", "colombia", "alcaldia",
    "alcaldía", "oficinatic", "formacion", "formación", "formador", "administrador",
    "bienvenido", "bienvenida", "nortedesantander", "tic",
})
_TRAILING = "0123456789!¡?¿@#$%&*.,;:_-+=/ "


@cache
def _common() -> frozenset[str]:
    with gzip.open(LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines) | LOCAL_WORDS


def problem(password: str) -> str | None:
    """Why ``password`` is too weak, in Spanish, or None when it will do."""
    if len(password) < MIN_LENGTH:
        return f"La contraseña debe tener al menos {MIN_LENGTH} caracteres."
    lowered = password.lower().strip()
    stem = lowered.rstrip(_TRAILING)
    common = _common()
    if len(set(lowered)) < MIN_DISTINCT or lowered in common or stem in common or not stem:
        return (
            "Esa contraseña es demasiado común o fácil de adivinar: use una frase de varias "
            "palabras o mezcle palabras, números y signos."
        )
    return None
