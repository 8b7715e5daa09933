"""Writes on a customer's projects and their members (our staff and the customer's contacts)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.registry.models import Contact, Customer, MemberSide, Project, ProjectMember
from aftersales.registry.services.common import (
    ACCEPTED_BEFORE_INSTALLED,
    REQUIRED,
    audit,
    require,
    taken,
    touch,
)

PROJECT_CODE_TAKEN = _("A project with this code already exists.")
OTHER_CUSTOMERS_CONTACT = _("This contact belongs to another customer.")
NOT_STAFF = _("Choose a member of our staff.")
ALREADY_MEMBER = _("This person is already a member of the project.")
INACTIVE_CHOICE = _("This record is deactivated.")
FIELDS = ["code", "name", "description", "started_on", "accepted_on"]


def _project_fields(
    *, customer: Customer, code: str, name: str, started_on, accepted_on, exclude=None
) -> tuple[str, str]:
    code = require("code", code)
    name = require("name", name)
    if taken(Project.objects.filter(code__iexact=code), exclude):
        raise Invalid(PROJECT_CODE_TAKEN, field="code")
    if started_on and accepted_on and accepted_on < started_on:
        raise Invalid(ACCEPTED_BEFORE_INSTALLED, field="accepted_on")
    return code, name


@transaction.atomic
def project_create(
    *,
    customer: Customer,
    code: str,
    name: str,
    description: str = "",
    started_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    by: User | None = None,
) -> Project:
    """Create a project; its code is unique ignoring case."""
    code, name = _project_fields(
        customer=customer, code=code, name=name, started_on=started_on, accepted_on=accepted_on
    )
    project = Project.objects.create(
        customer=customer,
        code=code,
        name=name,
        description=description.strip(),
        started_on=started_on,
        accepted_on=accepted_on,
    )
    audit(project, by=by, kind="created", text=str(project))
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    code: str,
    name: str,
    description: str = "",
    started_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    by: User | None = None,
) -> Project:
    """Edit a project; it stays with its customer."""
    code, name = _project_fields(
        customer=project.customer,
        code=code,
        name=name,
        started_on=started_on,
        accepted_on=accepted_on,
        exclude=project,
    )
    before = timeline.snapshot(project, FIELDS)
    project.code = code
    project.name = name
    project.description = description.strip()
    project.started_on = started_on
    project.accepted_on = accepted_on
    touch(project, FIELDS)
    audit(project, by=by, kind="updated", before=before)
    return project


@transaction.atomic
def project_member_add(
    *,
    project: Project,
    user: User | None = None,
    contact: Contact | None = None,
    role: str = "",
    by: User | None = None,
) -> ProjectMember:
    """Add one of our staff (user) or one of the customer's contacts; re-adding revives."""
    if user is not None:
        if not is_staff_member(user) or not user.is_active:
            raise Invalid(NOT_STAFF, field="user")
        lookup = {"side": MemberSide.OURS, "user": user}
    elif contact is not None:
        if contact.customer_id != project.customer_id:
            raise Invalid(OTHER_CUSTOMERS_CONTACT, field="contact")
        if not contact.is_active:
            raise Invalid(INACTIVE_CHOICE, field="contact")
        lookup = {"side": MemberSide.CUSTOMER, "contact": contact}
    else:
        raise Invalid(REQUIRED, field="user")
    member = ProjectMember.objects.filter(project=project, **lookup).first()
    if member is not None and member.is_active:
        raise Invalid(ALREADY_MEMBER, field="contact" if contact else "user")
    if member is not None:
        member.is_active = True
        member.role = role.strip()
        member.save(update_fields=["is_active", "role"])
    else:
        member = ProjectMember.objects.create(project=project, role=role.strip(), **lookup)
    audit(project, by=by, kind="member_added", text=str(user or contact))
    return member


@transaction.atomic
def project_member_remove(*, member: ProjectMember, by: User | None = None) -> ProjectMember:
    """Take a member off the project; the row stays, inactive, for the history."""
    member.is_active = False
    member.save(update_fields=["is_active"])
    audit(member.project, by=by, kind="member_removed", text=str(member.user or member.contact))
    return member
