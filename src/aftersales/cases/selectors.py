"""Every read on cases, scoped to what the user may see (rule 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member, scope_to_customer
from aftersales.accounts.models import User
from aftersales.cases import access, search, workflow
from aftersales.cases.models import OPEN_STATUSES, Case, CaseType, Tag
from aftersales.contracts.models import ServiceContract
from aftersales.core import timeline
from aftersales.core.errors import Forbidden, NotFound
from aftersales.core.memo import ConfigMemo
from aftersales.core.models import Activity
from aftersales.registry.models import Customer, Engineer, ProductModel, Vendor
from aftersales.sla import selectors as sla_selectors
from aftersales.sla.models import Promise

NOT_FOUND = _("Not found.")
# Lists count at most this many matches (and say so): see core.pagination.
CASE_COUNT_CAP = 10_000
# An export stops after this many rows and says so in its last row (cases/export.py).
CASE_EXPORT_CAP = 100_000
_case_types = ConfigMemo("case_types", CaseType)


def active_case_type(code: str) -> CaseType | None:
    """The active case type with this code (memoised: every new case asks)."""
    return _case_types.get(code, lambda: CaseType.objects.filter(code=code, is_active=True).first())


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Every case for staff allowed to see cases, a contact's own organisation's; else none."""
    return scope_to_customer(
        Case.objects.all(), user, staff_sees_all=can(user, access.VIEW), none_for_staff=True
    )


def cases_waiting_for_rma(user: Any) -> QuerySet[Case]:
    """Open cases handed to RMA for which no RMA is opened yet, the oldest first."""
    return (
        cases_for_user(user)
        .filter(rma_requested=True, rma_reference="", status__in=OPEN_STATUSES)
        .select_related("customer")
        .order_by("updated_at")
    )


def case_get_for_user(*, user: Any, number: str) -> Case:
    # Five joins at most: PostgreSQL spends 5-8 ms planning a join of eight tables or more,
    # far more than running it. Asset, model and author load on first use (UI pages only).
    qs = cases_for_user(user).select_related(
        "customer", "contact", "vendor", "case_type", "assignee"
    )
    try:
        return qs.get(number=number)
    except Case.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def activities_for_user(*, user: Any, case: Case) -> QuerySet[Activity]:
    """The case's timeline as the user may see it (customers' contacts: no internal rows)."""
    return timeline.for_subject("case", case.pk, include_internal=can(user, "cases.view_internal"))


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    priority: str = ""
    customer: str = ""
    case_type: str = ""
    vendor: str = ""
    assignee: str = ""
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    q: str = ""
    queue: str = ""
    sort: str = ""  # "" newest first; "due": due soonest (overdue first, no promise last)
    tag: str = ""  # a tag's name, any case; ignored for customers' contacts (tags are staff's)
    # The reports' dimensions, so a dashboard tile opens exactly its rows:
    contract: str = ""  # a contract number
    region: str = ""  # the customer's region
    team: str = ""  # the assignee's team
    product: str = ""  # a product model's name or a product line


