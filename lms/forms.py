"""Form helpers shared by every domain."""

from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

from lms.formatting import label, lazy_label


def choices(mapping: dict, blank: str | None = None) -> list[SelectChoice]:
    """Select options from a {value: label} dict, optionally led by an empty option; plain
    labels (marked with ``N_``) are translated when the select is shown."""
    options = [SelectChoice(value, lazy_label(text) if isinstance(text, str) else text)
               for value, text in mapping.items()]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


def coded(code: str, text: str, sep: str = " — ") -> LazyString:
    """An option's label led by its short code ("CC — Cédula de ciudadanía"), the label
    translated when shown."""
    return LazyString(lambda: f"{code}{sep}{label(text)}")
