"""The customer's complaints on the portal: file one (anonymously if they wish), follow its
status; never internal data, never another customer's."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import customer_id_of
from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import NotFound
from aftersales.core.form_fields import LONG_TEXT_MAX
from aftersales.core.html_errors import form_page
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.feedback import complaint_selectors as selectors
from aftersales.feedback import complaints
from aftersales.feedback.models import Channel, Complaint, ComplaintStatus
from aftersales.registry.models import Customer
from aftersales.sla.selectors import promise_views

PER_PAGE = 20
FILED = _("Your complaint is recorded. Our complaint officer will answer within 2 hours.")


class ComplaintFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ComplaintStatus.choices)
    )
    q = None  # a customer has few complaints: the status is the filter
    inactive = None


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("What went wrong?"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    case = forms.CharField(
        label=_("Case number (if it is about one)"), max_length=32, required=False
    )
    anonymous = forms.BooleanField(
        label=_("Keep my name from everyone but the complaint officers"), required=False
    )


@contact_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    filters = ComplaintFilter(request.GET)
    qs = selectors.complaint_list(
        user=request.user,
        filters=selectors.ComplaintFilters(status=filters.value("status") or ""),
    )
    return list_page(request, "portal/complaint_list.html", qs, filters, per_page=PER_PAGE)


@contact_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    customer = Customer.objects.filter(pk=customer_id_of(request.user)).first()
    if customer is None:
        raise Http404
    form = ComplaintForm(request.POST or None, initial={"case": request.GET.get("case", "")})

    def save(data: dict) -> Complaint:
        return complaints.complaint_receive(
            by=request.user,
            customer=customer.code,
            text=data["text"],
            channel=Channel.PORTAL,
            cases=[data["case"]] if data["case"] else [],
            anonymous=data["anonymous"],
        )

    return form_page(
        request,
        form,
        save,
        lambda obj: reverse("portal:complaint_detail", args=[obj.number]),
        "portal/complaint_new.html",
        done=FILED,
    )


@contact_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        obj = selectors.complaint_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "obj": obj,
        "cases": selectors.linked_cases(request.user, obj),
        "clocks": promise_views("complaint", obj.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, complaint=obj),
    }
    return render(request, "portal/complaint_detail.html", context)


urlpatterns = [
    path("complaints/", complaint_list, name="complaint_list"),
    path("complaints/new/", complaint_new, name="complaint_new"),
    path("complaints/<str:number>/", complaint_detail, name="complaint_detail"),
]
