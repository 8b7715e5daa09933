"""The customer's loaners on the portal: what they hold, for which repair, since when."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from aftersales.accounts.decorators import contact_required
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.inventory import loans

PER_PAGE = 20


class LoanerFilter(ListFilter):
    q = None  # a customer holds few loaners: open first, then the returned ones
    inactive = None


@contact_required
def loaner_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()

    def decorate(rows: list) -> None:
        for loan in rows:
            loan.days = loans.days_out(loan, now)

    return list_page(
        request,
        "portal/loaner_list.html",
        loans.loan_list(user=request.user),
        LoanerFilter(request.GET),
        decorate,
        per_page=PER_PAGE,
    )


urlpatterns = [path("loaners/", loaner_list, name="loaner_list")]
