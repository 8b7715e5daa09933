"""Writes on customers: create from the API and imports, register and edit from the console."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.registry.models import Customer
from aftersales.registry.services.common import audit, require, taken, touch

CODE_TAKEN = _("A customer with this code already exists.")
# Raised by the importers, which name customers by code.
UNKNOWN_CUSTOMER = _("No customer has this code.")
FIELDS = ["code", "name", "region", "address", "level", "service_manager", "notes"]


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
    by: User | None = None,
) -> Customer:
    """Create a customer; its code is unique ignoring case."""
    code = require("code", code)
    name = require("name", name)
    if Customer.objects.filter(code__iexact=code).exists():
        raise Invalid(CODE_TAKEN, field="code")
    customer = Customer.objects.create(
        code=code,
        name=name,
        region=region.strip(),
        address=address.strip(),
        level=level,
        service_manager=service_manager,
    )
    audit(customer, by=by, kind="created", text=str(customer))
    return customer


@transaction.atomic
def customer_register(
    *,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
    notes: str = "",
    by: User | None = None,
) -> Customer:
    """customer_create plus the console-only fields (notes), in one transaction."""
    customer = customer_create(
        code=code,
        name=name,
        region=region,
        address=address,
        level=level,
        service_manager=service_manager,
        by=by,
    )
    if notes.strip():
        customer.notes = notes.strip()
        customer.save(update_fields=["notes"])
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
    notes: str = "",
    by: User | None = None,
) -> Customer:
    """Edit a customer; its code stays unique ignoring case."""
    code = require("code", code)
    name = require("name", name)
    if taken(Customer.objects.filter(code__iexact=code), customer):
        raise Invalid(CODE_TAKEN, field="code")
    before = timeline.snapshot(customer, FIELDS)
    customer.code = code
    customer.name = name
    customer.region = region.strip()
    customer.address = address.strip()
    customer.level = level
    customer.service_manager = service_manager
    customer.notes = notes.strip()
    touch(customer, FIELDS)
    audit(customer, by=by, kind="updated", before=before)
    return customer
