"""The shape of every console and portal list: a filter form, a scoped selector, a paginated
page whose rows an HTMX request gets alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from aftersales.core import list_exports
from aftersales.core.errors import NotFound
from aftersales.core.form_fields import SHORT_TEXT_MAX
from aftersales.core.pagination import console_page

PER_PAGE = 50


class ListFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SHORT_TEXT_MAX)
    inactive = forms.BooleanField(label=_("Show inactive"), required=False)

    def value(self, name: str) -> Any:
        """The cleaned value, or None when absent or bad: one bad filter spoils no others."""
        self.is_valid()
        return self.cleaned_data.get(name)


def get_or_404(getter: Callable[..., Any], request: HttpRequest, pk: int, **more: Any) -> Any:
    """Fetch one row through its scoped selector; what the user may not see is a 404."""
    try:
        return getter(user=request.user, pk=pk, **more)
    except NotFound as exc:
        raise Http404 from exc


def pk_of(value: Any) -> int | None:
    """The pk of a model-choice filter value (or the value itself), None when unset."""
    return getattr(value, "pk", value) or None


@dataclass(frozen=True)
class ListPage:
    """A list: its filter form, the scoped selector it feeds (`q` and `inactive` always reach
    it), and the template; the other filters are named by how the selector wants them."""

    template: str
    filter_form: type[ListFilter]
    selector: Callable[..., QuerySet]
    text: tuple[str, ...] = ()  # "" when unset
    ids: tuple[str, ...] = ()  # a model choice, passed as its pk
    # As cleaned: None means no filter, while 0 (an unknown customer code) must match nothing.
    raw: tuple[str, ...] = ()
    decorate: Callable[[list[Any]], None] | None = None
    extra: Callable[[HttpRequest, ListFilter], dict[str, Any]] | None = None
    per_page: int = PER_PAGE

    def queryset(self, request: HttpRequest, filters: ListFilter) -> QuerySet:
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
        return list_page(
            request, self.template, queryset, filters, self.decorate, self.per_page, **context
        )


def list_page(
    request: HttpRequest,
    template: str,
    queryset: QuerySet,
    filters: forms.Form,
    decorate: Callable[[list[Any]], None] | None = None,
    per_page: int = PER_PAGE,
    **context: Any,
) -> HttpResponse:
    """One list page: paginated rows, which `decorate` gets all at once (what it adds to them
    then loads in one query a page); an HTMX request gets only the `rows` partial;
    `?export=csv|xlsx` downloads every row the filters select (core.list_exports)."""
    fmt = list_exports.wanted_format(request)
    if fmt is not None:
        return list_exports.export_response(request, queryset, fmt)
    page = console_page(request, queryset, per_page=per_page)
    if decorate is not None:
        decorate(page.object_list)
    inactive = filters.value("inactive") if isinstance(filters, ListFilter) else False
    context.update(page=page, filters=filters, inactive=bool(inactive), exportable=True)
    # A history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#rows"
    return render(request, template, context)
