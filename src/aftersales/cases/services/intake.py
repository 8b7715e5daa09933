"""Opening a case: checks, entitlement, SLA deadlines, number, search index."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import access, deadlines, search
from aftersales.cases.models import ActivityKind, Case, Channel, Priority, ServiceMode
from aftersales.cases.numbering import next_case_number
from aftersales.cases.selectors import active_case_type
from aftersales.cases.services.common import (
    NOT_ALLOWED,
    UNKNOWN_CASE_TYPE,
    UNKNOWN_CONTACT,
    UNKNOWN_SERIAL,
    record,
    required_text,
)
from aftersales.contracts.entitlement import entitlement_for
from aftersales.core.errors import Forbidden, Invalid
from aftersales.core.schema_types import SHORT_TEXT_MAX, bounded_text
from aftersales.registry.models import Asset, Contact, Customer, Vendor

# What a customer contact may not choose (the portal's form offers none of it): a P1 goes to
# the hotline so that a person picks it up at once, phone and fax are the seat's own intake,
# and a major request is flagged by the service desk that records its signed approval.
CONTACT_NO_P1 = _("Call the hotline for a P1: a person picks it up at once.")
CONTACT_CHANNELS = frozenset({Channel.PORTAL, Channel.API, Channel.EMAIL})
CONTACT_CHANNEL = _("Customers report through the portal, the API or e-mail.")
CONTACT_NO_MAJOR = _("Major requests are flagged by our service desk; please call the hotline.")


def _contact_may_choose(*, priority: str, channel: str, is_major: bool) -> None:
    """The portal's rules for a contact's own case, for every way in (portal, API, mail)."""
    if priority == Priority.P1:
        raise Invalid(CONTACT_NO_P1, field="priority")
    if channel not in CONTACT_CHANNELS:
        raise Invalid(CONTACT_CHANNEL, field="channel")
    if is_major:
        raise Invalid(CONTACT_NO_MAJOR, field="is_major")


def case_create(
    *,
    by: User,
    customer: Customer,
    title: str,
    description: str = "",
    priority: str = Priority.P3,
    case_type: str = "fault",
    channel: str = Channel.PHONE,
    service_mode: str = ServiceMode.REMOTE,
    serial_number: str = "",
    contact: Contact | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    fault_symptom: str = "",
    vendor: Vendor | None = None,
    is_major: bool = False,
) -> Case:
    """Open a case for a customer; contacts may only open cases for their own organisation."""
    if not access.can_create_case(by, customer.pk):
        raise Forbidden(NOT_ALLOWED)
    # A contact opens its own organisation's case by the portal's rules; staff choose freely.
    by_customer = not access.can_create_case(by)
    title = required_text(title, "title", limit=SHORT_TEXT_MAX)
    bounded_text(description.strip(), field="description")
    bounded_text(fault_symptom.strip(), field="fault_symptom")
    if priority not in Priority.values:
        raise Invalid(_("Choose P1, P2, P3 or P4."), field="priority")
    if channel not in Channel.values:
        raise Invalid(_("Unknown channel."), field="channel")
    if service_mode not in ServiceMode.values:
        raise Invalid(_("Unknown service mode."), field="service_mode")
    if by_customer:
        _contact_may_choose(priority=priority, channel=channel, is_major=is_major)
    kind = active_case_type(case_type)
    if kind is None:
        raise Invalid(UNKNOWN_CASE_TYPE, field="case_type")
    if contact is not None and contact.customer_id != customer.pk:
        raise Invalid(UNKNOWN_CONTACT, field="contact")
    if contact is None and by_customer:
        contact = by.contact
    asset = None
    if serial_number:
        asset = (
            Asset.objects.select_related("product_model__vendor")
            .filter(customer=customer, serial_number__iexact=serial_number.strip())
            .first()
        )
        if asset is None:
            raise Invalid(UNKNOWN_SERIAL, field="serial_number")
    now = timezone.now()
    case = Case(
        title=title,
        description=description.strip(),
        fault_symptom=fault_symptom.strip(),
        customer=customer,
        contact=contact,
        caller_name=caller_name or (contact.name if contact else ""),
        caller_phone=caller_phone or (contact.phone if contact else ""),
        asset=asset,
        serial_number=serial_number.strip(),
        product_model=asset.product_model if asset else None,
        vendor=vendor or (asset.product_model.vendor if asset else None),
        case_type=kind,
        priority=priority,
        channel=channel,
        service_mode=service_mode,
        is_major=is_major,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    entitlement = entitlement_for(asset=asset, on=timezone.localdate(now))
    case.entitlement_status = entitlement.status
    case.entitlement_reason = entitlement.stored_reason
    deadlines.on_create(case, now)
    # Every creation needs the day's counter row: outside a caller's transaction the number is
    # taken in its own statement, so its lock is not held through the inserts and the commit.
    # A failed insert leaves a gap in the day's numbers, never a duplicate (docs/decisions.md).
    case.number = next_case_number(now)
    case.search_text = search.document_for(case)
    with transaction.atomic():
        case.save()
        search.index_case(case)
        deadlines.on_created(case)
        record(
            case,
            by=by,
            kind=ActivityKind.CREATED,
            now=now,
            text=case.description,
            data={"channel": channel, "priority": priority},
        )
    # Nobody is on a new case yet: callers showing it need not ask.
    case._prefetched_objects_cache = {"participants": User.objects.none()}
    return case
