"""Console pages of field service (deliveries): the list, a new delivery, a delivery with its
stages as steps, each stage's form (PDF) and the customer's signature pad."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.contracts.entitlement import warranty_end
from aftersales.core.errors import ApplicationError, Invalid, NotFound
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.moments import typed_moment
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import deliveries, delivery_access
from aftersales.fieldservice import delivery_selectors as selectors
from aftersales.fieldservice.delivery_forms_pdf import CHECK_LABELS, form_response
from aftersales.fieldservice.models import (
    Delivery,
    DeliveryStage,
    DeliveryStatus,
    FixKind,
)
from aftersales.registry.models import ProductModel

PER_PAGE = 50
ITEM_LINES = 6
DONE = _("Done.")
CREATED = _("Delivery recorded: it waits for its initial inspection.")
VIEW = "fieldservice.view_delivery"
LINE_ERROR = _("Line %(line)s: %(message)s")


class DeliveryFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + DeliveryStatus.choices,
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages"))] + DeliveryStage.choices
    )
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    inactive = None


@permission_required(VIEW)
def delivery_list(request: HttpRequest) -> HttpResponse:
    filters = DeliveryFilter(request.GET)
    qs = selectors.delivery_list(
        user=request.user,
        filters=selectors.DeliveryFilters(
            status=filters.value("status") or "",
            stage=filters.value("stage") or "",
            customer=filters.value("customer") or "",
            q=filters.value("q") or "",
        ),
    )
    return list_page(request, "fieldservice/delivery_list.html", qs, filters, per_page=PER_PAGE)


class DeliveryForm(forms.Form):
    contract = forms.CharField(label=_("Contract number"), max_length=40)
    delivery_note_number = forms.CharField(
        label=_("Delivery note number"), max_length=60, required=False
    )
    delivered_on = forms.DateField(
        label=_("Delivered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


def _item_lines(post: QueryDict) -> list[dict]:
    """The form's item lines as the service takes them (blank lines skipped)."""
    lines = []
    for index in range(ITEM_LINES):
        model = post.get(f"item-{index}-model", "").strip()
        serial = post.get(f"item-{index}-serial", "").strip()
        quantity = post.get(f"item-{index}-quantity", "").strip() or "1"
        if not model and not serial:
            continue
        lines.append(
            {
                "product_model": model,
                "serial_number": serial,
                "quantity": int(quantity) if quantity.isdigit() and len(quantity) < 7 else 0,
            }
        )
    return lines


@permission_required("fieldservice.add_delivery")
def delivery_new(request: HttpRequest) -> HttpResponse:
    form = DeliveryForm(request.POST or None)

    def save(data: dict) -> Delivery:
        try:
            return deliveries.delivery_create(
                by=request.user, items=_item_lines(request.POST), **data
            )
        except Invalid as exc:
            if isinstance(exc.loc, tuple) and len(exc.loc) == 3:
                # A line's refusal: say which line, above the form.
                line = LINE_ERROR % {"line": exc.loc[2] + 1, "message": exc.message}
                raise Invalid(line, field="items") from exc
            raise

    models = ProductModel.objects.select_related("vendor").order_by("vendor__name", "name")
    return form_page(
        request,
        form,
        save,
        lambda obj: reverse("deliveries:detail", args=[obj.pk]),
        "fieldservice/delivery_new.html",
        done=CREATED,
        rename={"items": "__all__"},
        models=models[:500],
        lines=[
            {
                "i": i,
                "model": request.POST.get(f"item-{i}-model", ""),
                "serial": request.POST.get(f"item-{i}-serial", ""),
                "quantity": request.POST.get(f"item-{i}-quantity", ""),
            }
            for i in range(ITEM_LINES)
        ],
    )


def _get(request: HttpRequest, pk: int) -> Delivery:
    try:
        return selectors.delivery_get_for_user(user=request.user, ref=pk)
    except NotFound as exc:
        raise Http404 from exc


def steps_of(obj: Delivery) -> list[dict]:
    """The delivery's stages as steps for the page: each with its inspections and state."""
    order = [DeliveryStage.INITIAL, DeliveryStage.PROFESSIONAL, DeliveryStage.FINAL]
    reached = order.index(obj.stage) if obj.stage in order else len(order)
    inspections = list(obj.inspections.all())
    steps = []
    for index, stage in enumerate(order):
        state = "done" if index < reached else ("current" if index == reached else "later")
        if state == "current" and obj.status == DeliveryStatus.WAITING_FIX:
            state = "failed"
        steps.append(
            {
                "stage": stage,
                "label": stage.label,
                "state": state,
                "inspections": [i for i in inspections if i.stage == stage],
            }
        )
    return steps


