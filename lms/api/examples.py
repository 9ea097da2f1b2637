"""Examples in the spec, read off the same schemas that validate requests and dump responses.

A request body or response that has no hand-written example (``doc(example=...,
body_example=...)``) gets one built here from its schema: every property, the first choice
of an enum, a value inside each range, length and pattern. tests/api/test_openapi.py checks
that every example is valid against its own schema, so an example cannot drift either.
"""

#: A value for each string format the spec uses.
FORMATS = {
    "date": "2024-03-01",
    "date-time": "2024-03-01T14:30:00Z",
    "email": "persona@example.org",
    "uri": "https://hooks.example.org/lms",
    "uri-reference": "/api/v1/recurso?cursor=50&limit=50",
}
#: A value for each pattern the spec uses (a new pattern needs its example here).
PATTERNS = {
    "^[0-2][0-9]:[0-5][0-9]$": "08:00",
    "^[1-9][0-9]{0,8}$": "50",
    "^whsec_": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
}


def example(schema: dict):
    """A value valid against ``schema`` (a JSON Schema as the spec writes it)."""
    if "example" in schema:
        return schema["example"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), None)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return _BY_TYPE.get(kind, lambda _s: None)(schema)


def _object(schema: dict) -> dict:
    return {name: example(prop) for name, prop in schema.get("properties", {}).items()}


def _array(schema: dict) -> list:
    return [example(schema["items"])] if schema.get("items") else []


def _string(schema: dict) -> str:
    if schema.get("pattern") in PATTERNS:
        return PATTERNS[schema["pattern"]]
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    if schema.get("contentMediaType") or schema.get("format") == "binary":
        return "…"
    text = "Texto de ejemplo"
    return text[: schema.get("maxLength", len(text))]


def _number(schema: dict):
    low = schema.get("minimum", 1)
    high = schema.get("maximum", max(low, 1) + 100)
    value = min(max(low, 1), high)
    return int(value) if schema.get("type") == "integer" else value


_BY_TYPE = {"object": _object, "array": _array, "string": _string, "integer": _number,
            "number": _number, "boolean": lambda _s: True, "null": lambda _s: None}


def fill(document: dict) -> dict:
    """Give every JSON request body and response of ``document`` an example, in place."""
    for item in document["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {})
            media = [*body.values()]
            for response in operation["responses"].values():
                media += [m for name, m in response.get("content", {}).items()
                          if name == "application/json"]
            for entry in media:
                schema = entry.get("schema", {})
                if "example" not in entry and "examples" not in entry and "$ref" not in schema:
                    entry["example"] = example(schema)
    return document
