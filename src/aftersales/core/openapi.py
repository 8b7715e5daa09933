"""The NinjaAPI our one API is made of: every operation documents the errors it can answer."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_REF = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR_REF = {"$ref": "#/components/schemas/ValidationError"}

# {"detail": "..."} for 401/403/404/409/413/415; 422 lists the fields at fault.
ERROR_SCHEMAS = {
    "Error": {
        "title": "Error",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "title": "ValidationError",
        "type": "object",
        "properties": {
            "detail": {
                "title": "Detail",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "loc": {
                            "type": "array",
                            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            "description": 'Where: "body", "query", "path" or "form", then '
                            "the field.",
                        },
                        "msg": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["loc", "msg"],
                },
            }
        },
        "required": ["detail"],
    },
}

_DESCRIPTIONS = {
    401: ("Authentication required: no valid bearer token or session.", ERROR_REF),
    403: ("Not allowed for this user's role.", ERROR_REF),
    404: ("Not found, or not visible to this user.", ERROR_REF),
    409: ("Not allowed in the record's current state, or changed meanwhile.", ERROR_REF),
    422: ("Invalid input: each entry names the field.", VALIDATION_ERROR_REF),
}


def error_codes(operation: dict[str, Any], method: str) -> list[int]:
    """The error statuses an operation can answer, from what it takes and how it is guarded."""
    parameters = operation.get("parameters") or []
    codes = []
    if operation.get("security"):
        codes += [401, 403]
    if any(p.get("in") == "path" for p in parameters):
        codes.append(404)
    if method == "post":
        codes.append(409)
    if parameters or "requestBody" in operation:
        codes.append(422)
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses (and their schemas) each operation lacks; keep what it declares."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code in error_codes(operation, method):
                if code in responses or str(code) in responses:
                    continue
                description, ref = _DESCRIPTIONS[code]
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
    return schema


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema lists 401/403/404/409/422 where each can occur."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema
