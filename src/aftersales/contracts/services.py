"""Every write on contracts and warranty terms: one transaction each, validation first."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.contracts.entitlement import service_level_label
from aftersales.contracts.hooks import coverage_changed
from aftersales.contracts.models import ServiceContract, WarrantyStart, WarrantyTerm
from aftersales.contracts.penalties import penalty_rules_default
from aftersales.contracts.selectors import forget_coverage
from aftersales.core import timeline
from aftersales.core.errors import Forbidden, Invalid
from aftersales.registry.models import Asset, Customer, ProductKind, ProductModel, Project
from aftersales.sla.models import SlaPolicy

logger = logging.getLogger(__name__)

NOT_ALLOWED = _("You are not allowed to do this.")
NUMBER_REQUIRED = _("Enter the contract number.")
NUMBER_TAKEN = _("A contract with this number already exists.")
UNKNOWN_LEVEL = _("Unknown service level: use 7x24, 5x8 or the code of an active SLA policy.")
ENDS_BEFORE_START = _("The contract cannot end before it starts.")
VALUE_NEGATIVE = _("The contract value cannot be negative.")
VALUE_BAD = _("Enter the contract value as a number of yuan, e.g. 120000.00.")
ASSET_OF_OTHER_CUSTOMER = _("Asset %(serial)s does not belong to this customer.")
PROJECT_OF_OTHER_CUSTOMER = _("Project %(code)s does not belong to this customer.")
NOT_STAFF = _("Choose a staff member.")
RENEWED_ALREADY = _("This contract was already renewed as %(number)s.")
MONTHS_BAD = _("Enter a number of months between 0 and 600.")
MODEL_OR_KIND = _("Choose a product model, a component kind or both.")
TERM_EXISTS = _("An active warranty term for this model and kind already exists.")
UNKNOWN_KIND = _("Unknown component kind.")
UNKNOWN_START = _("Unknown start of warranty.")
NOT_NEGATIVE = _("Enter zero or more.")

DEFAULT_WARNING_DAYS = (60, 30, 7)
MAX_VALUE = Decimal("999999999999.99")


def warning_days() -> tuple[int, ...]:
    """CONTRACT_EXPIRY_WARNING_DAYS, largest first (default 60, 30, 7 days before the end)."""
    days = getattr(settings, "CONTRACT_EXPIRY_WARNING_DAYS", DEFAULT_WARNING_DAYS)
    return tuple(sorted({int(d) for d in days if int(d) >= 0}, reverse=True))


def _default_penalties(contract: ServiceContract) -> None:
    penalty_rules_default(contract=contract)


# --- validation ----------------------------------------------------------------------------


def _policy(code: str) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(code=(code or "").strip(), is_active=True).first()
    if policy is None:
        raise Invalid(UNKNOWN_LEVEL, field="service_level")
    return policy


def _value(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalid(VALUE_BAD, field="value") from exc
    if not amount.is_finite() or amount > MAX_VALUE:
        raise Invalid(VALUE_BAD, field="value")
    if amount < 0:
        raise Invalid(VALUE_NEGATIVE, field="value")
    return amount


def _dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on is None:
        raise Invalid(_("Enter the start date."), field="starts_on")
    if ends_on is None:
        raise Invalid(_("Enter the end date."), field="ends_on")
    if ends_on < starts_on:
        raise Invalid(ENDS_BEFORE_START, field="ends_on")


def _coverage(
    customer: Customer, assets: Iterable[Asset], projects: Iterable[Project]
) -> tuple[list[Asset], list[Project]]:
    assets, projects = list(assets), list(projects)
    for asset in assets:
        if asset.customer_id != customer.pk:
            raise Invalid(ASSET_OF_OTHER_CUSTOMER % {"serial": asset.serial_number}, field="assets")
    for project in projects:
        if project.customer_id != customer.pk:
            raise Invalid(PROJECT_OF_OTHER_CUSTOMER % {"code": project.code}, field="projects")
    return assets, projects


def _count(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(NOT_NEGATIVE, field=field) from exc
    if not 0 <= number <= 32767:
        raise Invalid(NOT_NEGATIVE, field=field)
    return number


def _manager(user: Any) -> Any:
    if user is not None and not (user.is_active and is_staff_member(user)):
        raise Invalid(NOT_STAFF, field="service_manager")
    return user


INCLUDED = ("free_upgrades_until", "inspections_per_year", "onsite_visits", "remote_support")
INCLUDED += ("training_days", "notes", "service_manager", "advance_replacement")


def _apply_included(contract: ServiceContract, included: dict[str, Any]) -> None:
    for key, value in included.items():
        if key not in INCLUDED:
            raise Invalid(_("Unknown field."), field=key)
        if key in ("inspections_per_year", "onsite_visits", "training_days"):
            value = _count(value, key)
            if value is None and key != "onsite_visits":
                value = 0
        elif key == "service_manager":
            value = _manager(value)
        elif key == "notes":
            value = (value or "").strip()
        elif key in ("remote_support", "advance_replacement"):
            value = bool(value)
        setattr(contract, key, value)


# --- contracts -----------------------------------------------------------------------------

# What a contract's history shows old → new ("who changed a contract's value").
AUDITED_FIELDS = [
    "sla_policy", "starts_on", "ends_on", "value", "free_upgrades_until",
    "inspections_per_year", "onsite_visits", "remote_support", "training_days", "notes",
    "service_manager", "advance_replacement",
]  # fmt: skip
TERM_FIELDS = [
    "product_model", "kind", "months", "starts_from", "service_level", "exclusions", "is_active"
]  # fmt: skip


@transaction.atomic
def contract_create(
    *,
    by: Any,
    number: str,
    customer: Customer,
    service_level: str,
    starts_on: dt.date,
    ends_on: dt.date,
    value: Any,
    assets: Iterable[Asset] = (),
    projects: Iterable[Project] = (),
    renewed_from: ServiceContract | None = None,
    **included: Any,
) -> ServiceContract:
    """Create a contract, its default penalty rules, and refresh the customer's open cases.

    included: free_upgrades_until, inspections_per_year, onsite_visits, remote_support,
    training_days, notes, service_manager, advance_replacement.
    """
    if not can(by, "contracts.add_servicecontract"):
        raise Forbidden(NOT_ALLOWED)
    number = (number or "").strip()
    if not number:
        raise Invalid(NUMBER_REQUIRED, field="number")
    if len(number) > 40:
        raise Invalid(_("At most 40 characters."), field="number")
    if ServiceContract.objects.filter(number__iexact=number).exists():
        raise Invalid(NUMBER_TAKEN, field="number")
    policy = _policy(service_level)
    _dates(starts_on, ends_on)
    amount = _value(value)
    assets, projects = _coverage(customer, assets, projects)
    contract = ServiceContract(
        number=number,
        customer=customer,
        sla_policy=policy,
        starts_on=starts_on,
        ends_on=ends_on,
        value=amount,
        renewed_from=renewed_from,
        service_manager=customer.service_manager,
    )
    _apply_included(contract, included)
    contract.save()
    contract.assets.set(assets)
    contract.projects.set(projects)
    _default_penalties(contract)
    timeline.record(
        subject=contract,
        actor=by,
        kind="renewed" if renewed_from else "created",
        internal=True,
        text=str(contract),
        changes={"value": [None, str(contract.value)]},
    )
    entitlement_refresh_open_cases(customer=customer, by=by)
    return contract


@transaction.atomic
def contract_update(
    *,
    by: Any,
    contract: ServiceContract,
    service_level: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    value: Any = None,
    assets: Iterable[Asset] | None = None,
    projects: Iterable[Project] | None = None,
    **included: Any,
) -> ServiceContract:
    """Change a contract's terms (None leaves a field as it is); open cases follow."""
    if not can(by, "contracts.change_servicecontract"):
        raise Forbidden(NOT_ALLOWED)
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    before = timeline.snapshot(contract, AUDITED_FIELDS)
    coverage = {}
    if service_level is not None:
        contract.sla_policy = _policy(service_level)
    starts_on = starts_on or contract.starts_on
    ends_on = ends_on or contract.ends_on
    _dates(starts_on, ends_on)
    contract.starts_on, contract.ends_on = starts_on, ends_on
    if value is not None:
        contract.value = _value(value)
    if assets is not None or projects is not None:
        new_assets, new_projects = _coverage(
            contract.customer,
            contract.assets.all() if assets is None else assets,
            contract.projects.all() if projects is None else projects,
        )
        coverage = timeline.changes_between(
            {"assets": contract.assets.all(), "projects": contract.projects.all()},
            {"assets": new_assets, "projects": new_projects},
        )
        contract.assets.set(new_assets)
        contract.projects.set(new_projects)
    _apply_included(contract, included)
    contract.save()
    changes = {**timeline.changes_between(before, contract), **coverage}
    timeline.record(subject=contract, actor=by, kind="updated", internal=True, changes=changes)
    entitlement_refresh_open_cases(customer=contract.customer, by=by)
    return contract


@transaction.atomic
def contract_cover_assets(
    *, contract: ServiceContract, assets: Iterable[Asset], by: Any = None
) -> ServiceContract:
    """Add the customer's newly accepted assets to a contract that lists its covered assets
    (a delivery's final acceptance under it: the caller's guard decides who may)."""
    assets, _projects = _coverage(contract.customer, assets, ())
    new = [a for a in assets if not contract.assets.filter(pk=a.pk).exists()]
    if not new:
        return contract
    contract.assets.add(*new)
    forget_coverage()
    timeline.record(
        subject=contract,
        actor=by,
        kind="updated",
        internal=True,
        changes={"assets": [None, [a.serial_number for a in new]]},
    )
    entitlement_refresh_open_cases(customer=contract.customer, by=by)
    return contract


@transaction.atomic
def contract_renew(
    *,
    by: Any,
    contract: ServiceContract,
    number: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    value: Any = None,
    service_level: str | None = None,
) -> ServiceContract:
    """Create the follow-up contract, linked to this one, starting the day after it ends.

    Without an end date the renewal runs as long as the old contract did; coverage and the
    included services are copied.
    """
    if not can(by, "contracts.add_servicecontract"):
        raise Forbidden(NOT_ALLOWED)
    old = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    renewal = ServiceContract.objects.filter(renewed_from=old).first()
    if renewal is not None:
        raise Invalid(RENEWED_ALREADY % {"number": renewal.number}, field="number")
    starts_on = starts_on or old.ends_on + dt.timedelta(days=1)
    if ends_on is None:
        ends_on = starts_on + (old.ends_on - old.starts_on)
    return contract_create(
        by=by,
        number=number,
        customer=old.customer,
        service_level=service_level or old.sla_policy.code,
        starts_on=starts_on,
        ends_on=ends_on,
        value=old.value if value in (None, "") else value,
        assets=old.assets.all(),
        projects=old.projects.all(),
        renewed_from=old,
        free_upgrades_until=old.free_upgrades_until,
        inspections_per_year=old.inspections_per_year,
        onsite_visits=old.onsite_visits,
        remote_support=old.remote_support,
        advance_replacement=old.advance_replacement,
        training_days=old.training_days,
        service_manager=old.service_manager,
    )


