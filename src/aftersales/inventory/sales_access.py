"""Who may do what to a part sale, and when: one predicate per action (architecture rule 6).

Warehouse keepers, RMA admins, managers and admins (`inventory.sell_parts`) draft, quote,
issue and cancel; staff with `inventory.view_partsale` read; a contact of the sale's customer
reads it once quoted and accepts or declines the quote. The services enforce these predicates:
`enforce_who` first (403), then the state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.predicates import Predicate, Refusal, in_states, is_customer_of, staff_with
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.inventory.models import PartSale, PartSaleStatus

VIEW = "inventory.view_partsale"
SELL = "inventory.sell_parts"

NOT_IN_STATE = _("Not possible while the sale is “%(status)s”.")
QUOTE_EXPIRED = _("This quote expired on %(day)s: ask for a new one.")

# What a customer's contact sees: a draft is still the staff's own work.
CUSTOMER_VISIBLE = [s for s in PartSaleStatus.values if s != PartSaleStatus.DRAFT]


def is_expired(sale: PartSale, today: Any = None) -> bool:
    """A quoted sale whose last valid day has passed (local time): it can no longer be accepted."""
    if sale.status == PartSaleStatus.EXPIRED:
        return True
    if sale.status != PartSaleStatus.QUOTED or sale.valid_until is None:
        return False
    return (today or timezone.localdate()) > sale.valid_until


def shown_status(sale: PartSale) -> str:
    """The status a reader sees: a quoted sale past its validity reads as expired."""
    return PartSaleStatus.EXPIRED if is_expired(sale) else sale.status


def _viewer(user: Any, sale: PartSale) -> bool:
    if staff_with(VIEW)(user, sale):
        return True
    return is_customer_of(user, sale) and sale.status in CUSTOMER_VISIBLE


def _in(*statuses: str) -> Refusal:
    return in_states(NOT_IN_STATE, *statuses)


def _open_quote(sale: PartSale) -> ApplicationError | None:
    """Quoted and still valid: an expired quote answers 409 with its last day."""
    if is_expired(sale) and sale.valid_until is not None:
        return Conflict(
            QUOTE_EXPIRED % {"day": sale.valid_until.isoformat()},
            extra={"status": PartSaleStatus.EXPIRED, "valid_until": sale.valid_until.isoformat()},
        )
    return _in(PartSaleStatus.QUOTED)(sale)


def _quotable(sale: PartSale) -> ApplicationError | None:
    """A draft, or a quote that expired (quoting again gives it a new validity)."""
    if is_expired(sale):
        return None
    return _in(PartSaleStatus.DRAFT)(sale)


def _cancellable(sale: PartSale) -> ApplicationError | None:
    if is_expired(sale):
        return None
    return _in(PartSaleStatus.DRAFT, PartSaleStatus.QUOTED, PartSaleStatus.ACCEPTED)(sale)


# See a sale: staff who may, or a contact of its customer once it is quoted.
can_view = Predicate(_viewer)
# Draft a sale (obj: None): sellers only.
can_create = Predicate(staff_with(SELL))
can_quote = Predicate(staff_with(SELL), _quotable)
can_accept = Predicate(is_customer_of, _open_quote)
can_decline = Predicate(is_customer_of, _open_quote)
can_issue = Predicate(staff_with(SELL), _in(PartSaleStatus.ACCEPTED))
can_cancel = Predicate(staff_with(SELL), _cancellable)

# The one table of the sale's steps, in their order: buttons and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "quote": can_quote,
    "accept": can_accept,
    "decline": can_decline,
    "issue": can_issue,
    "cancel": can_cancel,
}


def available_actions(user: Any, sale: PartSale) -> list[str]:
    """The steps `user` may take on `sale` now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, sale)]
