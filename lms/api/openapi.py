"""The OpenAPI 3.1 document, built from the routes themselves.

Each API view is decorated with ``@doc(...)``; request bodies come from the same WTForms
classes that validate them (``spec_forms``), responses from the same ``Shape`` that dumps
them, and the conventions (``conventions``: ETag, If-Match, Idempotency-Key, cursor pages,
problem details) are added to every operation here, so the document cannot drift.
"""

import re

from flask import current_app, jsonify
from werkzeug.routing import IntegerConverter

from lms.api import bp, examples
from lms.api.conventions import CURSOR
from lms.api.spec_forms import ID, schema_from_form
from lms.errors import MESSAGES, PROBLEM_BASE
from lms.web import MAX_ID

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; ``fields`` names each field at fault.",
    "required": ["type", "title", "status", "detail", "code", "fields"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "description": "Imports: the file's first errors by row.",
                   "items": {"type": "object", "properties": {
                       "row": {"type": ["integer", "null"]},
                       "column": {"type": ["string", "null"]},
                       "message": {"type": "string"}}}},
        "error_count": {"type": "integer", "description": "Imports: errors in all."},
    },
    "examples": [{
        "type": "/api/problems/invalid", "title": "Los datos enviados no son válidos.",
        "status": 422, "detail": "Este campo es obligatorio.", "code": "invalid",
        "fields": {"name": ["Este campo es obligatorio."]},
    }],
}
_ERRORS = {
    400: "Solicitud mal formada", 401: "Token ausente, inválido o revocado",
    403: "El rol del token no permite esta operación", 404: "No existe",
    409: "Conflicto: el registro ya existe o cambió (también dos usos simultáneos de una "
         "Idempotency-Key)",
    410: "Ya no está disponible", 412: "If-Match no coincide con la versión actual",
    422: "Datos no válidos o una regla del servicio los rechaza (mensaje en ``detail``, "
         "campos en ``fields``)",
    429: "Demasiadas solicitudes", 503: "Ocupado; reintente tras Retry-After",
}
_HEADERS = {
    "If-None-Match": "ETag de una lectura anterior: si no cambió, la respuesta es 304.",
    "If-Match": "ETag de la versión leída: si cambió, la respuesta es 412 y nada cambia.",
    "Idempotency-Key": "Clave única por operación: repetir la misma solicitud devuelve la "
                       "primera respuesta; otra solicitud con la misma clave es 422.",
}
LIST = ({"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                     "default": 50}, "description": "Elementos por página."},
        {"name": "cursor", "schema": {"type": "string", "pattern": f"^{CURSOR.pattern}$"},
         "description": "Cursor del enlace ``next`` de la página anterior."})


def query(name: str, schema: dict | None = None, description: str = "") -> dict:
    """A documented query parameter (default: an id, 1 to MAX_ID)."""
    return {"name": name, "schema": schema or dict(ID), "description": description}


def doc(summary: str, *, body=None, response: dict | None = None, status: int = 200,
        tags: tuple[str, ...] = (), params: tuple[dict, ...] = (), errors=(),
        media: str = "application/json", body_media: str = "application/json",
        example=None, also: dict | None = None, body_example=None):
    """Describe an API view: ``body`` (form class or schema) sent as ``body_media``,
    ``params`` (query), ``errors`` (statuses its rules may answer, beyond the conventions'),
    ``media`` of the response, an ``example`` of it, and ``also`` {status: (description,
    schema)}: other successful answers (a 202 with the job that will do the work).

    ``errors`` may map a status to the service's Spanish message (or ``(message, field)``,
    or a list of them): the spec then documents that business rule with an example.
    ``body_example`` illustrates the request body.
    """

    def decorator(view):
        view._openapi = {"summary": summary, "body": body, "response": response,
                         "status": status, "tags": list(tags), "params": list(params),
                         "errors": errors if isinstance(errors, dict) else dict.fromkeys(errors),
                         "media": media, "body_media": body_media, "example": example,
                         "also": also or {}, "body_example": body_example}
        return view

    return decorator


def _rule_problem(code: int, rules) -> dict:
    """The response of a status some business rules answer: their messages, one example."""
    listed = rules if isinstance(rules, list) else [rules]
    listed = [(r, None) if isinstance(r, str) else tuple(r) for r in listed]
    out = _problem(f"{_ERRORS[code]}. " + " / ".join(message for message, _ in listed))
    message, field = listed[0]
    kind = {409: "conflict", 422: "invalid", 412: "precondition_failed"}.get(code, "error")
    out["content"]["application/problem+json"]["example"] = {
        "type": f"{PROBLEM_BASE}{kind}", "title": str(MESSAGES.get(code, "Error.")),
        "status": code, "detail": message, "code": kind,
        "fields": {field: [message]} if field else {}}
    return out


def _nullable(schema):
    """OpenAPI 3.0's ``nullable: true`` becomes 3.1's ``type: [T, "null"]``, at any depth."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _problem(description: str) -> dict:
    return {"description": description, "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _success(spec: dict, method: str, paged: bool) -> dict:
    out: dict = {"description": "OK"}
    if spec["status"] == 204:
        return {"description": "Hecho, sin contenido"}
    if spec["media"] == "application/json":
        out["content"] = {"application/json": {"schema": _nullable(spec["response"] or {})}}
    else:
        medias = spec["media"] if isinstance(spec["media"], tuple) else (spec["media"],)
        out["content"] = {m: {"schema": {"type": "string", "contentMediaType": m}}
                          for m in medias}
    if spec.get("example") is not None:
        out["content"][next(iter(out["content"]))]["example"] = spec["example"]
    headers = {}
    if method == "GET":
        headers["ETag"] = {"schema": {"type": "string"}, "description": "Versión del recurso."}
    if paged:
        headers["Link"] = {"schema": {"type": "string"}, "description": 'rel="next"'}
    if headers:
        out["headers"] = headers
    return out


def _operation(rule, method: str, spec: dict) -> dict:
    public = rule.endpoint in ("api.openapi",)
    response = spec["response"] or {}
    paged = method == "GET" and "next" in response.get("properties", {})
    responses = {str(spec["status"]): _success(spec, method, paged)}
    for code, (description, schema) in spec.get("also", {}).items():
        responses[str(code)] = {"description": description, "headers": {"Location": {
            "schema": {"type": "string"}, "description": "Dónde seguir el trabajo."}},
            "content": {"application/json": {"schema": _nullable(schema)}}}
    codes = set(spec["errors"]) | ({400, 401, 403, 429, 503} if not public else set())
    params = []
    for arg in sorted(rule.arguments, key=rule.rule.index):  # a set: keep the URL's order
        converter = rule._converters[arg]
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID} \
            if isinstance(converter, IntegerConverter) else {"type": "string"}
        params.append({"name": arg, "in": "path", "required": True, "schema": schema})
        codes.add(404)
    for param in [*spec["params"], *(LIST if paged else ())]:
        params.append({"in": "query", "required": False, **param})
        codes.add(422)
    if method == "GET":
        responses["304"] = {"description": "No cambió desde el ETag de If-None-Match"}
        params.append(_header("If-None-Match"))
    if method in ("PUT", "PATCH", "DELETE"):
        params.append(_header("If-Match"))
        codes.add(412)
    if method != "GET" and not public:
        codes |= {409, 422}  # a rule of the service may refuse any write
    if method == "POST":
        params.append(_header("Idempotency-Key", {"type": "string", "minLength": 1,
                                                  "maxLength": 255}))
    body = spec["body"]
    if body is not None and method in ("POST", "PUT", "PATCH"):
        schema = body if isinstance(body, dict) else schema_from_form(body, method == "PATCH")
        media = spec.get("body_media", "application/json")
        op_body = {"required": True, "content": {media: {"schema": schema}}}
        if spec.get("body_example") is not None:
            op_body["content"][media]["example"] = spec["body_example"]
        codes |= {400, 422}
    for code in sorted(codes):
        rules = spec["errors"].get(code)
        responses[str(code)] = _rule_problem(code, rules) if rules else _problem(_ERRORS[code])
    responses["default"] = _problem("Error")
    op = {"summary": spec["summary"], "tags": spec["tags"],
          "operationId": f"{rule.endpoint.split('.')[-1]}_{method.lower()}",
          "responses": responses}
    if params:
        op["parameters"] = params
    if body is not None and method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = _nullable(op_body)
    if public:
        op["security"] = []
    return op


def _header(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "header", "required": False,
            "schema": schema or {"type": "string"}, "description": _HEADERS[name]}


def build() -> dict:
    """Assemble the document from the registered API routes."""
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        spec = getattr(current_app.view_functions[rule.endpoint], "_openapi", None)
        if spec is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, spec)
    return examples.fill({
        "openapi": "3.1.0",
        "info": {"title": "Formación TIC API", "version": "1.0.0",
                 "description": "API del servicio de formación en TIC (Oficina TIC). Errores "
                                "RFC 9457; lecturas con ETag; escrituras con If-Match; POST "
                                "con Idempotency-Key; listas con cursor (limit, cursor, next)."},
        "servers": [{"url": current_app.config["BASE_URL"]}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Token de API de un usuario."}},
            "schemas": {"Problem": PROBLEM},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    })


@bp.route("/openapi.json")
@doc("Este documento OpenAPI (público)", response={"type": "object"}, tags=("meta",))
def openapi():
    """Serve the OpenAPI 3.1 document (public, so LMS administrators can read it)."""
    return jsonify(build())
