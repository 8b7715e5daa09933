"""Writes on our staff's service profiles (engineers): logins, skills, customers, on-call."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import forget_api_tokens, user_create
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.registry.models import Customer, Engineer, Skill
from aftersales.registry.services.common import audit, names, require, touch

STAFF_ROLE_ONLY = _("Choose a staff role.")
FIELDS = ["name", "phone", "email", "region", "on_call"]


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
    engineer = Engineer.objects.create(
        user=user, name=name, phone=phone, email=email, region=region
    )
    audit(engineer, by=by, kind="created", text=str(engineer), changes={"role": [None, role]})
    return engineer


def _responsibilities_set(
    engineer: Engineer, customers: Iterable[Customer], *, by: User | None
) -> dict[str, list]:
    """Set the engineer's customers; each customer gained or lost gets its own row, so a
    customer's history says who changed its engineers. Returns the engineer's change."""
    before = {c.pk: c for c in engineer.customers.all()}
    after = {c.pk: c for c in customers}
    engineer.customers.set(after.values())
    for pk in after.keys() - before.keys():
        audit(after[pk], by=by, kind="engineer_added", text=str(engineer))
    for pk in before.keys() - after.keys():
        audit(before[pk], by=by, kind="engineer_removed", text=str(engineer))
    if before.keys() == after.keys():
        return {}
    return {"customers": [names(before.values()), names(after.values())]}


def _profile_set(
    engineer: Engineer,
    *,
    name: str,
    phone: str,
    email: str,
    region: str,
    on_call: bool,
    skills: Iterable[Skill],
    customers: Iterable[Customer],
    by: User | None,
) -> dict[str, list]:
    """Write the profile, skills and customers; returns the skills' and customers' changes."""
    engineer.name = require("name", name)
    engineer.phone = phone.strip()
    engineer.email = email.strip()
    engineer.region = region.strip()
    engineer.on_call = on_call
    touch(engineer, FIELDS)
    skills = list(skills)
    before_skills = names(engineer.skills.all())
    engineer.skills.set(skills)
    changes = {}
    if before_skills != names(skills):
        changes["skills"] = [before_skills, names(skills)]
    changes.update(_responsibilities_set(engineer, customers, by=by))
    User.objects.filter(pk=engineer.user_id).update(
        display_name=engineer.name, email=engineer.email, phone=engineer.phone
    )
    forget_api_tokens()
    return changes


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
    by: User | None = None,
) -> Engineer:
    """Edit a staff service profile; the login's display name, e-mail and phone follow."""
    before = timeline.snapshot(engineer, FIELDS)
    changes = _profile_set(
        engineer,
        name=name,
        phone=phone,
        email=email,
        region=region,
        on_call=on_call,
        skills=skills,
        customers=customers,
        by=by,
    )
    audit(engineer, by=by, kind="updated", before=before, changes=changes)
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
    # The "created" row stands for the whole registration; customers gained get theirs.
    _profile_set(
        engineer,
        name=name,
        phone=phone,
        email=email,
        region=region,
        on_call=on_call,
        skills=skills,
        customers=customers,
        by=by,
    )
    return engineer


@transaction.atomic
def engineer_responsibility_add(
    *, engineer: Engineer, customer: Customer, by: User | None = None
) -> Engineer:
    """Make the engineer responsible for one more customer (the customer's history says who)."""
    engineer.customers.add(customer)
    audit(customer, by=by, kind="engineer_added", text=str(engineer))
    return engineer


@transaction.atomic
def engineer_responsibility_remove(
    *, engineer: Engineer, customer: Customer, by: User | None = None
) -> Engineer:
    """Take one customer off the engineer's responsibilities (the customer's history says who)."""
    engineer.customers.remove(customer)
    audit(customer, by=by, kind="engineer_removed", text=str(engineer))
    return engineer
