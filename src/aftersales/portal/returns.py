"""The customer's returns and exchanges on the portal: request one, follow it, read a refusal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import customer_id_of
from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.list_pages import ListFilter, get_or_404, list_page
from aftersales.core.uploads import stored_file_response
from aftersales.registry.models import Customer
from aftersales.rma import return_selectors as selectors
from aftersales.rma import returns
from aftersales.rma.models import ReturnKind, ReturnRequest, ReturnStatus
from aftersales.sla.selectors import promise_views

PER_PAGE = 20
REQUESTED = _("Your request is recorded. Keep the return code for the parcel.")
PHOTO_ADDED = _("Photo added.")


class ReturnFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ReturnStatus.choices)
    )
    q = None  # a customer has few returns: the status is the filter
    inactive = None


class ReturnRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnKind.choices)
    purchased_on = forms.DateField(
        label=_("Purchased on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    reason = forms.CharField(
        label=_("Quality problem"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("Evidence (what you saw, photos sent separately)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    doa = forms.BooleanField(label=_("Dead on arrival (DOA)"), required=False)
    packaging_intact = forms.BooleanField(
        label=_("Product and packaging intact"), required=False, initial=True
    )


@contact_required
def return_list(request: HttpRequest) -> HttpResponse:
    filters = ReturnFilter(request.GET)
    qs = selectors.return_list(
        user=request.user, filters=selectors.ReturnFilters(status=filters.value("status") or "")
    )
    return list_page(request, "portal/return_list.html", qs, filters, per_page=PER_PAGE)


@contact_required
def return_new(request: HttpRequest) -> HttpResponse:
    customer = Customer.objects.filter(pk=customer_id_of(request.user)).first()
    if customer is None:
        raise Http404
    form = ReturnRequestForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: returns.return_request(by=request.user, customer=customer.code, **data),
        lambda obj: reverse("portal:return_detail", args=[obj.number]),
        "portal/return_new.html",
        done=REQUESTED,
    )


def _get(request: HttpRequest, number: str) -> ReturnRequest:
    try:
        return selectors.return_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@contact_required
@require_POST
def return_photo_add(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's evidence: a photo of the goods while the request is open."""
    obj = _get(request, number)
    try:
        returns.return_photo_add(request=obj, by=request.user, file=request.FILES.get("photo"))
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, PHOTO_ADDED)
    return redirect("portal:return_detail", number=obj.number)


@contact_required
def return_photo(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    photo = get_or_404(
        returns.photo_get_for_user, request, pk, return_request=_get(request, number)
    )
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type)


@contact_required
def return_detail(request: HttpRequest, number: str) -> HttpResponse:
    obj = _get(request, number)
    context = {
        "obj": obj,
        "clocks": promise_views("return", obj.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, request=obj),
    }
    return render(request, "portal/return_detail.html", context)


urlpatterns = [
    path("returns/", return_list, name="return_list"),
    path("returns/new/", return_new, name="return_new"),
    path("returns/<str:number>/", return_detail, name="return_detail"),
    path("returns/<str:number>/photos/", return_photo_add, name="return_photo_add"),
    path("returns/<str:number>/photos/<int:pk>/", return_photo, name="return_photo"),
]
