"""Reads behind the console's pickers: who can take a case, and how loaded they are."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case, CaseType
from aftersales.registry.models import Vendor


def _with_roles(*roles: str) -> QuerySet[User]:
    # A subquery rather than a join: a user in two groups still appears once.
    members = User.objects.filter(groups__name__in=roles).values("pk")
    return User.objects.people().filter(is_active=True, pk__in=members)


def engineer_names_for_picker() -> QuerySet[User]:
    """Active engineers and experts by name, without their load (filters need no counts)."""
    return (
        _with_roles(Role.ENGINEER, Role.EXPERT)
        .select_related("engineer")
        .order_by("display_name", "username")
    )


def engineers_for_picker(*roles: str) -> QuerySet[User]:
    """Active engineers/experts with their region and open-case count, least loaded first."""
    open_cases = (
        Case.objects.filter(assignee=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _with_roles(*(roles or (Role.ENGINEER, Role.EXPERT)))
        .select_related("engineer")
        .annotate(
            open_case_count=Coalesce(Subquery(open_cases, output_field=IntegerField()), Value(0))
        )
        .order_by("open_case_count", "username")
    )


def experts_for_picker() -> QuerySet[User]:
    return engineers_for_picker(Role.EXPERT)


def vendors_for_picker() -> QuerySet[Vendor]:
    return Vendor.objects.filter(is_active=True).order_by("name")


def case_types_for_picker() -> QuerySet[CaseType]:
    return CaseType.objects.filter(is_active=True)
