"""The shapes every registry console page shares: a filtered list, a form page, an edit page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.core.pagination import console_page
from aftersales.registry import forms

PER_PAGE = 50
SAVED = _("Saved.")

# The permission gate always goes outermost on every view: a customer contact gets 404, never 405.


def get_or_404(getter: Callable[..., Any], request: HttpRequest, pk: int) -> Any:
    """Fetch one row through its scoped selector; what the user may not see is a 404."""
    try:
        return getter(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def pk_of(value: Any) -> int | None:
    """The pk of a model-choice filter value (or the value itself), None when unset."""
    return getattr(value, "pk", value) or None


def customer_url(obj: Any) -> str:
    """The detail page of the customer `obj` belongs to."""
    return reverse("registry:customer_detail", args=[obj.customer_id])


def form_errors(form: Any) -> str:
    """Every error of a form in one line, for a flash message."""
    return " ".join(m for e in form.errors.values() for m in e)


@dataclass(frozen=True)
class ListPage:
    """A console list: its filter form, the scoped selector it feeds (`q` and `inactive` always
    reach it), and the template; the other filters are named by how the selector wants them."""

    template: str
    filter_form: type[forms.ListFilter]
    selector: Callable[..., QuerySet]
    text: tuple[str, ...] = ()  # "" when unset
    ids: tuple[str, ...] = ()  # a model choice, passed as its pk
    # As cleaned: None means no filter, while 0 (an unknown customer code) must match nothing.
    raw: tuple[str, ...] = ()
    decorate: Callable[[Any], None] | None = None
    extra: Callable[[HttpRequest, forms.ListFilter], dict[str, Any]] | None = None

    def queryset(self, request: HttpRequest, filters: forms.ListFilter) -> QuerySet:
        params: dict[str, Any] = {
            "q": filters.value("q") or "",
            "inactive": bool(filters.value("inactive")),
        }
        params.update({name: filters.value(name) or "" for name in self.text})
        params.update({name: pk_of(filters.value(name)) for name in self.ids})
        params.update({name: filters.value(name) for name in self.raw})
        return self.selector(user=request.user, **params)

    def render(self, request: HttpRequest) -> HttpResponse:
        filters = self.filter_form(request.GET)
        queryset = self.queryset(request, filters)
        context = self.extra(request, filters) if self.extra else {}
        return list_page(request, self.template, queryset, filters, self.decorate, **context)


def list_page(
    request: HttpRequest,
    template: str,
    queryset: QuerySet,
    filters: forms.ListFilter,
    decorate: Callable[[Any], None] | None = None,
    **context: Any,
) -> HttpResponse:
    """One list page: paginated rows; an HTMX request gets only the `rows` partial."""
    page = console_page(request, queryset, per_page=PER_PAGE)
    for row in page.object_list if decorate else ():
        decorate(row)
    context.update(page=page, filters=filters, inactive=bool(filters.value("inactive")))
    # A history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#rows"
    return render(request, template, context)


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict], Any],
    success: Callable[[Any], str],
    **context: Any,
) -> HttpResponse:
    """Show a form; on a valid POST call the service and map its Invalid onto the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except Invalid as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc
        else:
            messages.success(request, SAVED)
            return redirect(success(obj))
    status = 422 if request.method == "POST" else 200
    context.update(form=form)
    return render(request, "registry/form.html", context, status=status)


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