@transaction.atomic
def contract_set_active(*, by: Any, contract: ServiceContract, active: bool) -> ServiceContract:
    """Deactivate (or reactivate) a contract; it no longer covers anything while inactive."""
    if not can(by, "contracts.change_servicecontract"):
        raise Forbidden(NOT_ALLOWED)
    ServiceContract.objects.filter(pk=contract.pk).update(
        is_active=active, updated_at=timezone.now()
    )
    forget_coverage()
    timeline.record(
        subject=contract,
        actor=by,
        kind="reactivated" if active else "deactivated",
        internal=True,
        changes={"is_active": [contract.is_active, active]},
    )
    contract.is_active = active
    entitlement_refresh_open_cases(customer=contract.customer, by=by)
    return contract


# --- expiry warnings -----------------------------------------------------------------------


def _warning_recipient(contract: ServiceContract) -> Any:
    return contract.service_manager or contract.customer.service_manager


def contract_expiry_warnings_send(*, today: dt.date | None = None) -> int:
    """Warn each contract's service manager 60/30/7 days (configurable) before its end.

    Each (contract, end date, threshold) is warned once: the outbox's dedupe key guards it,
    so the daily task may run twice or late. A late run sends the nearest threshold only.
    """
    from aftersales.notify.models import OutboxMessage
    from aftersales.notify.services import notify_enqueue

    today = today or timezone.localdate()
    days = warning_days()
    if not days:
        return 0
    sent = 0
    candidates = ServiceContract.objects.filter(
        is_active=True, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=days[0])
    ).select_related("customer__service_manager", "service_manager", "sla_policy")
    for contract in candidates:
        remaining = (contract.ends_on - today).days
        threshold = min(d for d in days if d >= remaining)
        key = f"contract.expiry:{contract.pk}:{contract.ends_on.isoformat()}:{threshold}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        recipient = _warning_recipient(contract)
        language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
        with transaction.atomic(), translation.override(language):
            notify_enqueue(
                channel="email",
                to_user=recipient,
                subject=_t("Contract %(number)s ends in %(days)d days")
                % {"number": contract.number, "days": remaining},
                body=_t(
                    "Service contract %(number)s of %(customer)s (%(level)s) ends on %(date)s, "
                    "in %(days)d days.\nPlease prepare the renewal: %(url)s"
                )
                % {
                    "number": contract.number,
                    "customer": contract.customer.name,
                    "level": service_level_label(contract.sla_policy.code),
                    "date": contract.ends_on.isoformat(),
                    "days": remaining,
                    "url": reverse("contracts:detail", args=[contract.number]),
                },
                kind="contract.expiry",
                ref_type="contract",
                ref_id=contract.number,
                dedupe_key=key,
            )
        sent += 1
    return sent


