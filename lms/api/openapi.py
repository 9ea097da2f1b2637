"""The OpenAPI 3 document, built from the routes themselves.

Each API view is decorated with ``@doc(...)``; request bodies are derived from the
same WTForms classes that validate them, so the document cannot drift from the code.
"""

from flask import current_app, jsonify
from werkzeug.routing import IntegerConverter
from wtforms import fields as wtf

from lms.api import bp

_TYPES = {
    wtf.IntegerField: {"type": "integer"},
    wtf.DecimalField: {"type": "number"},
    wtf.FloatField: {"type": "number"},
    wtf.BooleanField: {"type": "boolean"},
    wtf.DateField: {"type": "string", "format": "date"},
    wtf.TimeField: {"type": "string", "format": "time"},
    wtf.DateTimeField: {"type": "string", "format": "date-time"},
    wtf.EmailField: {"type": "string", "format": "email"},
}
ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array"}},
            },
        }
    },
}


def doc(
    summary: str,
    *,
    body=None,
    response: dict | None = None,
    status: int = 200,
    tags: tuple[str, ...] = (),
):
    """Describe an API view for the OpenAPI document; ``body`` is a form class or a schema."""

    def decorator(view):
        view._openapi = {
            "summary": summary,
            "body": body,
            "response": response,
            "status": status,
            "tags": list(tags),
        }
        return view

    return decorator


def schema_from_form(form_class) -> dict:
    """JSON schema of a WTForms class: one property per field, required where it must be."""
    form = form_class(meta={"csrf": False})
    props, required = {}, []
    for name, field in form._fields.items():
        schema = dict(
            next((v for k, v in _TYPES.items() if isinstance(field, k)), {"type": "string"})
        )
        if isinstance(field, wtf.SelectMultipleField):
            schema = {"type": "array", "items": {"type": "string"}}
        elif isinstance(field, wtf.SelectField) and field.choices:
            schema["enum"] = [c[0] for c in field.iter_choices() if c[0] not in ("", None)]
        schema["description"] = str(field.label.text)
        props[name] = schema
        if field.flags.required or _select_without_blank(field):
            required.append(name)
    return {"type": "object", "properties": props, "required": required}


def _select_without_blank(field) -> bool:
    # A select with no empty option refuses a missing value, so the field is required.
    if not isinstance(field, wtf.SelectField) or isinstance(field, wtf.SelectMultipleField):
        return False
    return bool(field.choices) and all(c[0] not in ("", None) for c in field.iter_choices())


def _operation(rule, method: str, spec: dict) -> dict:
    op = {
        "summary": spec["summary"],
        "tags": spec["tags"],
        "operationId": f"{rule.endpoint.split('.')[-1]}_{method.lower()}",
        "responses": {
            str(spec["status"]): {
                "description": "OK",
                "content": {"application/json": {"schema": spec["response"] or {}}},
            },
            "default": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    params = [
        {
            "name": arg,
            "in": "path",
            "required": True,
            "schema": {
                "type": "integer"
                if isinstance(rule._converters[arg], IntegerConverter)
                else "string"
            },
        }
        for arg in rule.arguments
    ]
    if params:
        op["parameters"] = params
    body = spec["body"]
    if body is not None and method in ("POST", "PUT", "PATCH"):
        schema = body if isinstance(body, dict) else schema_from_form(body)
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return op


def build() -> dict:
    """Assemble the document from the registered API routes."""
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        spec = getattr(current_app.view_functions[rule.endpoint], "_openapi", None)
        if spec is None:
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, spec)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Formación TIC API",
            "version": "1.0.0",
            "description": "API del servicio de formación en TIC (Oficina TIC).",
        },
        "servers": [{"url": current_app.config["BASE_URL"]}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.route("/openapi.json")
@doc("Este documento OpenAPI (público)", response={"type": "object"}, tags=("meta",))
def openapi():
    """Serve the OpenAPI 3 document (public, so LMS administrators can read it)."""
    return jsonify(build())
