"""The building blocks of the modules' access predicates (`<app>/access.py`): an action's rule
as who may ever do it plus what the object's state says now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.core.errors import ApplicationError, Conflict, Forbidden

Who = Callable[[Any, Any], bool]
Refusal = Callable[[Any], ApplicationError | None]


@dataclass(frozen=True)
class Predicate:
    """An action's rule: `who` may ever do it to this object, and `refusal`, the error its
    current state gives (None when the state allows it). Called, it answers both at once."""

    who: Who
    refusal: Refusal = lambda obj: None

    def __call__(self, user: Any, obj: Any) -> bool:
        return self.who(user, obj) and self.refusal(obj) is None

    def enforce_who(self, user: Any, obj: Any) -> None:
        """Refuse (403) a user who may never do this to `obj`, whatever its state."""
        if not self.who(user, obj):
            raise Forbidden(NOT_ALLOWED)

    def enforce(self, user: Any, obj: Any) -> None:
        """Refuse unless the predicate holds: 403 for the user, else the state's own 409."""
        self.enforce_who(user, obj)
        error = self.refusal(obj)
        if error is not None:
            raise error


def is_customer_of(user: Any, obj: Any) -> bool:
    """A contact (never staff) of the customer `obj` belongs to (its `customer_id`)."""
    return customer_id_of(user) == obj.customer_id and not is_staff_member(user)


def staff_with(permission: str) -> Who:
    """Staff holding `permission`."""

    def who(user: Any, obj: Any) -> bool:
        return is_staff_member(user) and can(user, permission)

    return who


def in_states(message: Any, *statuses: str) -> Refusal:
    """The action exists only in these statuses; elsewhere 409 with `message` % {"status"}."""

    def refusal(obj: Any) -> ApplicationError | None:
        if obj.status in statuses:
            return None
        return Conflict(
            message % {"status": obj.get_status_display()}, extra={"status": obj.status}
        )

    return refusal
