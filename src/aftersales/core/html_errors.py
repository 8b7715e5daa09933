"""The one mapping of service errors onto HTML answers: every console and portal view uses it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ApplicationError, Forbidden, Invalid, NotFound

SAVED = _("Saved.")


def raise_http(exc: ApplicationError) -> None:
    """Forbidden and NotFound leave as the HTTP answers Django already knows (403 and 404)."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(str(exc.message)) from exc
    if isinstance(exc, NotFound):
        raise Http404(str(exc.message)) from exc


def add_form_error(
    form: Any, exc: ApplicationError, rename: Mapping[str, str] | None = None
) -> None:
    """Put a refused write on the form: on the field it names when the form has that field
    (`rename` maps a service's field name onto the form's), else above the form.
    Forbidden and NotFound are raised as 403 and 404 instead."""
    raise_http(exc)
    field = exc.field if isinstance(exc, Invalid) else None
    if field and rename:
        field = rename.get(field, field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def flash_error(request: HttpRequest, exc: ApplicationError) -> None:
    """A refused action without a form: 403/404 raised, anything else a message on the page."""
    raise_http(exc)
    messages.error(request, str(exc.message))


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict], Any],
    success: Callable[[Any], str],
    template: str,
    *,
    done: Any = SAVED,
    rename: Mapping[str, str] | None = None,
    **context: Any,
) -> HttpResponse:
    """Show a form; on a valid POST call the service, map its refusal onto the form (422) or
    say `done` and go to `success(saved)`."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except ApplicationError as exc:
                add_form_error(form, exc, rename)
                status = exc.status_code
            else:
                messages.success(request, done)
                return redirect(success(saved))
    return render(request, template, {"form": form, **context}, status=status)
