"""The customer's spare-part quotes on the portal: the list, one quote, accept or decline."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.inventory import sales, sales_access
from aftersales.inventory import sales_selectors as selectors
from aftersales.inventory.models import PartSale, PartSaleStatus

PER_PAGE = 20
ACCEPTED = _("Thank you: the quote is accepted and the parts are reserved for you.")
DECLINED = _("The quote was declined.")
LABELS = dict(PartSaleStatus.choices)


class PartSaleFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))]
        + [c for c in PartSaleStatus.choices if c[0] in sales_access.CUSTOMER_VISIBLE],
    )
    q = None  # a customer has few quotes: the status is the filter
    inactive = None


def _sale(request: HttpRequest, number: str) -> PartSale:
    try:
        return selectors.sale_get_for_customer(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


def _label(sales_: list[PartSale]) -> None:
    for sale in sales_:
        sale.shown_label = LABELS[sales_access.shown_status(sale)]


@contact_required
def part_sale_list(request: HttpRequest) -> HttpResponse:
    filters = PartSaleFilter(request.GET)
    qs = selectors.sale_list(user=request.user, status=filters.value("status") or "")
    return list_page(
        request,
        "portal/part_sale_list.html",
        qs,
        filters,
        decorate=_label,
        per_page=PER_PAGE,
    )


def _page(request: HttpRequest, sale: PartSale, status: int = 200) -> HttpResponse:
    contact = getattr(request.user, "contact", None)
    context = {
        "sale": sale,
        "shown_label": LABELS[sales_access.shown_status(sale)],
        "lines": sale.lines.all(),
        "actions": sales_access.available_actions(request.user, sale),
        "name": getattr(contact, "name", ""),
        "events": selectors.activities_for_user(user=request.user, sale=sale),
    }
    return render(request, "portal/part_sale_detail.html", context, status=status)


@contact_required
def part_sale_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, _sale(request, number))


@contact_required
@require_POST
def part_sale_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    sale = _sale(request, number)
    try:
        if action == "accept":
            sales.part_sale_accept(sale=sale, by=request.user, name=request.POST.get("name", ""))
            done = ACCEPTED
        elif action == "decline":
            sales.part_sale_decline(
                sale=sale, by=request.user, reason=request.POST.get("reason", "")
            )
            done = DECLINED
        else:
            raise Http404
    except ApplicationError as exc:
        flash_error(request, exc)
        return _page(request, _sale(request, number), status=exc.status_code)
    messages.success(request, done)
    return redirect("portal:part_sale_detail", number=sale.number)


urlpatterns = [
    path("part-sales/", part_sale_list, name="part_sale_list"),
    path("part-sales/<str:number>/", part_sale_detail, name="part_sale_detail"),
    path("part-sales/<str:number>/<str:action>/", part_sale_action, name="part_sale_action"),
]
