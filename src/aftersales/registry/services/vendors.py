"""Writes on vendors and their product models."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.registry.models import ProductKind, ProductModel, Vendor
from aftersales.registry.services.common import audit, require, taken, touch

VENDOR_CODE_TAKEN = _("A vendor with this code already exists.")
MODEL_TAKEN = _("This vendor already has a model with this name.")
VENDOR_FIELDS = ["code", "name", "support_phone", "support_email"]
MODEL_FIELDS = ["vendor", "name", "product_line", "kind", "warranty_months"]


def vendor_get_or_create(*, name: str) -> Vendor:
    """The vendor with this name or code (ignoring case), created when there is none."""
    name = require("vendor", name)
    vendor = (
        Vendor.objects.filter(name__iexact=name).first()
        or Vendor.objects.filter(code__iexact=name).first()
    )
    if vendor is None:
        vendor = Vendor.objects.create(code=name.upper()[:40], name=name)
    return vendor


def product_model_get_or_create(*, vendor: Vendor, name: str) -> ProductModel:
    """The vendor's model with this name (ignoring case), created when there is none."""
    name = require("product_model", name)
    model = ProductModel.objects.filter(vendor=vendor, name__iexact=name).first()
    if model is None:
        model = ProductModel.objects.create(vendor=vendor, name=name)
    return model


def _vendor_code(code: str, exclude=None) -> str:
    code = require("code", code)
    if taken(Vendor.objects.filter(code__iexact=code), exclude):
        raise Invalid(VENDOR_CODE_TAKEN, field="code")
    return code


@transaction.atomic
def vendor_create(
    *,
    code: str,
    name: str,
    support_phone: str = "",
    support_email: str = "",
    by: User | None = None,
) -> Vendor:
    """Create a vendor; its code is unique ignoring case."""
    code = _vendor_code(code)
    vendor = Vendor.objects.create(
        code=code,
        name=require("name", name),
        support_phone=support_phone.strip(),
        support_email=support_email.strip(),
    )
    audit(vendor, by=by, kind="created", text=str(vendor))
    return vendor


@transaction.atomic
def vendor_update(
    *,
    vendor: Vendor,
    code: str,
    name: str,
    support_phone: str = "",
    support_email: str = "",
    by: User | None = None,
) -> Vendor:
    """Edit a vendor; its code stays unique ignoring case."""
    before = timeline.snapshot(vendor, VENDOR_FIELDS)
    vendor.code = _vendor_code(code, exclude=vendor)
    vendor.name = require("name", name)
    vendor.support_phone = support_phone.strip()
    vendor.support_email = support_email.strip()
    touch(vendor, VENDOR_FIELDS)
    audit(vendor, by=by, kind="updated", before=before)
    return vendor


def _model_name(vendor: Vendor, name: str, exclude=None) -> str:
    name = require("name", name)
    if taken(ProductModel.objects.filter(vendor=vendor, name__iexact=name), exclude):
        raise Invalid(MODEL_TAKEN, field="name")
    return name


@transaction.atomic
def product_model_create(
    *,
    vendor: Vendor,
    name: str,
    product_line: str = "",
    kind: str = ProductKind.HARDWARE,
    warranty_months: int = 36,
    by: User | None = None,
) -> ProductModel:
    """Add a product model; its name is unique within the vendor, ignoring case."""
    name = _model_name(vendor, name)
    model = ProductModel.objects.create(
        vendor=vendor,
        name=name,
        product_line=product_line.strip(),
        kind=kind,
        warranty_months=warranty_months,
    )
    audit(model, by=by, kind="created", text=str(model))
    return model


@transaction.atomic
def product_model_update(
    *,
    product_model: ProductModel,
    vendor: Vendor,
    name: str,
    product_line: str = "",
    kind: str = ProductKind.HARDWARE,
    warranty_months: int = 36,
    by: User | None = None,
) -> ProductModel:
    """Edit a product model, possibly moving it to another vendor."""
    before = timeline.snapshot(product_model, MODEL_FIELDS)
    product_model.name = _model_name(vendor, name, exclude=product_model)
    product_model.vendor = vendor
    product_model.product_line = product_line.strip()
    product_model.kind = kind
    product_model.warranty_months = warranty_months
    touch(product_model, MODEL_FIELDS)
    audit(product_model, by=by, kind="updated", before=before)
    return product_model
