"""The roles of domain.md as Django groups, with the permissions each one carries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER_CONTACT = "customer_contact", _("Customer contact")
    DISPATCHER = "dispatcher", _("Dispatcher / call-centre seat")
    ENGINEER = "engineer", _("Engineer")
    EXPERT = "expert", _("Technical expert")
    RMA_ADMIN = "rma_admin", _("RMA administrator")
    WAREHOUSE = "warehouse", _("Warehouse keeper")
    MANAGER = "manager", _("Manager")
    COMPLAINT_OFFICER = "complaint_officer", _("Complaint officer")
    SERVICE_MANAGER = "service_manager", _("Customer service manager")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset(Role) - {Role.CUSTOMER_CONTACT}

_REGISTRY_MODELS = (
    "customer",
    "contact",
    "project",
    "projectmember",
    "site",
    "vendor",
    "productmodel",
    "asset",
    "topologyattachment",
    "engineer",
    "skill",
)
_VIEW_REGISTRY = [f"registry.view_{m}" for m in _REGISTRY_MODELS]
_EDIT_REGISTRY = [
    f"registry.{action}_{m}" for m in _REGISTRY_MODELS for action in ("add", "change")
]

# Default permissions per role; an admin may grant more in the Django admin, and a
# later migrate never takes away what an admin added.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CUSTOMER_CONTACT: [],
    Role.DISPATCHER: _VIEW_REGISTRY + _EDIT_REGISTRY + ["registry.import_registry"],
    Role.ENGINEER: _VIEW_REGISTRY,
    Role.EXPERT: _VIEW_REGISTRY,
    Role.RMA_ADMIN: _VIEW_REGISTRY,
    Role.WAREHOUSE: _VIEW_REGISTRY,
    Role.MANAGER: _VIEW_REGISTRY + _EDIT_REGISTRY + ["registry.import_registry"],
    Role.COMPLAINT_OFFICER: _VIEW_REGISTRY,
    Role.SERVICE_MANAGER: _VIEW_REGISTRY + _EDIT_REGISTRY + ["registry.import_registry"],
    Role.ADMIN: _VIEW_REGISTRY + _EDIT_REGISTRY + ["registry.import_registry"],
}


def sync_role_groups(sender=None, **kwargs) -> None:
    """Create one group per role and give it its default permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = [perms[c] for c in codes if c in perms]
        if wanted:
            group.permissions.add(*wanted)
