"""A record's steps as API operations: `POST <path>/{number}/<step>` with a JSON body whose
fields are the service's keyword arguments, answered with the record as it now is.

No `from __future__ import annotations` here: a step whose body has required fields declares
it as the endpoint's typed parameter, which ninja reads from the evaluated annotation (so the
record is found, and the user refused, by the service only after the body is whole).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from aftersales.core.openapi import documented, optional_body_doc
from aftersales.core.parser import optional_body

Service = Callable[..., Any]


def _endpoint(
    service: Service,
    body: type[Schema],
    *,
    subject: str,
    load: Callable[[HttpRequest, str], Any],
    show: Callable[[HttpRequest, Any], dict],
) -> Callable[[HttpRequest, str], dict]:
    def run(request: HttpRequest, number: str, payload: Schema) -> dict:
        record = load(request, number)
        done = service(**{subject: record}, by=request.auth, **payload.model_dump())
        return show(request, done)

    if body.model_json_schema().get("required"):

        def endpoint(request: HttpRequest, number: str, payload: body) -> dict:  # type: ignore[valid-type]
            return run(request, number, payload)

        return endpoint

    def optional(request: HttpRequest, number: str) -> dict:
        return run(request, number, optional_body(request, body))

    return optional


def add_steps(
    router: Router,
    *,
    path: str,
    steps: dict[str, tuple[Service, type[Schema]]],
    subject: str,
    load: Callable[[HttpRequest, str], Any],
    show: Callable[[HttpRequest, Any], dict],
    guard: Callable[[Callable], Callable],
    response: type[Schema],
    prefix: str,
) -> None:
    """One POST operation per step: `steps` maps its path segment to (service, body schema);
    the service gets the loaded record as `subject`, `by` and the body's fields; `guard` is
    the operations' declared access; 409 and 422 are documented on each."""
    for name, (service, body) in steps.items():
        router.add_api_operation(
            f"{path}/{{number}}/{name}",
            ["POST"],
            guard(_endpoint(service, body, subject=subject, load=load, show=show)),
            response=response,
            operation_id=f"{prefix}_{name.replace('-', '_')}",
            openapi_extra=(
                documented(409, 422)
                if body.model_json_schema().get("required")
                else optional_body_doc(body, 409, 422)
            ),
        )
