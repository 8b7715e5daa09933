"""Writes on our staff's service profiles (engineers): logins, skills, customers, on-call."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_create
from aftersales.core.errors import Invalid
from aftersales.registry.models import Customer, Engineer, Skill
from aftersales.registry.services.common import require, touch

STAFF_ROLE_ONLY = _("Choose a staff role.")


@transaction.atomic
def engineer_create(
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = Role.ENGINEER,
    region: str = "",
    manager_level: str = "",
    by: User | None,
) -> Engineer:
    """Create a staff login with its role and its service profile; `by` must be allowed to
    grant the role (accounts.access.grantable_roles), None is the system."""
    name = require("name", name)
    if role not in Role.values or role == Role.CUSTOMER_CONTACT:
        raise Invalid(STAFF_ROLE_ONLY, field="role")
    user = user_create(
        username=username,
        password=password,
        role=role,
        display_name=name,
        email=email,
        phone=phone,
        manager_level=manager_level,
        by=by,
    )
    return Engineer.objects.create(user=user, name=name, phone=phone, email=email, region=region)


@transaction.atomic
def engineer_update(
    *,
    engineer: Engineer,
    name: str,
    phone: str = "",
    email: str = "",
    region: str = "",
    on_call: bool = False,
    skills: Iterable[Skill] = (),
    customers: Iterable[Customer] = (),
) -> Engineer:
    """Edit a staff service profile; the login's display name, e-mail and phone follow."""
    engineer.name = require("name", name)
    engineer.phone = phone.strip()
    engineer.email = email.strip()
    engineer.region = region.strip()
    engineer.on_call = on_call
    touch(engineer, ["name", "phone", "email", "region", "on_call"])
    engineer.skills.set(skills)
    engineer.customers.set(customers)
    User.objects.filter(pk=engineer.user_id).update(
        display_name=engineer.name, email=engineer.email, phone=engineer.phone
    )
    return engineer


@transaction.atomic
def engineer_register(
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = Role.ENGINEER,
    region: str = "",
    manager_level: str = "",
    on_call: bool = False,
    skills: Iterable[Skill] = (),
    customers: Iterable[Customer] = (),
    by: User | None,
) -> Engineer:
    """engineer_create plus skills, customers and on-call, in one transaction."""
    engineer = engineer_create(
        username=username,
        password=password,
        name=name,
        phone=phone,
        email=email,
        role=role,
        region=region,
        manager_level=manager_level,
        by=by,
    )
    return engineer_update(
        engineer=engineer,
        name=name,
        phone=phone,
        email=email,
        region=region,
        on_call=on_call,
        skills=skills,
        customers=customers,
    )


@transaction.atomic
def engineer_responsibility_add(*, engineer: Engineer, customer: Customer) -> Engineer:
    """Make the engineer responsible for one more customer."""
    engineer.customers.add(customer)
    return engineer


@transaction.atomic
def engineer_responsibility_remove(*, engineer: Engineer, customer: Customer) -> Engineer:
    """Take one customer off the engineer's responsibilities."""
    engineer.customers.remove(customer)
    return engineer
