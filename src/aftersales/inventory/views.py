"""The warehouse keeper's console pages: parts, a part's stock, a warehouse, receipts, counts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.list_pages import ListFilter, ListPage, get_or_404
from aftersales.inventory import access, forms, selectors, services
from aftersales.inventory.models import Part

UNKNOWN_PART = _("Unknown part number.")
RECEIVED = _("Received.")
DONE = _("Done.")
RECENT_MOVES = 30

_parts = ListPage(
    template="inventory/part_list.html", filter_form=ListFilter, selector=selectors.part_search
)


@permission_required(access.VIEW)
def part_list(request: HttpRequest) -> HttpResponse:
    return _parts.render(request)


@permission_required(access.VIEW)
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_or_404(selectors.part_get_for_user, request, pk)
    levels = selectors.stock_levels(user=request.user, part=part)
    moves = selectors.stock_moves(user=request.user, part=part)[:RECENT_MOVES]
    return render(
        request, "inventory/part_detail.html", {"part": part, "levels": levels, "moves": moves}
    )


@permission_required(access.VIEW)
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = get_or_404(selectors.warehouse_get_for_user, request, pk)
    context = {
        "warehouse": warehouse,
        "levels": selectors.stock_levels(user=request.user, warehouse=warehouse.code),
        "moves": selectors.stock_moves(user=request.user, warehouse_obj=warehouse)[:RECENT_MOVES],
        "stocktakes": selectors.stocktakes_of(user=request.user, warehouse=warehouse)[:10],
        "can_take_stock": access.can_take_stock(request.user),
    }
    return render(request, "inventory/warehouse_detail.html", context)


@permission_required(access.MOVE)
def receive(request: HttpRequest) -> HttpResponse:
    form = forms.ReceiveForm(request.POST or None, initial=request.GET.dict())

    def save(data: dict) -> Part:
        part = selectors.part_by_number(data["part_number"])
        if part is None:
            raise Invalid(UNKNOWN_PART, field="part_number")
        services.stock_receive(
            by=request.user,
            part=part,
            warehouse=data["warehouse"],
            quantity=data["quantity"],
            serials=data["serials"],
            reason=data["reason"],
        )
        return part

    return form_page(
        request,
        form,
        save,
        lambda part: reverse("inventory:part_detail", args=[part.pk]),
        "inventory/receive.html",
        done=RECEIVED,
    )


@require_POST
@permission_required(access.TAKE_STOCK)
def stocktake_open(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = get_or_404(selectors.warehouse_get_for_user, request, pk)
    try:
        stocktake = services.stocktake_open(by=request.user, warehouse=warehouse)
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("inventory:warehouse_detail", pk=warehouse.pk)
    return redirect("inventory:stocktake", pk=stocktake.pk)


@permission_required(access.VIEW)
def stocktake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stocktake = get_or_404(selectors.stocktake_get_for_user, request, pk)
    if request.method == "POST":
        if not access.can_take_stock(request.user):
            raise Http404
        try:
            _stocktake_post(request, stocktake)
        except ApplicationError as exc:
            flash_error(request, exc)
        return redirect("inventory:stocktake", pk=stocktake.pk)
    lines = stocktake.lines.select_related("part").order_by("part__part_number")
    context = {
        "stocktake": stocktake,
        "lines": lines,
        "can_take_stock": access.can_take_stock(request.user),
    }
    return render(request, "inventory/stocktake.html", context)


def _stocktake_post(request: HttpRequest, stocktake) -> None:
    if "close" in request.POST:
        form = forms.CloseForm(request.POST)
        if form.is_valid():
            services.stocktake_close(
                by=request.user, stocktake=stocktake, reason=form.cleaned_data["reason"]
            )
            messages.success(request, DONE)
        return
    form = forms.CountForm(request.POST)
    if not form.is_valid():
        raise Invalid(next(iter(form.errors.values()))[0], field="counted")
    part = Part.objects.filter(pk=form.cleaned_data["part"]).first()
    if part is None:
        raise Invalid(UNKNOWN_PART, field="part")
    services.stocktake_count(
        by=request.user, stocktake=stocktake, part=part, counted=form.cleaned_data["counted"]
    )


urlpatterns = [
    path("", part_list, name="part_list"),
    path("parts/<int:pk>/", part_detail, name="part_detail"),
    path("warehouses/<int:pk>/", warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/stocktake/", stocktake_open, name="stocktake_open"),
    path("receive/", receive, name="receive"),
    path("stocktakes/<int:pk>/", stocktake_detail, name="stocktake"),
]
