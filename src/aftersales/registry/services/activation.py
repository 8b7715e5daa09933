"""Retiring and restoring registry rows: nothing in the registry is deleted."""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.db.models import Model

from aftersales.registry.models import Contact
from aftersales.registry.services.common import touch
from aftersales.registry.services.contacts import portal_login_disable

Row = TypeVar("Row", bound=Model)


@transaction.atomic
def deactivate(*, obj: Row) -> Row:
    """Retire a registry row (nothing is deleted); a contact's portal login goes with it."""
    obj.is_active = False
    touch(obj, ["is_active"])
    if isinstance(obj, Contact) and obj.user_id:
        portal_login_disable(obj.user)
    return obj


@transaction.atomic
def reactivate(*, obj: Row) -> Row:
    """Bring a retired row back; a contact's portal login stays off until given again."""
    obj.is_active = True
    touch(obj, ["is_active"])
    return obj
