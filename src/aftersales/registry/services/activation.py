"""Retiring and restoring registry rows: nothing in the registry is deleted."""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.services import forget_api_tokens
from aftersales.registry.models import Contact, Customer
from aftersales.registry.services.common import audit, touch
from aftersales.registry.services.contacts import portal_login_disable

Row = TypeVar("Row", bound=Model)


@transaction.atomic
def deactivate(*, obj: Row, by: User | None = None) -> Row:
    """Retire a registry row (nothing is deleted); a contact's portal login goes with it.

    A retired customer's contacts lose their API tokens, and their sessions stop working
    (accounts.backends.organisation_active); their logins return with the customer."""
    obj.is_active = False
    touch(obj, ["is_active"])
    audit(obj, by=by, kind="deactivated", text=str(obj), changes={"is_active": [True, False]})
    if isinstance(obj, Contact) and obj.user_id:
        portal_login_disable(obj.user)
    if isinstance(obj, Customer):
        ApiToken.objects.filter(user__contact__customer=obj, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    # Tokens, contacts and customers changed by queryset updates: no signal told the memo.
    forget_api_tokens()
    return obj


@transaction.atomic
def reactivate(*, obj: Row, by: User | None = None) -> Row:
    """Bring a retired row back; a contact's portal login stays off until given again."""
    obj.is_active = True
    touch(obj, ["is_active"])
    audit(obj, by=by, kind="reactivated", text=str(obj), changes={"is_active": [False, True]})
    return obj
