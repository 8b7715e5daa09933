"""Every page and API operation declares who may call it; the isolation sweep reads the rule.

The declaration states what the service guards and selectors already enforce (the one
predicate per action); it enforces nothing itself. tests/security/test_access_sweep.py calls
every endpoint as each user the rule keeps out and fails on an endpoint without a rule.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

ACCESS_ATTR = "access_rule"

F = TypeVar("F", bound=Callable[..., Any])


class Kind(enum.StrEnum):
    PUBLIC = "public"  # no login: login page, health, token endpoint, set-language
    SIGNED_IN = "signed_in"  # any logged-in user, staff or contact: preferences, logout, /me
    STAFF = "staff"  # any staff role; contacts get 404
    STAFF_PERM = "staff_perm"  # staff holding `perms` (all, or any_of); contacts get 404
    CONTACT = "contact"  # customer contacts only (portal pages); staff get 404
    SCOPED = "scoped"  # staff holding `perms`, or a contact of the object's own customer
    ADMIN = "admin"  # administrators only


@dataclass(frozen=True)
class Rule:
    kind: Kind
    perms: tuple[str, ...] = ()
    any_of: bool = False  # one of `perms` is enough (e.g. close: close_case or work_case)

    def __str__(self) -> str:
        joined = (" | " if self.any_of else ", ").join(self.perms)
        return f"{self.kind}({joined})" if self.perms else str(self.kind)

    def held_by(self, perms: set[str]) -> bool:
        """Whether a holder of `perms` passes the permission part of the rule."""
        if self.any_of:
            return any(p in perms for p in self.perms)
        return all(p in perms for p in self.perms)

    @property
    def contacts_allowed(self) -> bool:
        return self.kind in (Kind.PUBLIC, Kind.SIGNED_IN, Kind.CONTACT, Kind.SCOPED)


PUBLIC = Rule(Kind.PUBLIC)
SIGNED_IN = Rule(Kind.SIGNED_IN)
STAFF = Rule(Kind.STAFF)
CONTACT = Rule(Kind.CONTACT)
ADMIN = Rule(Kind.ADMIN)


def staff_perm(*perms: str, any_of: bool = False) -> Rule:
    """Staff holding every one of `perms` (app_label.codename), or one of them with any_of."""
    return Rule(Kind.STAFF_PERM, perms, any_of)


def scoped(*perms: str, any_of: bool = False) -> Rule:
    """Staff holding `perms`, or a customer contact when the object is their own customer's."""
    return Rule(Kind.SCOPED, perms, any_of)


def access(rule: Rule) -> Callable[[F], F]:
    """Declare `rule` on a view or ninja operation; returns the function unchanged."""

    def mark(func: F) -> F:
        setattr(func, ACCESS_ATTR, rule)
        return func

    return mark


def access_rule_of(func: Callable[..., Any]) -> Rule | None:
    """The rule declared on `func` (also found through functools.wraps wrappers)."""
    return getattr(func, ACCESS_ATTR, None)
