"""Reads on contracts: which contract covers an asset on a given day."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, scope_to_customer
from aftersales.contracts.models import ServiceContract, WarrantyTerm
from aftersales.core.errors import NotFound
from aftersales.core.memo import ConfigMemo
from aftersales.registry.models import Asset, Customer, ProductKind, ProductModel
from aftersales.sla.models import BusinessCalendar, SlaPolicy

NOT_FOUND = _("Not found.")


def contracts_in_force(*, customer: Customer, on: dt.date) -> QuerySet[ServiceContract]:
    return ServiceContract.objects.filter(
        customer=customer, is_active=True, starts_on__lte=on, ends_on__gte=on
    )


# Every new case asks (sla.clockwork.policy_for). Contract changes through a queryset update
# call forget_coverage(); the rows handed out are shared, never changed by readers.
_coverage = ConfigMemo(
    "contract_coverage",
    ServiceContract,
    SlaPolicy,
    BusinessCalendar,
    links=(ServiceContract.assets.through, ServiceContract.projects.through),
)


def forget_coverage() -> None:
    """A contract changed without a save signal (a queryset update)."""
    _coverage.forget()


def contract_covering(
    *, customer: Customer, asset: Asset | None, on: dt.date
) -> ServiceContract | None:
    """The contract in force that covers the asset (or the customer as a whole), latest end first.

    A contract naming neither assets nor projects covers every asset of its customer.
    """
    key = (customer.pk, asset.pk if asset else None, asset.project_id if asset else None, on)
    return _coverage.get(key, lambda: _covering(customer=customer, asset=asset, on=on))


def _covering(*, customer: Customer, asset: Asset | None, on: dt.date) -> ServiceContract | None:
    # Every new case asks, for a different customer each time: the ORM's compiling of this
    # query cost ten times its running (2 ms against 0.2 ms on SQLite), so the id is found by
    # fixed SQL and only a hit is loaded (issue 10, creation speed).
    with connection.cursor() as cursor:
        cursor.execute(
            _covering_sql(),
            [customer.pk, on, on, asset.pk if asset else None, _project_of(asset)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return ServiceContract.objects.select_related("sla_policy__calendar").get(pk=row[0])


def _project_of(asset: Asset | None) -> int | None:
    return asset.project_id if asset is not None else None


@functools.cache
def _covering_sql() -> str:
    """contracts_in_force for one customer, covering the asset by name, by its project or as a
    contract naming neither; latest end first (NULL asset or project ids match nothing)."""
    qn = connection.ops.quote_name
    contract = qn(ServiceContract._meta.db_table)
    assets = qn(ServiceContract.assets.through._meta.db_table)
    projects = qn(ServiceContract.projects.through._meta.db_table)
    return (
        f"SELECT c.id FROM {contract} c WHERE c.customer_id = %s AND c.is_active"
        " AND c.starts_on <= %s AND c.ends_on >= %s AND ("
        f"(NOT EXISTS (SELECT 1 FROM {assets} a WHERE a.servicecontract_id = c.id)"
        f" AND NOT EXISTS (SELECT 1 FROM {projects} p WHERE p.servicecontract_id = c.id))"
        f" OR EXISTS (SELECT 1 FROM {assets} a WHERE a.servicecontract_id = c.id"
        " AND a.asset_id = %s)"
        f" OR EXISTS (SELECT 1 FROM {projects} p WHERE p.servicecontract_id = c.id"
        " AND p.project_id = %s))"
        " ORDER BY c.ends_on DESC, c.starts_on DESC, c.id DESC LIMIT 1"
    )


def contracts_covering(*, assets: list[Asset], on: dt.date) -> dict[int, ServiceContract | None]:
    """contract_covering for each of many assets (asset pk -> contract), in three queries
    however many there are: the list pages' way to the same answer."""
    contracts = list(
        ServiceContract.objects.filter(
            customer_id__in={a.customer_id for a in assets},
            is_active=True,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .select_related("sla_policy__calendar")
        .order_by("-ends_on", "-starts_on")
    )
    named: dict[int, set[int]] = {c.pk: set() for c in contracts}
    projects: dict[int, set[int]] = {c.pk: set() for c in contracts}
    links = ServiceContract.assets.through.objects.filter(servicecontract_id__in=named)
    for contract_id, asset_id in links.values_list("servicecontract_id", "asset_id"):
        named[contract_id].add(asset_id)
    links = ServiceContract.projects.through.objects.filter(servicecontract_id__in=named)
    for contract_id, project_id in links.values_list("servicecontract_id", "project_id"):
        projects[contract_id].add(project_id)

    def covers(contract: ServiceContract, asset: Asset) -> bool:
        if not named[contract.pk] and not projects[contract.pk]:
            return True  # names neither: the whole customer
        return asset.pk in named[contract.pk] or asset.project_id in projects[contract.pk]

    return {
        a.pk: next((c for c in contracts if c.customer_id == a.customer_id and covers(c, a)), None)
        for a in assets
    }


# Every entitlement asks (each new case, each row of the portal's equipment list); terms are
# configuration, changed through warranty_term_save (a save signal forgets them).
_terms = ConfigMemo("warranty_terms", WarrantyTerm)


def warranty_term_for(*, product_model: ProductModel | None, kind: str) -> WarrantyTerm | None:
    """The most specific active term: model and kind, then model, then kind alone."""
    key = (product_model.pk if product_model is not None else None, kind)
    return _terms.get(key, lambda: _term_for(product_model=product_model, kind=kind))


# A replaced or repaired part's own warranty when no PART warranty term says otherwise.
DEFAULT_PART_WARRANTY_MONTHS = 3


def part_warranty_months() -> int:
    """Months a replaced or repaired part is covered: the PART warranty term, else 3."""
    term = warranty_term_for(product_model=None, kind=ProductKind.PART)
    return term.months if term is not None else DEFAULT_PART_WARRANTY_MONTHS


def _term_for(*, product_model: ProductModel | None, kind: str) -> WarrantyTerm | None:
    terms = WarrantyTerm.objects.filter(is_active=True)
    candidates = []
    if product_model is not None:
        candidates += [
            terms.filter(product_model=product_model, kind=kind),
            terms.filter(product_model=product_model, kind=""),
        ]
    candidates.append(terms.filter(product_model__isnull=True, kind=kind))
    for qs in candidates:
        term = qs.order_by("-updated_at", "-id").first()
        if term is not None:
            return term
    return None


def warranty_terms() -> QuerySet[WarrantyTerm]:
    return WarrantyTerm.objects.select_related("product_model__vendor").order_by(
        "-is_active", "kind", "product_model__name"
    )


def warranty_term_get(*, pk: int) -> WarrantyTerm:
    term = WarrantyTerm.objects.select_related("product_model").filter(pk=pk).first()
    if term is None:
        raise NotFound(NOT_FOUND)
    return term


# --- scoped reads: staff with the view permission see all, a contact their organisation ---


def contracts_for_user(user: Any) -> QuerySet[ServiceContract]:
    staff_sees_all = can(user, "contracts.view_servicecontract")
    # Staff see retired contracts too (to reactivate them); a contact only those in use.
    qs = ServiceContract.objects.all()
    if not staff_sees_all:
        qs = qs.filter(is_active=True)
    return scope_to_customer(qs, user, staff_sees_all=staff_sees_all, none_for_staff=True)


def contract_get_for_user(*, user: Any, number: str) -> ServiceContract:
    contract = (
        contracts_for_user(user)
        .select_related("customer", "sla_policy", "service_manager", "renewed_from")
        .filter(number=number)
        .first()
    )
    if contract is None:
        raise NotFound(NOT_FOUND)
    return contract


EXPIRY_STATES = ("active", "expiring", "expired", "upcoming", "inactive", "all")


def contract_list(
    *,
    user: Any,
    customer: str = "",
    state: str = "",
    within_days: int = 60,
    q: str = "",
    on: dt.date | None = None,
) -> QuerySet[ServiceContract]:
    """The console and API list; state is active | expiring (within N days) | expired | ..."""
    on = on or timezone.localdate()
    qs = contracts_for_user(user).select_related("customer", "sla_policy")
    if customer:
        qs = qs.filter(customer__code=customer)
    if state != "inactive" and state != "all":
        qs = qs.filter(is_active=True)
    if state == "inactive":
        qs = qs.filter(is_active=False)
    elif state == "active":
        qs = qs.filter(starts_on__lte=on, ends_on__gte=on)
    elif state == "expiring":
        qs = qs.filter(
            starts_on__lte=on, ends_on__gte=on, ends_on__lte=on + dt.timedelta(days=within_days)
        )
    elif state == "expired":
        qs = qs.filter(ends_on__lt=on)
    elif state == "upcoming":
        qs = qs.filter(starts_on__gt=on)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(customer__code__iexact=q)
        )
    return qs.order_by("ends_on", "number")


def renewal_chain(contract: ServiceContract) -> list[ServiceContract]:
    """Every contract of the chain this one belongs to, oldest first (bounded walk)."""
    first = contract
    seen = {first.pk}
    while first.renewed_from_id and first.renewed_from_id not in seen:
        first = ServiceContract.objects.select_related("sla_policy").get(pk=first.renewed_from_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        nxt = (
            ServiceContract.objects.select_related("sla_policy")
            .filter(renewed_from=chain[-1])
            .first()
        )
        if nxt is None or nxt.pk in {c.pk for c in chain}:
            return chain
        chain.append(nxt)


def contracts_ending(*, on: dt.date, days: int) -> QuerySet[ServiceContract]:
    """Active contracts whose last day is exactly `days` after `on` (the warning sweep)."""
    return ServiceContract.objects.filter(
        is_active=True, ends_on=on + dt.timedelta(days=days)
    ).select_related("customer__service_manager", "service_manager", "sla_policy")
