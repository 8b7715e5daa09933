"""The shapes every registry console page shares: a filtered list, a form page, an edit page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from aftersales.core import html_errors
from aftersales.core.list_pages import ListPage, get_or_404, list_page, pk_of

SAVED = html_errors.SAVED

# The permission gate always goes outermost on every view: a customer contact gets 404, never 405.
__all__ = ["ListPage", "edit_page", "form_page", "get_or_404", "list_page", "pk_of"]


def customer_url(obj: Any) -> str:
    """The detail page of the customer `obj` belongs to."""
    return reverse("registry:customer_detail", args=[obj.customer_id])


def form_errors(form: Any) -> str:
    """Every error of a form in one line, for a flash message."""
    return " ".join(m for e in form.errors.values() for m in e)


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict], Any],
    success: Callable[[Any], str],
    **context: Any,
) -> HttpResponse:
    """Show a registry form; on a valid POST call the service and map its refusal onto the form."""
    return html_errors.form_page(request, form, save, success, "registry/form.html", **context)


def edit_page(
    request: HttpRequest,
    *,
    obj: Any,
    kind: str,
    form_class: Any,
    save: Callable[[dict], Any],
    back: str,
    title: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """Edit one row of `kind`: the form starts from the row, saving or cancelling goes `back`;
    the page also offers the row's deactivate/reactivate button (registry/_activation.html)."""
    form = form_class(request.POST or None, initial=form_class.initial_for(obj), **form_kwargs)
    return form_page(
        request, form, save, lambda _saved: back, title=title, cancel=back, obj=obj, kind=kind
    )
