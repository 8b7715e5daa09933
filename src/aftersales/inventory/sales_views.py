"""Console pages for part sales (备件销售): the list, a new sale, and one sale with its steps."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.pagination import console_page
from aftersales.inventory import sales, sales_access
from aftersales.inventory import sales_selectors as selectors
from aftersales.inventory.models import PartSaleStatus

PER_PAGE = 50
DONE = _("Done.")
LABELS = dict(PartSaleStatus.choices)
BAD_LINE = _("Write one line per part: the part number, a space, then the quantity.")


class PartSaleForm(forms.Form):
    customer = forms.CharField(label=_("Customer code"), max_length=40)
    warehouse = forms.CharField(label=_("Warehouse code"), max_length=40)
    asset = forms.CharField(label=_("Asset serial number"), max_length=80, required=False)
    lines = forms.CharField(
        label=_("Parts"),
        max_length=5000,
        help_text=_("One line per part: part number and quantity, e.g. 02312QKN 2"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_lines(self) -> list[dict]:
        rows = []
        for raw in self.cleaned_data["lines"].splitlines():
            if not raw.strip():
                continue
            bits = raw.split()
            if len(bits) != 2 or not bits[1].isdigit():
                raise forms.ValidationError(BAD_LINE)
            rows.append({"part_number": bits[0], "quantity": int(bits[1])})
        return rows


@permission_required(sales_access.VIEW)
def sale_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PartSaleStatus.values:
        status = ""
    customer = request.GET.get("customer", "").strip()[:40]
    qs = selectors.sale_list(user=request.user, status=status, customer=customer)
    page = console_page(request, qs, per_page=PER_PAGE)
    context = {
        "page": page,
        "items": [(s, LABELS[sales_access.shown_status(s)]) for s in page.object_list],
        "status": status,
        "customer": customer,
        "statuses": PartSaleStatus.choices,
        "can_sell": sales_access.can_create(request.user, None),
    }
    return render(request, "inventory/sale_list.html", context)


@permission_required(sales_access.SELL)
def sale_new(request: HttpRequest) -> HttpResponse:
    form = PartSaleForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: sales.part_sale_create(by=request.user, **data),
        lambda sale: reverse("inventory:sale_detail", args=[sale.number]),
        "inventory/sale_new.html",
        rename={"quantity": "lines", "part_number": "lines"},
    )


def _sale(request: HttpRequest, number: str):
    try:
        return selectors.sale_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(sales_access.VIEW)
def sale_detail(request: HttpRequest, number: str) -> HttpResponse:
    sale = _sale(request, number)
    shown = sales_access.shown_status(sale)
    context = {
        "sale": sale,
        "shown": shown,
        "shown_label": LABELS[shown],
        "lines": sale.lines.all(),
        "events": selectors.activities_for_user(user=request.user, sale=sale),
        # The customer's own steps (accept, decline) are the portal's.
        "actions": [
            a
            for a in sales_access.available_actions(request.user, sale)
            if a in ("quote", "issue", "cancel")
        ],
    }
    return render(request, "inventory/sale_detail.html", context)


def _at(request: HttpRequest) -> dt.datetime | None:
    value = request.POST.get("at", "").strip()
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(value)) if value else None
    except ValueError:
        return None


def _serials(request: HttpRequest) -> list[dict]:
    """`part_number serial` per line of the serials box."""
    rows = []
    for raw in request.POST.get("serials", "")[:20_000].splitlines():
        bits = raw.split()
        if len(bits) == 2:
            rows.append({"part_number": bits[0], "serial": bits[1]})
    return rows


STEPS = {
    "quote": lambda s, r: sales.part_sale_quote(sale=s, by=r.user),
    "issue": lambda s, r: sales.part_sale_issue(
        sale=s,
        by=r.user,
        carrier=r.POST.get("carrier", ""),
        tracking=r.POST.get("tracking", ""),
        serials=_serials(r),
        at=_at(r),
    ),
    "cancel": lambda s, r: sales.part_sale_cancel(
        sale=s, by=r.user, reason=r.POST.get("reason", "")
    ),
}


@permission_required(sales_access.SELL)
@require_POST
def sale_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    sale = _sale(request, number)
    if action not in STEPS:
        raise Http404
    try:
        STEPS[action](sale, request)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("inventory:sale_detail", number=sale.number)


urlpatterns = [
    path("part-sales/", sale_list, name="sale_list"),
    path("part-sales/new/", sale_new, name="sale_new"),
    path("part-sales/<str:number>/", sale_detail, name="sale_detail"),
    path("part-sales/<str:number>/<str:action>/", sale_step, name="sale_step"),
]