def case_search(*, user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The staff queue and the API list: filters combine with AND, newest first.

    With a text query the best matches come first (then the newest); internal notes are
    searched only for users allowed to read them.
    """
    # The indexed text is the largest column and no list shows it.
    qs = (
        cases_for_user(user)
        .select_related("customer", "case_type", "assignee", "vendor")
        .defer("search_text")
    )
    f = filters
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status__in=f.status.split(","))
    if f.priority:
        qs = qs.filter(priority__in=f.priority.split(","))
    # Codes and names are resolved to ids first: filtering through a join made PostgreSQL walk
    # the whole case table by date (bench/case_bench.py), an id filter uses its own index.
    if f.customer:
        qs = qs.filter(customer_id__in=_ids(Customer.objects.filter(code=f.customer)))
    if f.case_type:
        qs = qs.filter(case_type_id__in=_ids(CaseType.objects.filter(code=f.case_type)))
    if f.vendor:
        vendors = Vendor.objects.filter(Q(code=f.vendor) | Q(name=f.vendor))
        qs = qs.filter(vendor_id__in=_ids(vendors))
    if f.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee == "me":
        qs = qs.filter(assignee=user)
    elif f.assignee:
        qs = qs.filter(assignee_id__in=_ids(User.objects.filter(username=f.assignee)))
    if f.created_after:
        qs = qs.filter(created_at__gte=f.created_after)
    if f.created_before:
        qs = qs.filter(created_at__lt=f.created_before)
    qs = _report_dimensions(qs, f)
    if f.tag and is_staff_member(user):
        tag_ids = _ids(Tag.objects.filter(name__iexact=f.tag))
        tagged = Case.tags.through.objects.filter(tag_id__in=tag_ids).values("case_id")
        qs = qs.filter(pk__in=tagged)
    qs = _queue(qs, user=user, queue=f.queue)
    if f.q:
        return text_search(qs, f.q, internal=can(user, "cases.view_internal"))
    if f.sort == "due":
        return qs.order_by(F("sla_due_at").asc(nulls_last=True), "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def case_export(*, user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The queue's rows for a staff export, as case_search finds them; contacts are refused.

    Raises Forbidden for customers' contacts and staff without cases.view_case.
    """
    if not (is_staff_member(user) and can(user, access.VIEW)):
        raise Forbidden(NOT_ALLOWED)
    return case_search(user=user, filters=filters)


def _report_dimensions(qs: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    # Subqueries, not id lists: a region or a product line may hold thousands of rows.
    if f.contract:
        qs = qs.filter(contract_id__in=_ids(ServiceContract.objects.filter(number=f.contract)))
    if f.region:
        qs = qs.filter(customer_id__in=Customer.objects.filter(region=f.region).values("pk"))
    if f.team:
        qs = qs.filter(assignee_id__in=Engineer.objects.filter(team=f.team).values("user_id"))
    if f.product:
        models = ProductModel.objects.filter(Q(name=f.product) | Q(product_line=f.product))
        qs = qs.filter(product_model_id__in=models.values("pk"))
    return qs


def _ids(qs: QuerySet) -> list[int]:
    return list(qs.values_list("id", flat=True)[:50])


def _queue(qs: QuerySet[Case], *, user: Any, queue: str) -> QuerySet[Case]:
    if queue == "mine":
        return qs.filter(
            Q(assignee=user) | Q(participants=user), status__in=OPEN_STATUSES
        ).distinct()
    if queue == "unassigned":
        return qs.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
    if queue == "overdue":
        now = timezone.now()
        return qs.filter(status__in=OPEN_STATUSES).filter(
            Q(responded_at__isnull=True, response_due_at__lt=now)
            | Q(diagnosed_at__isnull=True, diagnosis_due_at__lt=now)
            | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
        )
    if queue == "breached":
        # Open cases with a recorded SLA breach (the sweep records them as due moments pass).
        broken = Promise.objects.filter(
            subject_kind="case", subject_id=OuterRef("pk"), breached_at__isnull=False
        )
        return qs.filter(Exists(broken), status__in=OPEN_STATUSES)
    if queue == "watched":
        return qs.filter(watches__user=user)
    if queue == "team":
        region = getattr(getattr(user, "engineer", None), "region", "")
        return qs.filter(status__in=OPEN_STATUSES, assignee__engineer__region=region)
    return qs


def text_search(qs: QuerySet[Case], query: str, *, internal: bool = False) -> QuerySet[Case]:
    """Every word of the query must appear in the case's indexed text; best match first.

    Internal notes count only with `internal=True` (staff allowed to read them).
    """
    return search.filter_cases(qs, query, internal=internal)


def with_promises(cases: list[Case], now: dt.datetime) -> list[Case]:
    """Give each case of a list page `.promises` (sla ClockViews): one query for the page."""
    views = sla_selectors.promise_views_for("case", [c.pk for c in cases], now)
    for case in cases:
        case.promises = views.get(case.pk, [])
    return cases


def available_actions(*, user: Any, case: Case) -> list[str]:
    """Actions the user may try on the case in its current state (buttons and API hints):
    the state machine's actions for the status that the action's predicate allows."""
    # The predicates ask about participants and approvals: load each once for all of them.
    lookups = ["participants", "approvals"] if case.is_major else ["participants"]
    prefetch_related_objects([case], *lookups)
    return [
        action
        for action in workflow.allowed_actions(case.status)
        if access.ACTION_PREDICATES[action](user, case)
    ]


def case_abilities(*, user: Any, case: Case) -> dict[str, bool]:
    """What the case page offers besides the workflow's actions, by the same predicates."""
    return {
        "comment_internal": access.can_comment_internal(user, case),
        # Vendor cases are followed while the case is open.
        "update_vendor_case": case.is_open and access.can_update_vendor_case(user, case),
    }
