"""The call-centre lookup (Call Center信息查询): one query string to everything about a customer.

The seat types a customer code, any contact's phone number or an asset serial number; the
selector answers with the customer and every section the seat needs on one screen. Each step is
one indexed query, so the cost does not grow with the registry (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of
from aftersales.core.db import planned_per_call
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.lib.phones import looks_like_phone, normalize_phone
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    MemberSide,
    Project,
    ProjectMember,
)

MATCH_CODE = "customer_code"
MATCH_PHONE = "phone"
MATCH_SERIAL = "serial"
MATCH_NAME = "name"

QUERY_MAX_LENGTH = 200
ASSET_LIMIT = 50
CONTACT_LIMIT = 100
PROJECT_LIMIT = 30
ENGINEER_LIMIT = 50
CANDIDATE_LIMIT = 20

QUERY_REQUIRED = _("Type a customer code, a phone number or a serial number.")
QUERY_TOO_LONG = _("The search text is too long.")
NOT_FOUND = _("Not found.")


@dataclass(frozen=True)
class ContractSummary:
    """One line of the contracts section, as a contracts app provides it."""

    number: str
    service_level: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str = ""
    status_label: str = ""  # what the page shows; `status` stays the API's code


@dataclass(frozen=True)
class CaseSummary:
    """One line of the open-cases section, as a cases app provides it."""

    number: str
    title: str
    status: str
    priority: str
    assignee: str
    created_at: dt.datetime
    # What the page shows, in the reader's language; the codes above are the API's.
    status_label: str = ""
    priority_label: str = ""


# A provider answers for one customer in one query (the lookup's query budget counts one per
# provider); it is called as provider(customer=..., user=...) and returns summaries, newest or
# most urgent first, at most a screenful.
SectionProvider = Callable[..., list[Any]]

_SECTION_PROVIDERS: dict[str, list[SectionProvider]] = {"contracts": [], "open_cases": []}


def register_section(section: str, provider: SectionProvider) -> None:
    """Plug a provider into a lookup section; apps call this from AppConfig.ready().

    Sections are "contracts" (ContractSummary items) and "open_cases" (CaseSummary items).
    Registering the same provider twice is a no-op, so a repeated ready() does no harm.
    """
    if section not in _SECTION_PROVIDERS:
        raise ValueError(f"Unknown lookup section {section!r}")
    if provider not in _SECTION_PROVIDERS[section]:
        _SECTION_PROVIDERS[section].append(provider)


def unregister_section(section: str, provider: SectionProvider) -> None:
    if provider in _SECTION_PROVIDERS.get(section, []):
        _SECTION_PROVIDERS[section].remove(provider)


def section_providers(section: str) -> tuple[SectionProvider, ...]:
    return tuple(_SECTION_PROVIDERS[section])


def _section(name: str, *, customer: Customer, user: Any) -> list[Any]:
    items: list[Any] = []
    for provider in _SECTION_PROVIDERS[name]:
        items.extend(provider(customer=customer, user=user))
    return items


@dataclass(frozen=True)
class Candidate:
    """A customer the query might mean; `via` says why (the contact whose phone matched...)."""

    code: str
    name: str
    region: str
    via: str = ""


@dataclass(frozen=True)
class EngineerLink:
    """An engineer of ours who looks after the customer, and why."""

    engineer: Engineer
    responsible: bool
    project_codes: tuple[str, ...] = ()


@dataclass
class LookupResult:
    q: str
    matched_by: str | None = None
    customer: Customer | None = None
    candidates: list[Candidate] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    contacts_truncated: bool = False
    matched_contact_ids: frozenset[int] = frozenset()
    projects: list[Project] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    asset_count: int = 0
    matched_serial: str = ""
    contracts: list[ContractSummary] = field(default_factory=list)
    open_cases: list[CaseSummary] = field(default_factory=list)
    engineers: list[EngineerLink] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.customer is not None

    @property
    def more_assets(self) -> int:
        return max(self.asset_count - len(self.assets), 0)


def lookup_for_user(*, user: Any, q: str) -> LookupResult:
    """Find the customer meant by q (code, phone, serial, then partial name) with its sections.

    Staff need registry.view_customer. A customer contact searches their own organisation only,
    and anything else, existing elsewhere or not at all, raises NotFound: the two look the same.
    Several matching customers give `candidates` and no customer.
    """
    q = (q or "").strip()
    if not q:
        raise Invalid(QUERY_REQUIRED, field="q")
    if len(q) > QUERY_MAX_LENGTH:
        raise Invalid(QUERY_TOO_LONG, field="q")
    if can(user, "registry.view_customer"):
        scope_id = None
    else:
        scope_id = customer_id_of(user)
        if scope_id is None:
            raise Forbidden(NOT_ALLOWED)

    result = _match(q, scope_id)
    if result.customer is None:
        if scope_id is not None:
            raise NotFound(NOT_FOUND)
        return result
    _fill_sections(result, user=user)
    return result


def _customers(scope_id: int | None):
    qs = Customer.objects.filter(is_active=True)
    return qs if scope_id is None else qs.filter(pk=scope_id)


def _match(q: str, scope_id: int | None) -> LookupResult:
    """Try the exact keys first (each one indexed query), then a partial name."""
    # Codes are stored as typed (usually upper case); both spellings hit the unique index.
    customer = (
        _customers(scope_id)
        .select_related("service_manager")
        .filter(code__in=sorted({q, q.upper()}))
        .first()
    )
    if customer is not None:
        return LookupResult(q=q, matched_by=MATCH_CODE, customer=customer)

    # Upper(serial_number) is what asset_serial_upper_idx indexes; iexact would not use it.
    assets = Asset.objects.filter(is_active=True, customer__is_active=True)
    if scope_id is not None:
        assets = assets.filter(customer_id=scope_id)
    asset = (
        assets.alias(serial_upper=Upper("serial_number"))
        .filter(serial_upper=q.upper())
        .select_related("customer__service_manager", "product_model__vendor", "site", "parent")
        .first()
    )
    if asset is not None:
        result = LookupResult(q=q, matched_by=MATCH_SERIAL, customer=asset.customer)
        result.matched_serial = asset.serial_number
        result.assets = [asset]
        return result

    if looks_like_phone(q):
        return _match_phone(q, scope_id)
    return _match_name(q, scope_id)


def _match_phone(q: str, scope_id: int | None) -> LookupResult:
    contacts = Contact.objects.filter(
        phone_normalized=normalize_phone(q), is_active=True, customer__is_active=True
    )
    if scope_id is not None:
        contacts = contacts.filter(customer_id=scope_id)
    matches = list(
        contacts.select_related("customer__service_manager").order_by("customer__code", "name")[
            : CANDIDATE_LIMIT + 1
        ]
    )
    customers = {c.customer_id: c.customer for c in matches}
    if len(customers) == 1:
        (customer,) = customers.values()
        result = LookupResult(q=q, matched_by=MATCH_PHONE, customer=customer)
        result.matched_contact_ids = frozenset(c.pk for c in matches)
        result.contacts = matches
        return result
    candidates = [
        Candidate(code=c.customer.code, name=c.customer.name, region=c.customer.region, via=c.name)
        for c in matches[:CANDIDATE_LIMIT]
    ]
    return LookupResult(q=q, matched_by=MATCH_PHONE if candidates else None, candidates=candidates)


def _match_name(q: str, scope_id: int | None) -> LookupResult:
    # No ORDER BY in SQL: a short, common fragment then stops at the first 20 rows instead of
    # sorting thousands; longer ones use customer_name_upper_trgm_idx on PostgreSQL. Which of
    # the two is right depends on the fragment: planned for it, not by a prepared generic plan.
    with planned_per_call():
        matches = sorted(
            _customers(scope_id)
            .select_related("service_manager")
            .filter(name__icontains=q)
            .order_by()[:CANDIDATE_LIMIT],
            key=lambda c: c.code,
        )
    if len(matches) == 1:
        return LookupResult(q=q, matched_by=MATCH_NAME, customer=matches[0])
    candidates = [Candidate(code=c.code, name=c.name, region=c.region) for c in matches]
    return LookupResult(q=q, matched_by=MATCH_NAME if candidates else None, candidates=candidates)


def _fill_sections(result: LookupResult, *, user: Any) -> None:
    """Load every section for the matched customer: a fixed number of queries per section."""
    customer = result.customer
    assert customer is not None

    # Contacts: the matched ones first, whatever the limit.
    matched = [c for c in result.contacts if c.pk in result.matched_contact_ids]
    others = list(
        Contact.objects.filter(customer=customer, is_active=True)
        .exclude(pk__in=result.matched_contact_ids)
        .order_by("name", "id")[: CONTACT_LIMIT + 1]
    )
    result.contacts_truncated = len(others) > CONTACT_LIMIT
    result.contacts = matched + others[:CONTACT_LIMIT]

    members = ProjectMember.objects.filter(is_active=True).select_related("user", "contact")
    result.projects = list(
        Project.objects.filter(customer=customer, is_active=True)
        .prefetch_related(Prefetch("members", queryset=members.order_by("side", "id")))
        .order_by(F("started_on").desc(nulls_last=True), "code")[:PROJECT_LIMIT]
    )

    # Equipment: the matched serial stays on screen even when it sorts past the limit.
    matched_asset = result.assets[0] if result.assets else None
    page = list(
        Asset.objects.filter(customer=customer, is_active=True)
        .select_related("product_model__vendor", "site", "parent")
        .order_by("serial_number")[:ASSET_LIMIT]
    )
    if len(page) < ASSET_LIMIT:
        result.asset_count = len(page)
    else:
        result.asset_count = Asset.objects.filter(customer=customer, is_active=True).count()
    if matched_asset is not None and all(a.pk != matched_asset.pk for a in page):
        page = [matched_asset, *page[: ASSET_LIMIT - 1]]
    result.assets = page

    result.engineers = _engineers(customer, result.projects)
    result.contracts = _section("contracts", customer=customer, user=user)
    result.open_cases = _section("open_cases", customer=customer, user=user)


def _engineers(customer: Customer, projects: list[Project]) -> list[EngineerLink]:
    """Engineers responsible for the customer plus our side of its projects, in one query."""
    project_codes: dict[int, list[str]] = {}
    for project in projects:
        for member in project.members.all():
            if member.side == MemberSide.OURS and member.user_id is not None:
                project_codes.setdefault(member.user_id, []).append(project.code)
    responsible = Engineer.customers.through.objects.filter(customer_id=customer.pk)
    engineers = (
        Engineer.objects.filter(is_active=True)
        .filter(Q(pk__in=responsible.values("engineer_id")) | Q(user_id__in=list(project_codes)))
        .annotate(is_responsible=Exists(responsible.filter(engineer_id=OuterRef("pk"))))
        .select_related("user")
        .order_by("-is_responsible", "name", "id")[:ENGINEER_LIMIT]
    )
    return [
        EngineerLink(
            engineer=e,
            responsible=e.is_responsible,
            project_codes=tuple(sorted(set(project_codes.get(e.user_id, ())))),
        )
        for e in engineers
    ]