# --- warranty terms ------------------------------------------------------------------------


@transaction.atomic
def warranty_term_save(
    *,
    by: Any,
    term: WarrantyTerm | None = None,
    product_model: ProductModel | None,
    kind: str,
    months: Any,
    starts_from: str = WarrantyStart.ACCEPTANCE,
    service_level: str = "",
    exclusions: str = "",
    is_active: bool = True,
) -> WarrantyTerm:
    """Create or edit a warranty term; one active term per (model, kind)."""
    if not can(by, "contracts.change_warrantyterm"):
        raise Forbidden(NOT_ALLOWED)
    kind = (kind or "").strip()
    if kind and kind not in ProductKind.values:
        raise Invalid(UNKNOWN_KIND, field="kind")
    if product_model is None and not kind:
        raise Invalid(MODEL_OR_KIND, field="kind")
    try:
        months = int(months)
    except (TypeError, ValueError) as exc:
        raise Invalid(MONTHS_BAD, field="months") from exc
    if not 0 <= months <= 600:
        raise Invalid(MONTHS_BAD, field="months")
    if starts_from not in WarrantyStart.values:
        raise Invalid(UNKNOWN_START, field="starts_from")
    service_level = (service_level or "").strip()
    if service_level:
        _policy(service_level)
    clash = WarrantyTerm.objects.filter(product_model=product_model, kind=kind, is_active=True)
    if term is not None:
        clash = clash.exclude(pk=term.pk)
    if is_active and clash.exists():
        raise Invalid(TERM_EXISTS, field="kind")
    before = timeline.snapshot(term, TERM_FIELDS) if term else None
    term = term or WarrantyTerm()
    term.product_model, term.kind, term.months = product_model, kind, months
    term.starts_from, term.service_level = starts_from, service_level
    term.exclusions, term.is_active = (exclusions or "").strip(), is_active
    term.save()
    timeline.record(
        subject=term,
        actor=by,
        kind="updated" if before else "created",
        internal=True,
        text=str(term),
        changes=timeline.changes_between(before or {}, term, TERM_FIELDS),
    )
    return term


# --- open cases follow entitlement changes -------------------------------------------------


@transaction.atomic
def entitlement_refresh_open_cases(*, customer: Customer, by: Any = None) -> int:
    """Coverage changed (a contract, its coverage or an asset's acceptance date): the modules
    re-decide their open subjects (contracts.hooks; cases refreshes entitlement and promises).
    Returns the number of cases whose entitlement changed."""
    return coverage_changed(customer=customer, by=by)
