"""Writes on assets and their components (an asset's parent is another asset)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.models import Activity
from aftersales.registry.hooks import warranty_changed
from aftersales.registry.models import Asset, Customer, ProductModel, Project, Site
from aftersales.registry.services.common import (
    ACCEPTED_BEFORE_INSTALLED,
    OTHER_CUSTOMERS_RECORD,
    audit,
    require,
    taken,
    touch,
)
from aftersales.registry.services.vendors import product_model_get_or_create, vendor_get_or_create

SERIAL_TAKEN = _("An asset with this serial number already exists.")
UNKNOWN_PARENT = _("No asset has this serial number.")
PARENT_OTHER_CUSTOMER = _("The parent asset belongs to another customer.")
PARENT_IS_SELF = _("An asset cannot be a component of itself.")
PARENT_IS_DESCENDANT = _("The parent asset is one of this asset's own components.")


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
    site: Site | None = None,
    project: Project | None = None,
    parent_serial: str = "",
    by: User | None = None,
) -> Asset:
    """Register an asset named as typed (vendor, model, parent serial); the API's way in.
    The checks are asset_register's, so the API and the console accept the same assets."""
    serial_number = require("serial_number", serial_number)
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
    return asset_register(
        customer=customer,
        serial_number=serial_number,
        product_model=model,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
        warranty_months=warranty_months,
        software_version=software_version,
        by=by,
    )


def _asset_checks(
    *,
    customer: Customer,
    serial_number: str,
    site: Site | None,
    project: Project | None,
    parent: Asset | None,
    installed_on: dt.date | None,
    accepted_on: dt.date | None,
    asset: Asset | None = None,
) -> str:
    serial_number = require("serial_number", serial_number)
    if taken(Asset.objects.filter(serial_number__iexact=serial_number), asset):
        raise Invalid(SERIAL_TAKEN, field="serial_number")
    if site is not None and site.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="site")
    if project is not None and project.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="project")
    if installed_on and accepted_on and accepted_on < installed_on:
        raise Invalid(ACCEPTED_BEFORE_INSTALLED, field="accepted_on")
    if parent is not None:
        if parent.customer_id != customer.pk:
            raise Invalid(PARENT_OTHER_CUSTOMER, field="parent")
        if asset is not None and asset.pk:
            if parent.pk == asset.pk:
                raise Invalid(PARENT_IS_SELF, field="parent")
            # Walk up from the new parent: meeting this asset means a cycle.
            seen: set[int] = set()
            node = parent
            while node.parent_id is not None and node.parent_id not in seen:
                if node.parent_id == asset.pk:
                    raise Invalid(PARENT_IS_DESCENDANT, field="parent")
                seen.add(node.parent_id)
                node = Asset.objects.only("pk", "parent_id").get(pk=node.parent_id)
    return serial_number


@transaction.atomic
def asset_register(
    *,
    customer: Customer,
    serial_number: str,
    product_model: ProductModel,
    site: Site | None = None,
    project: Project | None = None,
    parent: Asset | None = None,
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    notes: str = "",
    by: User | None = None,
) -> Asset:
    """Create an asset from chosen records (asset_create resolves typed names for the API)."""
    serial_number = _asset_checks(
        customer=customer,
        serial_number=serial_number,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
    )
    try:
        with transaction.atomic():
            asset = Asset.objects.create(
                customer=customer,
                serial_number=serial_number,
                product_model=product_model,
                site=site,
                project=project,
                parent=parent,
                installed_on=installed_on,
                accepted_on=accepted_on,
                warranty_months=warranty_months,
                software_version=software_version.strip(),
                notes=notes.strip(),
            )
    except IntegrityError as exc:  # a concurrent insert of the same serial
        raise Invalid(SERIAL_TAKEN, field="serial_number") from exc
    audit(asset, by=by, kind="created", text=str(asset))
    return asset


@transaction.atomic
def asset_update(
    *,
    asset: Asset,
    serial_number: str,
    product_model: ProductModel,
    site: Site | None = None,
    project: Project | None = None,
    parent: Asset | None = None,
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    notes: str = "",
    by: User | None = None,
) -> Asset:
    """Edit an asset; it stays with its customer, and its parent may not form a cycle."""
    asset.serial_number = _asset_checks(
        customer=asset.customer,
        serial_number=serial_number,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
        asset=asset,
    )
    fields = ["serial_number", "product_model", "site", "project", "parent", "installed_on"]
    fields += ["accepted_on", "warranty_months", "software_version", "notes"]
    changes = timeline.snapshot(asset, fields)
    asset.product_model = product_model
    asset.site = site
    asset.project = project
    asset.parent = parent
    asset.installed_on = installed_on
    asset.accepted_on = accepted_on
    asset.warranty_months = warranty_months
    asset.software_version = software_version.strip()
    asset.notes = notes.strip()
    before = Asset.objects.values_list("accepted_on", "warranty_months", "product_model_id").get(
        pk=asset.pk
    )
    try:
        with transaction.atomic():
            touch(asset, fields)
    except IntegrityError as exc:
        raise Invalid(SERIAL_TAKEN, field="serial_number") from exc
    audit(asset, by=by, kind="updated", before=changes)
    if before != (asset.accepted_on, asset.warranty_months, asset.product_model_id):
        # The warranty moved: open cases of this customer get their entitlement re-decided
        # (contracts listens: registry.hooks).
        warranty_changed(customer=asset.customer, by=by)
    return asset


CHANGE_WHAT_REQUIRED = _("Say what was changed.")
CHANGE_TOO_LONG = _("Keep each part of a change record under 300 characters.")


@transaction.atomic
def asset_config_change(
    *,
    asset: Asset,
    what: str,
    before: str = "",
    after: str = "",
    reason: str = "",
    by: User | None = None,
    source: str = "",
) -> Activity:
    """A configuration change made on the asset (e.g. during an inspection visit), archived
    as a change record on its history; `source` names where it was made ("巡检 …")."""
    what, before, after, reason = (v.strip() for v in (what, before, after, reason))
    if not what:
        raise Invalid(CHANGE_WHAT_REQUIRED, field="what")
    for field, value in (("what", what), ("before", before), ("after", after), ("reason", reason)):
        if len(value) > 300:
            raise Invalid(CHANGE_TOO_LONG, field=field)
    text = " · ".join(part for part in (source, reason) if part)
    return audit(asset, by=by, kind="config_change", text=text, changes={what: [before, after]})
