"""The one family of errors services raise; the API and the views map them to HTTP."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status_code = 400

    def __init__(
        self,
        message: Any,
        *,
        field: str | None = None,
        loc: str | tuple[str | int, ...] = "body",
        extra: dict | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        # Where the field lives: "body", "query", "path" or "form", as ninja's own errors say;
        # a tuple for a field deep inside the body, e.g. ("body", "parts", 0).
        self.loc = loc
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = 404


class Forbidden(ApplicationError):
    status_code = 403


class Conflict(ApplicationError):
    status_code = 409


class Invalid(ApplicationError):
    """Bad input: names the field (and where it lives) so clients can point at it."""

    status_code = 422


class TooLarge(ApplicationError):
    status_code = 413


class UnsupportedMediaType(ApplicationError):
    status_code = 415


def error_body(exc: ApplicationError) -> dict:
    if isinstance(exc, Invalid):
        loc = [exc.loc] if isinstance(exc.loc, str) else list(exc.loc)
        if exc.field:
            loc.append(exc.field)
        return {"detail": [{"loc": loc, "msg": str(exc.message), "type": "value_error"}]}
    return {"detail": str(exc.message), **exc.extra}
