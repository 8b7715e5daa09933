"""The one filter every KPI, chart, report and export takes, and the rows it selects.

Period bounds are local dates (Asia/Shanghai), `end` inclusive. A customer contact is always
held to their own organisation; staff need `reports.view_reports`, except an engineer reading
their own figures (engineer = themselves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.cases.models import Case, Priority
from aftersales.contracts.models import ServiceContract
from aftersales.core.errors import Forbidden, Invalid
from aftersales.registry.models import Customer
from aftersales.sla.models import Promise

VIEW_REPORTS = "reports.view_reports"
DEFAULT_DAYS = 30
MAX_DAYS = 366 * 3
FIELDS = ("from", "to", "customer", "contract", "region", "team", "engineer", "product", "priority")
BAD_DATE = _("Give a date as YYYY-MM-DD.")
BAD_RANGE = _("The end of the period comes before its start.")
TOO_LONG = _("A period is at most three years.")
UNKNOWN_CUSTOMER = _("No customer with this code.")
UNKNOWN_CONTRACT = _("No contract with this number.")
UNKNOWN_PRIORITY = _("Priority is one of P1, P2, P3, P4.")
TOO_LONG_TEXT = _("At most 80 characters.")


@dataclass(frozen=True)
class ReportFilter:
    """What a report looks at: a period and any of the eight dimensions (empty: all)."""

    start: dt.date
    end: dt.date
    customer: str = ""  # customer code
    contract: str = ""  # contract number
    region: str = ""  # the customer's region
    team: str = ""  # the assignee's team (registry.Engineer.team)
    engineer: str = ""  # the assignee's username
    product: str = ""  # product model name or product line
    priority: str = ""  # P1..P4

    @property
    def since(self) -> dt.datetime:
        """The period's first moment (local midnight of `start`), aware."""
        return dt.datetime.combine(self.start, dt.time(), timezone.get_current_timezone())

    @property
    def until(self) -> dt.datetime:
        """The moment just after the period (local midnight after `end`), aware."""
        return self.since + dt.timedelta(days=(self.end - self.start).days + 1)

    def query(self) -> dict[str, str]:
        """The filter as query parameters (empty dimensions left out), for links."""
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name in FIELDS[2:]:
            if getattr(self, name):
                values[name] = getattr(self, name)
        return values


def _date(raw: Mapping[str, Any], name: str) -> dt.date | None:
    value = str(raw.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(BAD_DATE, field=name, loc="query") from None


def parse_filter(raw: Mapping[str, Any], *, today: dt.date | None = None) -> ReportFilter:
    """The filter from query parameters; a bad value is Invalid naming its field."""
    today = today or timezone.localdate()
    end = _date(raw, "to") or today
    start = _date(raw, "from") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise Invalid(BAD_RANGE, field="to", loc="query")
    if (end - start).days > MAX_DAYS:
        raise Invalid(TOO_LONG, field="from", loc="query")
    values: dict[str, str] = {}
    for name in FIELDS[2:]:
        value = str(raw.get(name) or "").strip()
        if len(value) > 80 or "\x00" in value:
            raise Invalid(TOO_LONG_TEXT, field=name, loc="query")
        values[name] = value
    if values["priority"]:
        values["priority"] = values["priority"].upper()
        if values["priority"] not in Priority.values:
            raise Invalid(UNKNOWN_PRIORITY, field="priority", loc="query")
    return ReportFilter(start=start, end=end, **values)


def filter_for_user(user: Any, wanted: ReportFilter) -> ReportFilter:
    """The filter the user may run: a contact's own organisation; staff per their permission.

    Unknown customer or contract codes are Invalid for staff and NotFound-free for contacts
    (a contact naming another organisation learns nothing: their own is used instead).
    """
    customer_id = customer_id_of(user)
    if customer_id is not None and not is_staff_member(user):
        own = Customer.objects.filter(pk=customer_id).values_list("code", flat=True).first()
        narrowed = replace(wanted, customer=own or "", team="", engineer="")
        if (
            wanted.contract
            and not ServiceContract.objects.filter(
                number=wanted.contract, customer_id=customer_id
            ).exists()
        ):
            raise Invalid(UNKNOWN_CONTRACT, field="contract", loc="query")
        return narrowed
    if not is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    if not can(user, VIEW_REPORTS) and wanted.engineer != user.get_username():
        raise Forbidden(NOT_ALLOWED)
    if wanted.customer and not Customer.objects.filter(code=wanted.customer).exists():
        raise Invalid(UNKNOWN_CUSTOMER, field="customer", loc="query")
    if wanted.contract and not ServiceContract.objects.filter(number=wanted.contract).exists():
        raise Invalid(UNKNOWN_CONTRACT, field="contract", loc="query")
    return wanted


def case_dimensions(f: ReportFilter) -> Q:
    """The eight dimensions as a condition on Case (the period is each KPI's own business)."""
    q = Q()
    if f.customer:
        q &= Q(customer__code=f.customer)
    if f.contract:
        q &= Q(contract__number=f.contract)
    if f.region:
        q &= Q(customer__region=f.region)
    if f.team:
        q &= Q(assignee__engineer__team=f.team)
    if f.engineer:
        q &= Q(assignee__username=f.engineer)
    if f.product:
        q &= Q(product_model__name=f.product) | Q(product_model__product_line=f.product)
    if f.priority:
        q &= Q(priority=f.priority)
    return q


def cases(f: ReportFilter) -> QuerySet[Case]:
    """Cases matching the dimensions, merged duplicates left out (they are counted once)."""
    return Case.objects.filter(case_dimensions(f), merged_into__isnull=True)


def promises(f: ReportFilter) -> QuerySet[Promise]:
    """Promises matching the dimensions, of every subject kind.

    Customer, contract, region and priority hold for every kind; team, engineer and product
    are properties of cases, so with any of them only case promises remain.
    """
    qs = Promise.objects.all()
    if f.customer:
        qs = qs.filter(customer_id__in=Customer.objects.filter(code=f.customer).values("pk"))
    if f.region:
        qs = qs.filter(customer_id__in=Customer.objects.filter(region=f.region).values("pk"))
    if f.contract:
        qs = qs.filter(
            contract_id__in=ServiceContract.objects.filter(number=f.contract).values("pk")
        )
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.team or f.engineer or f.product:
        qs = qs.filter(subject_kind="case", subject_id__in=cases(f).values("pk"))
    return qs
