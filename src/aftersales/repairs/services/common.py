"""What every repair write shares: messages, the row lock, the event row, the contact's mail.

Private to this package: other code imports these names from aftersales.repairs.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aftersales.cases.models import Attachment
from aftersales.core import timeline
from aftersales.core.models import Activity
from aftersales.repairs.access import Predicate
from aftersales.repairs.models import RepairOrder

UNKNOWN_MODE = _("Choose onsite, carry-in, mail-in or remote.")
UNKNOWN_FAULT = _("Choose a fault category from the list.")
FAULT_REQUIRED = _("Describe the fault.")
UNKNOWN_DECISION = _("Choose repair, swap part or swap device.")
UNKNOWN_TRAVEL = _("Choose no travel, per kilometre or a fixed fee.")
UNKNOWN_EXCLUSION = _("Unknown warranty exclusion.")
NOT_NEGATIVE = _("Enter zero or more.")
BAD_AMOUNT = _("Enter an amount in yuan, e.g. 120.50.")
PART_NAME_REQUIRED = _("Each part needs a name.")
BAD_QUANTITY = _("Quantities are whole numbers from 1.")
NOT_AN_ENGINEER = _("Engineers must be active staff members.")
ASSET_OF_OTHER_CUSTOMER = _("This asset does not belong to the case's customer.")
NO_PRICE_LIST = _("No active price list: an administrator must set one up.")
DIAGNOSIS_REQUIRED = _("Write the diagnosis before sending a quote.")
OVER_QUOTE = _(
    "The cost now exceeds the approved quote of %(amount)s yuan: send a new quote first."
)
NAME_REQUIRED = _("Enter the name of the person who decided.")
SIGNER_REQUIRED = _("Enter the signer's name.")
SIGNATURE_REQUIRED = _("The customer must sign on the screen.")
TEST_RESULTS_REQUIRED = _("Record the test results.")
DECIDED_IN_FUTURE = _("The decision cannot be in the future.")


def record_event(
    order: RepairOrder,
    *,
    by: Any,
    kind: str,
    now: dt.datetime,
    text: str = "",
    changes: dict | None = None,
    **data: Any,
) -> Activity:
    """The order's timeline row (core.timeline, subject kind "repair"), in this transaction."""
    return timeline.record(
        subject=order, actor=by, kind=kind, at=now, text=text, changes=changes, data=data
    )


def lock_order(order: RepairOrder, by: Any, predicate: Predicate) -> RepairOrder:
    """Reload the order under a row lock; refuse it unless `predicate` allows `by` now."""
    locked = RepairOrder.objects.select_for_update().get(pk=order.pk)
    predicate.enforce(by, locked)
    return locked


def save_order(order: RepairOrder, now: dt.datetime, *fields: str) -> None:
    order.updated_at = now
    order.save(update_fields=[*fields, "updated_at"])


def contact_name(user: Any) -> str:
    contact = getattr(user, "contact", None)
    return getattr(contact, "name", "") or user.get_username()


def site_url(path: str) -> str:
    """An absolute link for e-mails when SITE_URL is set (e.g. https://service.example.cn)."""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def notify_contact(
    order: RepairOrder,
    *,
    kind: str,
    subject: str,
    body: str,
    key: str,
    attachment: Attachment | None = None,
) -> None:
    """Queue a mail to the case's contact, if any; once per kind, order and `key`."""
    from aftersales.notify.services import notify_enqueue

    contact = order.case.contact
    if contact is None:
        return
    notify_enqueue(
        channel="email",
        to_user=contact.user,
        address=contact.email,
        subject=subject,
        body=body,
        kind=kind,
        ref_type="repair",
        ref_id=order.number,
        dedupe_key=f"{kind}:{order.number}:{key}",
        attachment_path=attachment.file.name if attachment is not None else "",
        attachment_name=attachment.name if attachment is not None else "",
    )
