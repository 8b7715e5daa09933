"""The console's loaner pages: open loans first (the longest out first), lend, take back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import Invalid
from aftersales.core.form_fields import BoundedDateTimeField
from aftersales.core.html_errors import form_page
from aftersales.core.list_pages import ListFilter, ListPage, get_or_404
from aftersales.inventory import access, loans
from aftersales.inventory.models import Loan, LoanCondition, LoanRefKind
from aftersales.registry.models import Asset, Customer

LENT = _("Loaner lent.")
RETURNED = _("Loaner returned.")
POOL_CHANGED = _("Loaner pool changed.")
UNKNOWN_CUSTOMER = _("Unknown customer code.")
UNKNOWN_ASSET = _("Unknown asset serial number.")

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})


class LoanFilter(ListFilter):
    state = forms.ChoiceField(
        label=_("Loans"),
        required=False,
        choices=[("", _("All")), ("open", _("Out")), ("returned", _("Returned"))],
    )
    inactive = None


class LendForm(forms.Form):
    serial = forms.CharField(label=_("Loaner serial number"), max_length=80)
    customer = forms.CharField(label=_("Customer code"), max_length=40)
    ref_kind = forms.ChoiceField(
        label=_("Covers"), required=False, choices=[("", "—"), *LoanRefKind.choices]
    )
    ref = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=80,
        help_text=_("The RMA, repair order or case number: lent until that repair is done."),
    )
    asset = forms.CharField(label=_("Customer's asset serial"), required=False, max_length=80)
    at = BoundedDateTimeField(label=_("Lent at"), required=False, widget=_MOMENT)


class PoolForm(forms.Form):
    part_number = forms.CharField(label=_("Part number"), max_length=80)
    serial = forms.CharField(label=_("Serial number"), max_length=80)
    loaner = forms.TypedChoiceField(
        label=_("Loaner pool"),
        choices=[("1", _("Join the loaner pool")), ("0", _("Leave the loaner pool"))],
        coerce=lambda value: value == "1",
        initial="1",
    )


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition on return"),
        choices=LoanCondition.choices,
        initial=LoanCondition.GOOD,
    )
    at = BoundedDateTimeField(label=_("Returned at"), required=False, widget=_MOMENT)


def _decorate(rows: list[Loan]) -> None:
    now = timezone.now()
    for loan in rows:
        loan.days = loans.days_out(loan, now)


def _selector(*, user: Any, q: str = "", inactive: bool = False, state: str = "") -> Any:
    is_open = {"open": True, "returned": False}.get(state)
    return loans.loan_list(user=user, q=q, open=is_open)


_loans = ListPage(
    template="inventory/loan_list.html",
    filter_form=LoanFilter,
    selector=_selector,
    text=("state",),
    decorate=_decorate,
)


@permission_required(access.VIEW)
def loan_list(request: HttpRequest) -> HttpResponse:
    return _loans.render(request)


@permission_required(access.MOVE)
def loan_new(request: HttpRequest) -> HttpResponse:
    form = LendForm(request.POST or None, initial=request.GET.dict())

    def save(data: dict) -> Loan:
        customer = Customer.objects.filter(code=data["customer"].strip(), is_active=True).first()
        if customer is None:
            raise Invalid(UNKNOWN_CUSTOMER, field="customer")
        asset = None
        if data["asset"].strip():
            asset = Asset.objects.filter(serial_number=data["asset"].strip()).first()
            if asset is None:
                raise Invalid(UNKNOWN_ASSET, field="asset")
        return loans.loan_lend(
            by=request.user,
            serial=data["serial"],
            customer=customer,
            ref_kind=data["ref_kind"],
            ref=data["ref"],
            asset=asset,
            at=data["at"],
        )

    return form_page(
        request,
        form,
        save,
        lambda loan: reverse("inventory:loan_list"),
        "inventory/loan_form.html",
        done=LENT,
        title=_("Lend a loaner"),
    )


@permission_required(access.MOVE)
def loaner_pool(request: HttpRequest) -> HttpResponse:
    """A unit in stock joins the loaner pool (lent, never issued) or leaves it."""
    form = PoolForm(request.POST or None, initial=request.GET.dict())

    def save(data: dict) -> Any:
        return loans.loaner_pool_set(
            by=request.user,
            part=loans.part_for_pool(data["part_number"]),
            serial=data["serial"],
            loaner=data["loaner"],
        )

    return form_page(
        request,
        form,
        save,
        lambda unit: reverse("inventory:loan_list"),
        "inventory/loan_form.html",
        done=POOL_CHANGED,
        title=_("Loaner pool"),
        submit=_("Save"),
    )


@permission_required(access.MOVE)
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_or_404(loans.loan_get_for_user, request, pk)
    form = ReturnForm(request.POST or None)

    def save(data: dict) -> Loan:
        return loans.loan_return(
            loan=loan, by=request.user, condition=data["condition"], at=data["at"]
        )

    return form_page(
        request,
        form,
        save,
        lambda saved: reverse("inventory:loan_list"),
        "inventory/loan_form.html",
        done=RETURNED,
        title=_("Take a loaner back"),
        loan=loan,
        days=loans.days_out(loan, timezone.now()),
    )


urlpatterns = [
    path("loans/", loan_list, name="loan_list"),
    path("loans/new/", loan_new, name="loan_new"),
    path("loans/pool/", loaner_pool, name="loaner_pool"),
    path("loans/<int:pk>/return/", loan_return, name="loan_return"),
]
