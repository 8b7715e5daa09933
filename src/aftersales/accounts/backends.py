"""Authentication backend: Django's, with a user's roles and permissions read in one query
and memoised per process."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import CharField, Value

from aftersales.accounts.models import User
from aftersales.core.memo import ConfigMemo


def user_access(user: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The user's role names and "app_label.codename" permissions (memoised, see core.memo)."""
    cached = getattr(user, "_access_cache", None)
    if cached is None:
        cached = user._access_cache = _access.get(user.pk, lambda: _read_access(user))
    return cached


def _read_access(user: Any) -> tuple[frozenset[str], frozenset[str]]:
    # One UNION instead of the roles, user and group permission queries.
    by_role = (
        Group.objects.filter(user=user)
        .order_by()
        .values_list("name", "permissions__content_type__app_label", "permissions__codename")
    )
    direct = (
        Permission.objects.filter(user=user)
        .order_by()
        .values_list(Value("", output_field=CharField()), "content_type__app_label", "codename")
    )
    roles: set[str] = set()
    perms: set[str] = set()
    for role, app_label, codename in by_role.union(direct, all=True):
        if role:
            roles.add(role)
        if codename:
            perms.add(f"{app_label}.{codename}")
    return frozenset(roles), frozenset(perms)


# Every request asks; granting or withdrawing a role or permission, or saving the user,
# forgets the memo in this process at once and in the others within its ttl.
_access = ConfigMemo(
    "access",
    User,
    Group,
    links=(User.groups.through, User.user_permissions.through, Group.permissions.through),
)


def organisation_active(user: Any) -> bool:
    """False for a customer contact whose contact row or customer is retired: such a login may
    not sign in, and its sessions and tokens stop working at once."""
    try:
        contact = user.contact
    except ObjectDoesNotExist:
        return True  # staff
    return contact.is_active and contact.customer.is_active


class RoleBackend(ModelBackend):
    """ModelBackend whose permission set comes from `user_access`; contacts of a retired
    customer are refused on every request (the session then reads as anonymous)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and organisation_active(user)

    def get_user(self, user_id: Any) -> Any:
        # The contact and customer come in the same query: the check above runs per request.
        try:
            user = User._default_manager.select_related("contact__customer").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in perms}
            else:
                user_obj._perm_cache = user_access(user_obj)[1]
        return user_obj._perm_cache
