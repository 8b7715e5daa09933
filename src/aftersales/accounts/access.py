"""Who may do what: the one place roles are checked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.backends import user_access
from aftersales.accounts.roles import STAFF_ROLES, Role
from aftersales.core.errors import Forbidden

NOT_ALLOWED = _("You are not allowed to do this.")
ROLE_NOT_GRANTABLE = _("You may not grant this role.")

# Roles with power over other people's work, penalties or the system itself: only an admin
# hands them out (a manager level is part of the manager role, see can_grant_role).
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.SERVICE_MANAGER})


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = user_access(user)[0]
    return roles | {Role.ADMIN} if user.is_superuser else roles


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_customer_contact(user: Any) -> bool:
    return customer_id_of(user) is not None and not is_staff_member(user)


def is_staff_member(user: Any) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


def customer_id_of(user: Any) -> int | None:
    """The customer organisation a contact's login belongs to, or None for staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.contact.customer_id
    except ObjectDoesNotExist:
        return None


def scope_to_customer(
    queryset: QuerySet,
    user: Any,
    *,
    staff_sees_all: bool,
    field: str = "customer_id",
    none_for_staff: bool = False,
) -> QuerySet:
    """The rows of `queryset` the user may see: all of them for staff allowed to
    (`staff_sees_all`), a customer contact's own organisation's rows; Forbidden for anyone else.

    With `none_for_staff`, whoever is refused (staff not allowed to see all, a login that is
    no contact) gets no rows instead of Forbidden, as the registry and contract lists answer.
    """
    if is_staff_member(user):
        if staff_sees_all:
            return queryset
        if none_for_staff:
            return queryset.none()
        raise Forbidden(NOT_ALLOWED)
    customer_id = customer_id_of(user)
    if customer_id is None:
        if none_for_staff:
            return queryset.none()
        raise Forbidden(NOT_ALLOWED)
    return queryset.filter(**{field: customer_id})


def can(user: Any, permission: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # A list asks the same few questions for each of its rows: answer each once per request.
    answers = user.__dict__.setdefault("_can_cache", {})
    if permission not in answers:
        answers[permission] = user.has_perm(permission)
    return answers[permission]


def require(user: Any, permission: str) -> None:
    if not can(user, permission):
        raise Forbidden(NOT_ALLOWED)


def require_role(user: Any, *roles: str) -> None:
    if not has_role(user, *roles):
        raise Forbidden(NOT_ALLOWED)


def grantable_roles(user: Any | None) -> frozenset[str]:
    """The roles `user` may give a login; None is the system (demo loader, commands): all."""
    if user is None or has_role(user, Role.ADMIN):
        return frozenset(Role.values)
    if is_staff_member(user):
        return frozenset(Role.values) - PRIVILEGED_ROLES
    return frozenset()


def can_grant_role(user: Any | None, role: str) -> bool:
    return role in grantable_roles(user)


def require_grant(user: Any | None, role: str) -> None:
    if not can_grant_role(user, role):
        raise Forbidden(ROLE_NOT_GRANTABLE, extra={"field": "role"})
