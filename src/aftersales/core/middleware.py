"""Request hygiene before any view: NUL characters refused everywhere, and under /api/ every
answer an API client can get (unknown path, 405, 413, 414, a malformed upload) is JSON."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid, error_body
from aftersales.core.parser import NUL_REFUSED, refuse_nul_in

API_PREFIX = "/api/"
# Longer than any real filter (gunicorn itself stops at 4,094 bytes for the request line).
MAX_URL_LENGTH = 4096

BAD_REQUEST = _("Bad request.")
BODY_TOO_LARGE = _("The request body is too large.")
METHOD_NOT_ALLOWED = _("Method not allowed.")
NOT_FOUND = _("Not found.")
URL_TOO_LONG = _("The address is too long.")

_MESSAGES = {400: BAD_REQUEST, 404: NOT_FOUND, 405: METHOD_NOT_ALLOWED, 413: BODY_TOO_LARGE}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, detail: object = None) -> JsonResponse:
    """An error answer in the API's shape, {"detail": "..."}."""
    if detail is None:
        detail = _MESSAGES.get(status) or HTTPStatus(status).phrase
    return JsonResponse({"detail": str(detail)}, status=status)


def body_limit(request: HttpRequest) -> int | None:
    """The most a body may declare: form fields, plus one upload for a multipart body."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and request.content_type == "multipart/form-data":
        limit += settings.UPLOAD_MAX_BYTES
    return limit


class RequestHygieneMiddleware:
    """Refuse what no view should see; answer /api/ clients in JSON whatever went wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            replacement = json_error(response.status_code)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        api = is_api(request)
        if api and len(request.get_full_path()) > MAX_URL_LENGTH:
            return json_error(414, URL_TOO_LONG)
        if api:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return json_error(400)
            limit = body_limit(request)
            if limit is not None and declared > limit:
                return json_error(413)
        # A NUL reaches PostgreSQL as an error (500) and SQLite as stored garbage.
        try:
            refuse_nul_in(request.GET, loc="query")
            if "\x00" in request.path_info:
                raise Invalid(NUL_REFUSED, field=_path_parameter(request), loc="path")
        except Invalid as exc:
            if api:
                return JsonResponse(error_body(exc), status=422)
            return HttpResponseBadRequest(str(exc.message))
        return None

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return json_error(413)
        if isinstance(exc, MultiPartParserError | SuspiciousOperation | BadRequest):
            return json_error(400)
        return None


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _path_parameter(request: HttpRequest) -> str | None:
    """The name of the path parameter holding NUL, when the path matches a route."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return next((k for k, v in match.kwargs.items() if "\x00" in str(v)), None)
