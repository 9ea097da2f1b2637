"""Form helpers shared by every domain."""

from wtforms.fields.choices import SelectChoice


def choices(mapping: dict, blank: str | None = None) -> list[SelectChoice]:
    """Select options from a {value: label} dict, optionally led by an empty option."""
    options = [SelectChoice(value, label) for value, label in mapping.items()]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options
