"""The one family of errors services raise; the API and the views map them to HTTP."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: Any, *, field: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = 404


class Forbidden(ApplicationError):
    status_code = 403


class Conflict(ApplicationError):
    status_code = 409


class Invalid(ApplicationError):
    """Bad input: names the field so clients can point at it."""

    status_code = 422


def error_body(exc: ApplicationError) -> dict:
    if isinstance(exc, Invalid):
        loc = ["body", exc.field] if exc.field else ["body"]
        return {"detail": [{"loc": loc, "msg": str(exc.message), "type": "value_error"}]}
    return {"detail": str(exc.message), **exc.extra}
