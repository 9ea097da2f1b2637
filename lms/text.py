"""Comparing text as people type it: one fold for names, places, headers and codes."""

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, strip accents and collapse spaces, for forgiving comparisons.

    "  Carmen de  TONCHALÁ " and "carmen de tonchala" fold to the same text, so a name
    typed on a form, a header in a planilla and a stored value compare equal.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())
