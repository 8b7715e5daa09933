"""Every write on the registry: plain functions, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_create
from aftersales.core.errors import Invalid
from aftersales.lib.phones import normalize_phone
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    ProductModel,
    Vendor,
)

REQUIRED = _("This field is required.")
CODE_TAKEN = _("A customer with this code already exists.")
SERIAL_TAKEN = _("An asset with this serial number already exists.")
PHONE_TAKEN = _("This customer already has a contact with this phone number.")
BAD_PHONE = _("Enter a phone number with at least 7 digits.")
UNKNOWN_CUSTOMER = _("No customer has this code.")
UNKNOWN_PARENT = _("No asset has this serial number.")
STAFF_ROLE_ONLY = _("Choose a staff role.")


def _require(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(REQUIRED, field=field)
    return value


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
) -> Customer:
    code = _require("code", code)
    name = _require("name", name)
    if Customer.objects.filter(code__iexact=code).exists():
        raise Invalid(CODE_TAKEN, field="code")
    return Customer.objects.create(
        code=code,
        name=name,
        region=region.strip(),
        address=address.strip(),
        level=level,
        service_manager=service_manager,
    )


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = "",
    username: str = "",
    password: str = "",
) -> Contact:
    """Add a contact; with a username it also gets a portal login for its organisation."""
    name = _require("name", name)
    normalized = normalize_phone(phone) if phone else ""
    if phone and len(normalized) < 7:
        raise Invalid(BAD_PHONE, field="phone")
    if (
        normalized
        and Contact.objects.filter(customer=customer, phone_normalized=normalized).exists()
    ):
        raise Invalid(PHONE_TAKEN, field="phone")
    user = None
    if username:
        user = user_create(
            username=username,
            password=password or None,
            role=Role.CUSTOMER_CONTACT,
            display_name=name,
            email=email,
            phone=phone,
        )
    return Contact.objects.create(
        customer=customer,
        name=name,
        phone=phone.strip(),
        email=email.strip(),
        role=role,
        user=user,
    )


@transaction.atomic
def engineer_create(
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = Role.ENGINEER,
    region: str = "",
    manager_level: str = "",
) -> Engineer:
    """Create a staff login with its role and its service profile."""
    name = _require("name", name)
    if role not in Role.values or role == Role.CUSTOMER_CONTACT:
        raise Invalid(STAFF_ROLE_ONLY, field="role")
    user = user_create(
        username=username,
        password=password,
        role=role,
        display_name=name,
        email=email,
        phone=phone,
        manager_level=manager_level,
    )
    return Engineer.objects.create(user=user, name=name, phone=phone, email=email, region=region)


def vendor_get_or_create(*, name: str) -> Vendor:
    name = _require("vendor", name)
    vendor = (
        Vendor.objects.filter(name__iexact=name).first()
        or Vendor.objects.filter(code__iexact=name).first()
    )
    if vendor is None:
        vendor = Vendor.objects.create(code=name.upper()[:40], name=name)
    return vendor


def product_model_get_or_create(*, vendor: Vendor, name: str) -> ProductModel:
    name = _require("product_model", name)
    model = ProductModel.objects.filter(vendor=vendor, name__iexact=name).first()
    if model is None:
        model = ProductModel.objects.create(vendor=vendor, name=name)
    return model


@transaction.atomic
def asset_create(
    *,
    customer: Customer,
    serial_number: str,
    product_model: str,
    vendor: str,
    accepted_on: dt.date | None = None,
    installed_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    site=None,
    project=None,
    parent_serial: str = "",
) -> Asset:
    serial_number = _require("serial_number", serial_number)
    if Asset.objects.filter(serial_number__iexact=serial_number).exists():
        raise Invalid(SERIAL_TAKEN, field="serial_number")
    model = product_model_get_or_create(
        vendor=vendor_get_or_create(name=vendor), name=product_model
    )
    parent = None
    if parent_serial:
        parent = Asset.objects.filter(
            serial_number__iexact=parent_serial, customer=customer
        ).first()
        if parent is None:
            raise Invalid(UNKNOWN_PARENT, field="parent")
    try:
        with transaction.atomic():
            return Asset.objects.create(
                customer=customer,
                serial_number=serial_number,
                product_model=model,
                accepted_on=accepted_on,
                installed_on=installed_on,
                warranty_months=warranty_months,
                software_version=software_version,
                site=site,
                project=project,
                parent=parent,
            )
    except IntegrityError as exc:  # a concurrent insert of the same serial
        raise Invalid(SERIAL_TAKEN, field="serial_number") from exc
