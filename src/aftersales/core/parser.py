"""The API's one way to read a request: JSON only, nesting bounded, no NUL characters anywhere.

Python's json recurses once per `[`: 2,000 of them raise RecursionError, and PostgreSQL refuses
a NUL in any text. Both are bad input, answered 4xx naming where it was, before any handler.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.parser import Parser

from aftersales.core.errors import ApplicationError, Invalid, UnsupportedMediaType

# Our deepest real body is a repair with its parts (3 levels): 32 leaves room and stops abuse.
MAX_JSON_DEPTH = 32

BODY_NOT_JSON = _("The request body is not valid JSON.")
BODY_TOO_DEEP = _("The request body is nested too deeply.")
BODY_INVALID = _("Invalid request body.")
JSON_ONLY = _("Send the request body as application/json.")
NUL_REFUSED = _("Text may not contain NUL characters.")


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def refuse_nul_and_depth(
    data: Any, *, root: tuple[str | int, ...] = ("body",), nul: bool = True
) -> None:
    """Raise Invalid at the first value nested too deep, or (with `nul`) the first string
    holding NUL.

    Walks with a stack of its own: the body may be as deep as json.loads allowed (~1,000).
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise Invalid(BODY_TOO_DEEP, loc=root)
        if not nul:
            if isinstance(value, dict):
                stack.extend((item, (*path, key)) for key, item in value.items())
            elif isinstance(value, list):
                stack.extend((item, (*path, i)) for i, item in enumerate(value))
            continue
        if isinstance(value, str):
            if "\x00" in value:
                raise _invalid_at(NUL_REFUSED, root + path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise _invalid_at(NUL_REFUSED, root + path)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))


def _invalid_at(message: Any, loc: tuple[str | int, ...]) -> Invalid:
    *where, last = loc
    if not where or isinstance(last, int):
        return Invalid(message, loc=loc)
    return Invalid(message, field=str(last), loc=tuple(where))


def json_body(request: HttpRequest) -> Any:
    """The request's JSON body ({} when empty), refused unless JSON, shallow and NUL-free."""
    raw = request.body.strip()
    if not raw:
        return {}
    # ninja hands multipart parts over in a bare HttpRequest without a content type (None).
    content_type = request.content_type
    if content_type and not is_json(content_type):
        raise UnsupportedMediaType(JSON_ONLY)
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise Invalid(BODY_TOO_DEEP) from exc
    except ValueError as exc:
        raise ApplicationError(BODY_NOT_JSON) from exc
    # NUL is refused in what the operation reads, once validated (refuse_nul_in_values): a
    # key no operation reads is ignored like any unknown key, whatever it holds.
    refuse_nul_and_depth(data, nul=False)
    return data


def refuse_nul_in_values(values: dict[str, Any]) -> None:
    """Raise Invalid at the first NUL in an operation's validated input (models' fields only)."""
    for name, value in values.items():
        if isinstance(value, pydantic.BaseModel):
            refuse_nul_and_depth(value.model_dump(), root=("body",))
        elif isinstance(value, str | list | dict):
            refuse_nul_and_depth(value, root=("body", name))


def refuse_nul_in(data: MultiValueDict, *, loc: str) -> None:
    """Raise Invalid naming the first key whose text (or name) holds NUL."""
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            raise Invalid(NUL_REFUSED, field=key.replace("\x00", ""), loc=loc)


class ApiParser(Parser):
    """ninja's parser with our rules; its errors reach the client through api.http_error."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json_body(request)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        if data is request.GET:
            refuse_nul_in(data, loc="query")
        elif data is request.POST:
            refuse_nul_in(data, loc="form")
        return super().parse_querydict(data, list_fields, request)


def optional_body(request: HttpRequest, schema: type[Schema]) -> Schema:
    """Parse a JSON body that may be left out altogether (take-over, confirm, sign-off)."""
    data = json_body(request)
    try:
        payload = schema.model_validate(data if isinstance(data, dict) else {})
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        field = str(errors[0]["loc"][-1]) if errors and errors[0]["loc"] else None
        raise Invalid(BODY_INVALID, field=field) from exc
    refuse_nul_in_values({"body": payload})
    return payload