@permission_required(VIEW)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    items = list(obj.items.all())
    for item in items:
        item.warranty_ends_on = warranty_end(item.asset) if item.asset_id else None
    context = {
        "obj": obj,
        "items": items,
        "steps": steps_of(obj),
        "events": selectors.activities_for_user(user=request.user, delivery=obj),
        "actions": delivery_access.available_actions(request.user, obj),
        "check_labels": CHECK_LABELS.items(),
        "fix_kinds": FixKind.choices,
        "unsigned": [i for i in obj.inspections.all() if i.signed_at is None],
    }
    return render(request, "fieldservice/delivery_detail.html", context)


def _at(post: QueryDict) -> dt.datetime | None:
    return typed_moment(post.get("at", ""))


def _checks(post: QueryDict) -> dict:
    values = {"1": True, "0": False}
    return {code: values.get(post.get(f"check-{code}", "")) for code in CHECK_LABELS}


def _received(obj: Delivery, post: QueryDict) -> list[dict]:
    lines = []
    for item in obj.items.all():
        value = post.get(f"received-{item.pk}", "").strip()
        if value:
            if not value.isdigit() or len(value) > 6:
                raise Invalid(deliveries.BAD_RECEIVED % {"max": item.quantity}, field="received")
            lines.append({"item": item.pk, "quantity": int(value)})
    return lines


STEPS = {
    "inspect": lambda d, u, p: deliveries.delivery_inspect(
        delivery=d,
        by=u,
        stage=d.stage,
        passed=p.get("passed") == "1",
        notes=p.get("notes", ""),
        checks=_checks(p) if d.stage == DeliveryStage.INITIAL else None,
        received=_received(d, p) if d.stage == DeliveryStage.INITIAL else None,
        at=_at(p),
    ),
    "fix": lambda d, u, p: deliveries.delivery_fix_open(
        delivery=d, by=u, kind=p.get("kind", ""), reference=p.get("reference", ""), at=_at(p)
    ),
    "fixed": lambda d, u, p: deliveries.delivery_fixed(
        delivery=d, by=u, notes=p.get("notes", ""), at=_at(p)
    ),
    "installed": lambda d, u, p: deliveries.delivery_installed(delivery=d, by=u, at=_at(p)),
    "commissioned": lambda d, u, p: deliveries.delivery_commissioned(delivery=d, by=u, at=_at(p)),
    "acceptance-test": lambda d, u, p: deliveries.delivery_acceptance_test(
        delivery=d, by=u, notes=p.get("notes", ""), at=_at(p)
    ),
    "sign": lambda d, u, p: deliveries.delivery_sign(
        delivery=d,
        by=u,
        signed_by=p.get("signed_by", ""),
        signature=p.get("signature", ""),
        inspection=p.get("inspection") or None,
    ),
    "cancel": lambda d, u, p: deliveries.delivery_cancel(
        delivery=d, by=u, reason=p.get("reason", ""), at=_at(p)
    ),
}


@permission_required(VIEW)
@require_POST
def delivery_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = _get(request, pk)
    try:
        if action == "dispute":
            deliveries.delivery_dispute(
                delivery=obj,
                by=request.user,
                authority=request.POST.get("authority", ""),
                report=request.FILES.get("report"),
                at=_at(request.POST),
            )
        elif action in STEPS:
            STEPS[action](obj, request.user, request.POST)
        else:
            raise Http404
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("deliveries:detail", pk=obj.pk)


@permission_required(VIEW)
def delivery_form(request: HttpRequest, pk: int, form_id: int) -> HttpResponse:
    """A stage's form as a Chinese PDF."""
    try:
        inspection = selectors.inspection_get_for_user(
            user=request.user, delivery=_get(request, pk), pk=form_id
        )
    except NotFound as exc:
        raise Http404 from exc
    return form_response(inspection)


@permission_required(VIEW)
def delivery_report(request: HttpRequest, pk: int, form_id: int) -> HttpResponse:
    """The inspection authority's report of a disputed professional inspection."""
    try:
        inspection = selectors.inspection_get_for_user(
            user=request.user, delivery=_get(request, pk), pk=form_id
        )
    except NotFound as exc:
        raise Http404 from exc
    if not inspection.authority_report:
        raise Http404
    return stored_file_response(inspection.authority_report, name="", content_type="")


app_name = "deliveries"
urlpatterns = [
    path("", delivery_list, name="list"),
    path("new/", delivery_new, name="new"),
    path("<int:pk>/", delivery_detail, name="detail"),
    # File answers end in .pdf or /download/: the page walks of the browser tests skip them.
    path("<int:pk>/forms/<int:form_id>.pdf", delivery_form, name="form"),
    path("<int:pk>/forms/<int:form_id>/report/download/", delivery_report, name="report"),
    path("<int:pk>/<str:action>/", delivery_step, name="step"),
]
