"""Small checks shared by the courses services: they collect every field's problem at once.

A form, an API call or an import row can break several rules together; reporting them all
in one go saves the office a round trip per mistake.
"""

from lms.errors import ValidationError


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

    def text(self, data: dict, field: str, label: str, max_len: int, required=True) -> str | None:
        """Return the stripped text of ``data[field]``, checking presence and length."""
        value = str(data.get(field) or "").strip()
        if not value:
            if required:
                self.add(field, f"El campo «{label}» es obligatorio.")
            return None
        if len(value) > max_len:
            self.add(field, f"El campo «{label}» admite máximo {max_len} caracteres.")
        return value


def code_of(value: str | None) -> str:
    """Normalize a record code (trimmed, upper-case) so imports and URLs match it reliably."""
    return " ".join(str(value or "").split()).upper()
