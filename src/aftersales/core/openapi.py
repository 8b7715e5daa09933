"""The NinjaAPI our one API is made of: every operation documents the errors it can answer."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from aftersales.core.parser import refuse_nul_in_values

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
    400: ("The body is not valid JSON, or the request is malformed.", ERROR_REF),
    401: ("Authentication required: no valid bearer token or session.", ERROR_REF),
    403: ("Not allowed for this user's role.", ERROR_REF),
    404: ("Not found, or not visible to this user.", ERROR_REF),
    409: ("Not allowed in the record's current state, or changed meanwhile.", ERROR_REF),
    413: ("The request body is larger than the server accepts.", ERROR_REF),
    414: ("The address is longer than 4,096 characters.", ERROR_REF),
    415: ("The body is not application/json.", ERROR_REF),
    422: ("Invalid input: each entry names the field.", VALIDATION_ERROR_REF),
    429: ("Too many failed attempts: try again in a few minutes.", ERROR_REF),
}

# Every text an API input takes is refused with NUL in it (core.parser, core.middleware):
# published on each input string, so the schema says what the API accepts.
NUL_FREE_PATTERN = "^[^\\x00]*$"
# The access rule each view declares (accounts.endpoint_access, read by name: core sits on
# the floor below accounts). Under any kind but these, a customer contact (or, for
# contact-only operations, staff) hears 404, as if the operation did not exist.
_ACCESS_ATTR = "access_rule"
_OPEN_TO_ALL_KINDS = {"public", "signed_in", "scoped"}


def documented(*codes: int) -> dict[str, Any]:
    """`openapi_extra` for an operation that answers `codes` beyond what its shape implies."""
    return {"responses": {code: _response(code) for code in codes}}


def _response(code: int) -> dict[str, Any]:
    description, ref = _DESCRIPTIONS[code]
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def error_codes(
    operation: dict[str, Any], method: str, view_func: Callable[..., Any] | None = None
) -> list[int]:
    """The error statuses an operation can answer, from what it takes and how it is guarded."""
    parameters = operation.get("parameters") or []
    rule = getattr(view_func, _ACCESS_ATTR, None)
    body = operation.get("requestBody")
    codes = []
    if body:
        codes.append(400)
    if operation.get("security"):
        codes += [401, 403]
    if any(p.get("in") == "path" for p in parameters) or (
        rule is not None and str(rule.kind) not in _OPEN_TO_ALL_KINDS
    ):
        codes.append(404)
    if method == "post":
        codes.append(409)
    if body:
        codes.append(413)
    codes.append(414)
    if body and "application/json" in (body.get("content") or {}):
        codes.append(415)
    if parameters or body:
        codes.append(422)
    return codes


def _strings(node: Any) -> Iterator[dict[str, Any]]:
    """Every string schema inside `node` (through properties, items, anyOf, $defs...)."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield node
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _input_components(schema: dict[str, Any]) -> set[str]:
    """Names of the components a request body uses, directly or through other components."""
    components = schema.get("components", {}).get("schemas", {})
    found: set[str] = set()
    todo = [
        op.get("requestBody") for item in schema.get("paths", {}).values() for op in item.values()
    ]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    todo.append(components.get(name))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def publish_nul_refusal(schema: dict[str, Any]) -> None:
    """Give every free-text input string (body, query, path) the NUL-free pattern."""
    components = schema.get("components", {}).get("schemas", {})
    inputs: list[Any] = [components.get(name) for name in _input_components(schema)]
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            inputs.append(operation.get("requestBody"))
            inputs.extend(p.get("schema") for p in operation.get("parameters") or [])
    for string in _strings(inputs):
        if not {"enum", "const", "pattern", "format"} & string.keys():
            string["pattern"] = NUL_FREE_PATTERN


def document_errors(
    schema: dict[str, Any], view_funcs: dict[str, Callable[..., Any]] | None = None
) -> dict[str, Any]:
    """Add the error responses (and their schemas) each operation lacks; keep what it declares.

    `view_funcs` maps operationId to the view, whose declared access rule tells whether a
    customer contact hears 404.
    """
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            view_func = (view_funcs or {}).get(operation.get("operationId", ""))
            responses = operation.setdefault("responses", {})
            for code in error_codes(operation, method, view_func):
                if code in responses or str(code) in responses:
                    continue
                responses[code] = _response(code)
    return schema


def refuse_nul_in_input(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse NUL in what an operation reads, once validated: a key the operation does not
    read is ignored like any other unknown key (the schema allows them), whatever it holds."""

    @functools.wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        refuse_nul_in_values(kwargs)
        return view_func(request, *args, **kwargs)

    return checked


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema lists the errors each operation can answer and the NUL
    refusal of every input text, and whose operations refuse NUL in what they read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_decorator(refuse_nul_in_input, mode="operation")

    def operations(self) -> Iterator[Operation]:
        """Every operation of every router, as declared (view_func unwrapped)."""
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                yield from path_view.operations

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        view_funcs = {
            operation.operation_id or self.get_openapi_operation_id(operation): operation.view_func
            for operation in self.operations()
        }
        document_errors(schema, view_funcs)
        publish_nul_refusal(schema)
        return schema


def optional_body_doc(schema: type, *codes: int) -> dict[str, Any]:
    """`openapi_extra` for an operation whose JSON body core.parser's optional_body reads: the
    body's schema, required only when a field is, and `codes` as documented()."""
    shape = schema.model_json_schema()
    content = {"application/json": {"schema": shape}}
    required = bool(shape.get("required"))
    return {"requestBody": {"required": required, "content": content}, **documented(*codes)}
