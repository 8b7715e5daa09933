"""Staff console pages for repair orders: open from a case, work it, sign off on a tablet."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.decorators import permission_required
from aftersales.cases import selectors as case_selectors
from aftersales.core import timeline
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import add_form_error, flash_error, form_page
from aftersales.core.list_pages import get_or_404
from aftersales.core.pagination import console_page
from aftersales.core.pdf import ReportUnavailable
from aftersales.repairs import access, forms, selectors, services
from aftersales.repairs.api import report_response
from aftersales.repairs.models import RepairOrder, RepairStatus

PER_PAGE = 50
DONE = _("Done.")
SAVED = _("Saved.")


def _order(request: HttpRequest, pk: int) -> RepairOrder:
    return get_or_404(selectors.repair_get_for_user, request, pk)


@permission_required("repairs.view_repairorder")
def repair_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.repair_search(user=request.user, status=status, q=q)
    page = console_page(request, qs, per_page=PER_PAGE)
    page.object_list = selectors.with_return_views(list(page.object_list))
    return render(
        request,
        "repairs/list.html",
        {"page": page, "status": status, "q": q, "statuses": RepairStatus.choices},
    )


@permission_required("repairs.add_repairorder")
def repair_create(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = case_selectors.case_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.RepairCreateForm(
        request.POST or None, initial={"service_mode": case.service_mode, "fault_text": case.title}
    )
    return form_page(
        request,
        form,
        lambda data: services.repair_create(by=request.user, case=case, **data),
        lambda order: reverse("repairs:detail", args=[order.pk]),
        "repairs/new.html",
        case=case,
    )


def _edit_initial(order: RepairOrder) -> dict:
    return {
        "service_mode": order.service_mode,
        "fault_category": order.fault_category.code,
        "fault_text": order.fault_text,
        "diagnosis": order.diagnosis,
        "cause": order.cause,
        "decision": order.decision,
        "exclusion": order.exclusion,
        "appointment_at": timezone.localtime(order.appointment_at)
        if order.appointment_at
        else None,
        "engineers": list(order.engineers.all()),
        "parts": forms.parts_text(order),
        "labour_minutes": order.labour_minutes,
        "travel_mode": order.travel_mode,
        "travel_km": order.travel_km,
        "solution": order.solution,
        "process": order.process,
    }


def _stock_form(request: HttpRequest, data=None) -> forms.StockPartForm:
    warehouses, parts = selectors.stock_parts_choices(user=request.user)
    return forms.StockPartForm(data, warehouses=warehouses, parts=parts)


def _detail(request: HttpRequest, order: RepairOrder, status: int = 200, **forms_) -> HttpResponse:
    user = request.user
    actions = access.available_actions(user, order)
    context = {
        "order": order,
        "events": timeline.for_subject("repair", order.pk, include_internal=is_staff_member(user)),
        "parts": order.parts.all(),
        "history": services.same_fault_history(order),
        "edit_form": forms_.get("edit_form") or forms.RepairEditForm(initial=_edit_initial(order)),
        "phone_form": forms_.get("phone_form")
        or forms.PhoneDecisionForm(initial={"decided_at": timezone.localtime()}),
        "verify_form": forms_.get("verify_form") or forms.VerifyForm(),
        "signoff_form": forms_.get("signoff_form")
        or forms.SignOffForm(
            initial={"name": order.case.contact.name if order.case.contact else ""}
        ),
        "step_form": forms_.get("step_form")
        or forms.StepMomentForm(initial={"at": timezone.localtime()}),
        "stock_form": forms_.get("stock_form")
        or (_stock_form(request) if "draw_part" in actions else None),
        "actions": actions,
    }
    return render(request, "repairs/detail.html", context, status=status)


@permission_required("repairs.view_repairorder")
def repair_by_number(request: HttpRequest, number: str) -> HttpResponse:
    """A notice or a mail names the order by its number; its page is by id."""
    try:
        pk = selectors.repair_pk_by_number(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    return redirect("repairs:detail", pk=pk)


@permission_required("repairs.view_repairorder")
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _order(request, pk))


def _run(request: HttpRequest, order: RepairOrder, action, form_name: str = "", form=None):
    """Call a service; errors go back onto the page (409/422) or become HTTP answers."""
    try:
        action()
    except ApplicationError as exc:
        if form is not None:
            add_form_error(form, exc)
        else:
            flash_error(request, exc)
        order = _order(request, order.pk)
        return _detail(
            request, order, status=exc.status_code, **({form_name: form} if form else {})
        )
    messages.success(request, DONE)
    return redirect("repairs:detail", pk=order.pk)


@permission_required("repairs.change_repairorder")
@require_POST
def repair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = forms.RepairEditForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, status=422, edit_form=form)
    data = dict(form.cleaned_data)
    parts, engineers = data.pop("parts"), data.pop("engineers")
    data["travel_km"] = data["travel_km"] or 0
    return _run(
        request,
        order,
        lambda: services.repair_update(
            by=request.user, order=order, parts=parts, engineers=engineers, **data
        ),
        "edit_form",
        form,
    )


@permission_required("repairs.view_repairorder")
@require_POST
def repair_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = _order(request, pk)
    user = request.user
    if action == "quote":
        return _run(request, order, lambda: services.repair_quote(by=user, order=order))
    if action == "start":
        return _run(request, order, lambda: services.repair_start(by=user, order=order))
    if action == "cancel":
        text = request.POST.get("text", "")
        return _run(request, order, lambda: services.repair_cancel(by=user, order=order, text=text))
    if action == "decision":
        form = forms.PhoneDecisionForm(request.POST)
        if not form.is_valid():
            return _detail(request, order, status=422, phone_form=form)
        d = form.cleaned_data
        return _run(
            request,
            order,
            lambda: services.repair_quote_decide(
                by=user,
                order=order,
                approve=d["decision"] == "approve",
                name=d["name"],
                decided_at=d["decided_at"],
                note=d["note"],
            ),
            "phone_form",
            form,
        )
    if action == "verify":
        form = forms.VerifyForm(request.POST)
        if not form.is_valid():
            return _detail(request, order, status=422, verify_form=form)
        d = form.cleaned_data
        return _run(
            request,
            order,
            lambda: services.repair_verify(
                by=user, order=order, test_results=d["test_results"], signature=d["signature"]
            ),
            "verify_form",
            form,
        )
    if action == "sign-off":
        form = forms.SignOffForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        return _run(
            request,
            order,
            lambda: services.repair_sign_off(
                by=user, order=order, name=d.get("name", ""), signature=d.get("signature", "")
            ),
            "signoff_form",
            form,
        )
    if action in ("receive", "return-device"):
        form = forms.StepMomentForm(request.POST)
        if not form.is_valid():
            return _detail(request, order, status=422, step_form=form)
        step = services.repair_receive if action == "receive" else services.repair_return_device
        at = form.cleaned_data["at"]
        return _run(request, order, lambda: step(by=user, order=order, at=at), "step_form", form)
    if action == "draw-part":
        form = _stock_form(request, request.POST)
        if not form.is_valid():
            return _detail(request, order, status=422, stock_form=form)
        d = form.cleaned_data
        return _run(
            request,
            order,
            lambda: services.repair_part_draw(
                by=user,
                order=order,
                warehouse=d["warehouse"],
                part_number=d["part_number"],
                quantity=d["quantity"],
                serial=d["serial"],
            ),
            "stock_form",
            form,
        )
    if action == "return-part":
        try:
            part_id = int(request.POST.get("part", ""))
        except ValueError:
            raise Http404 from None
        return _run(
            request,
            order,
            lambda: services.repair_part_return(by=user, order=order, part_id=part_id),
        )
    raise Http404


@permission_required("repairs.view_repairorder")
def repair_report(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    try:
        return report_response(order)
    except ReportUnavailable as exc:
        # Say what is wrong and how to fix it rather than serve a PDF with blank glyphs.
        return HttpResponse(
            str(exc.message), status=exc.status_code, content_type="text/plain; charset=utf-8"
        )


urlpatterns = [
    path("", repair_list, name="list"),
    path("new/<str:number>/", repair_create, name="create"),
    path("<int:pk>/", repair_detail, name="detail"),
    path("number/<str:number>/", repair_by_number, name="by_number"),
    path("<int:pk>/edit/", repair_edit, name="edit"),
    path("<int:pk>/report.pdf", repair_report, name="report"),
    path("<int:pk>/<str:action>/", repair_action, name="action"),
]
