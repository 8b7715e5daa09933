"""Writes on a customer's sites."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.registry.models import Customer, Site
from aftersales.registry.services.common import audit, require, taken, touch

NAME_TAKEN = _("This customer already has a site with this name.")


def _site_name(customer: Customer, name: str, exclude=None) -> str:
    name = require("name", name)
    if taken(Site.objects.filter(customer=customer, name__iexact=name), exclude):
        raise Invalid(NAME_TAKEN, field="name")
    return name


@transaction.atomic
def site_create(
    *, customer: Customer, name: str, address: str = "", region: str = "", by: User | None = None
) -> Site:
    """Add a site; its name is unique within the customer, ignoring case."""
    name = _site_name(customer, name)
    site = Site.objects.create(
        customer=customer, name=name, address=address.strip(), region=region.strip()
    )
    audit(site, by=by, kind="created", text=str(site))
    return site


@transaction.atomic
def site_update(
    *, site: Site, name: str, address: str = "", region: str = "", by: User | None = None
) -> Site:
    """Edit a site; it stays with its customer."""
    before = timeline.snapshot(site, ["name", "address", "region"])
    site.name = _site_name(site.customer, name, exclude=site)
    site.address = address.strip()
    site.region = region.strip()
    touch(site, ["name", "address", "region"])
    audit(site, by=by, kind="updated", before=before)
    return site
