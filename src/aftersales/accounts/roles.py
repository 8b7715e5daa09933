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

_VIEW_CASES = ["cases.view_case", "cases.add_case", "cases.view_internal"]
_WORK_CASES = _VIEW_CASES + ["cases.take_over_case", "cases.work_case"]
_DISPATCH_CASES = _VIEW_CASES + [
    "cases.assign_case",
    "cases.change_case",
    "cases.close_case",
    "cases.record_approval",
]

# Default permissions per role; an admin may grant more in the Django admin, and a
# later migrate never takes away what an admin added.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CUSTOMER_CONTACT: [],
    Role.DISPATCHER: _VIEW_REGISTRY
    + _EDIT_REGISTRY
    + ["registry.import_registry"]
    + _DISPATCH_CASES,
    Role.ENGINEER: _VIEW_REGISTRY + _WORK_CASES,
    Role.EXPERT: _VIEW_REGISTRY + _WORK_CASES,
    Role.RMA_ADMIN: _VIEW_REGISTRY + _VIEW_CASES,
    Role.WAREHOUSE: _VIEW_REGISTRY + _VIEW_CASES,
    Role.MANAGER: _VIEW_REGISTRY
    + _EDIT_REGISTRY
    + ["registry.import_registry"]
    + _WORK_CASES
    + _DISPATCH_CASES,
    Role.COMPLAINT_OFFICER: _VIEW_REGISTRY + _VIEW_CASES,
    Role.SERVICE_MANAGER: _VIEW_REGISTRY
    + _EDIT_REGISTRY
    + ["registry.import_registry"]
    + _DISPATCH_CASES,
    Role.ADMIN: _VIEW_REGISTRY
    + _EDIT_REGISTRY
    + ["registry.import_registry"]
    + _WORK_CASES
    + _DISPATCH_CASES,
}

# The outbox (notify): the seat watches deliveries; managers and admins may also retry them.
# A new list each time: the lists above may be shared between roles.
for _role, _codes in (
    (Role.DISPATCHER, ["notify.view_outboxmessage"]),
    (Role.MANAGER, ["notify.view_outboxmessage", "notify.change_outboxmessage"]),
    (Role.ADMIN, ["notify.view_outboxmessage", "notify.change_outboxmessage"]),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes

# Contracts and warranty: the seat, managers and admins edit; every other staff role reads.
# Repair orders: engineers, experts, the RMA admin and managers work them; the seat and the
# service manager read them and record a customer's phone approval of a quote.
_VIEW_CONTRACTS = ["contracts.view_servicecontract", "contracts.view_warrantyterm"]
_EDIT_CONTRACTS = ["contracts.add_servicecontract", "contracts.change_servicecontract"]
_EDIT_CONTRACTS += ["contracts.add_warrantyterm", "contracts.change_warrantyterm"]
_WORK_REPAIRS = ["repairs.view_repairorder", "repairs.add_repairorder"]
_WORK_REPAIRS += ["repairs.change_repairorder"]
_APPROVALS = ["repairs.view_repairorder", "repairs.record_quote_approval"]
for _role in STAFF_ROLES:
    _codes = list(_VIEW_CONTRACTS)
    if _role in (Role.DISPATCHER, Role.MANAGER, Role.SERVICE_MANAGER, Role.ADMIN):
        _codes += _EDIT_CONTRACTS
    if _role in (Role.ENGINEER, Role.EXPERT, Role.RMA_ADMIN, Role.MANAGER, Role.ADMIN):
        _codes += _WORK_REPAIRS
    if _role in (Role.DISPATCHER, Role.SERVICE_MANAGER, Role.MANAGER, Role.ADMIN):
        _codes += _APPROVALS
    _codes += ["repairs.view_repairorder"]
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes


# SLA penalties (违约金): managers see them per contract and may waive a line with a reason.
for _role in (Role.MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + ["sla.view_penalties", "sla.waive_penalty"]

# Spare parts (inventory): keepers and RMA admins write stock, keepers count it; the seat,
# engineers, experts and managers read it.
_READ_STOCK = ["inventory.view_part", "inventory.view_warehouse", "inventory.view_stockmove"]
_WRITE_STOCK = _READ_STOCK + ["inventory.add_part", "inventory.change_part"]
_WRITE_STOCK += ["inventory.add_warehouse", "inventory.move_stock"]
for _role, _codes in (
    (Role.WAREHOUSE, _WRITE_STOCK + ["inventory.take_stock"]),
    (Role.RMA_ADMIN, _WRITE_STOCK),
    (Role.ADMIN, _WRITE_STOCK + ["inventory.take_stock"]),
    (Role.MANAGER, _READ_STOCK),
    (Role.SERVICE_MANAGER, _READ_STOCK),
    (Role.DISPATCHER, _READ_STOCK),
    (Role.ENGINEER, _READ_STOCK),
    (Role.EXPERT, _READ_STOCK),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes

# RMAs: the RMA admin, managers and admins work them; seats, engineers, experts and the
# service manager read them (warehouse keepers see the stock side, complaint officers neither).
for _role in (Role.DISPATCHER, Role.ENGINEER, Role.EXPERT, Role.SERVICE_MANAGER):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + ["rma.view_rma"]
for _role in (Role.RMA_ADMIN, Role.MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + ["rma.view_rma", "rma.add_rma"]
    ROLE_PERMISSIONS[_role] += ["rma.work_rma"]

# Part sales (备件销售): keepers, RMA admins, managers and admins draft, quote and issue them.
for _role in (Role.WAREHOUSE, Role.RMA_ADMIN, Role.MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + [
        "inventory.view_partsale",
        "inventory.sell_parts",
    ]


# Customer voice (feedback). Complaints belong to the complaint officers, a unit apart from
# service: seats, engineers and experts get none of them; managers answer for their
# departments but see an anonymous complainant no more than anyone outside the officers.
_COMPLAINT = ["feedback.view_complaint", "feedback.answer_complaint"]
_OFFICER = _COMPLAINT + ["feedback.add_complaint", "feedback.handle_complaint"]
_CALLBACKS = ["feedback.view_callback", "feedback.work_callback"]
_RUN_CALLBACKS = _CALLBACKS + ["feedback.generate_callbacks", "feedback.solve_callback_item"]
_SURVEY_RESULTS = ["feedback.view_survey_results", "feedback.view_surveyinvitation"]
_SURVEY_RESULTS += ["feedback.view_surveyfollowup", "feedback.change_surveyfollowup"]
_QUALITY = ["feedback.view_qualitycheck", "feedback.add_qualitycheck"]
for _role, _codes in (
    (Role.COMPLAINT_OFFICER, _OFFICER + ["feedback.see_complainant"] + _QUALITY),
    (Role.MANAGER, _COMPLAINT + _RUN_CALLBACKS + ["feedback.send_survey"] + _SURVEY_RESULTS),
    (Role.SERVICE_MANAGER, _COMPLAINT + _RUN_CALLBACKS + ["feedback.send_survey"]),
    (Role.ADMIN, _OFFICER + _RUN_CALLBACKS + ["feedback.send_survey"] + _SURVEY_RESULTS),
    (Role.DISPATCHER, _CALLBACKS + ["feedback.send_survey"]),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes
for _role in (Role.MANAGER, Role.SERVICE_MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] += _QUALITY
ROLE_PERMISSIONS[Role.SERVICE_MANAGER] += _SURVEY_RESULTS
for _role in (Role.SERVICE_MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] += ["feedback.add_surveytemplate", "feedback.change_surveytemplate"]


# Field service: the seat books and dispatches, plans visits and records deliveries;
# engineers and experts carry out visits and inspections; warehouse keepers do the final check
# before warehousing; the quality department's professional inspection is the experts' and
# managers'. Engineers see appointments (their own, scoped by fieldservice's access module).
_FS_VIEW = ["fieldservice.view_delivery", "fieldservice.view_inspectionplan"]
_FS_VIEW += ["fieldservice.view_inspectionvisit", "fieldservice.view_appointment"]
_FS_PLAN = ["fieldservice.add_delivery", "fieldservice.change_delivery"]
_FS_PLAN += ["fieldservice.add_inspectionplan", "fieldservice.change_inspectionvisit"]
_FS_PLAN += ["fieldservice.dispatch", "fieldservice.add_appointment"]
_FS_PLAN += ["fieldservice.change_appointment"]
_FS_WORK = ["fieldservice.inspect_delivery", "fieldservice.work_visit"]
for _role, _codes in (
    (Role.DISPATCHER, _FS_VIEW + _FS_PLAN),
    (Role.ENGINEER, _FS_VIEW + _FS_WORK),
    (Role.EXPERT, _FS_VIEW + _FS_WORK + ["fieldservice.inspect_quality"]),
    (Role.WAREHOUSE, ["fieldservice.view_delivery", "fieldservice.inspect_delivery"]),
    (Role.SERVICE_MANAGER, _FS_VIEW + _FS_PLAN),
    (Role.MANAGER, _FS_VIEW + _FS_PLAN + _FS_WORK + ["fieldservice.inspect_quality"]),
    (Role.ADMIN, _FS_VIEW + _FS_PLAN + _FS_WORK + ["fieldservice.inspect_quality"]),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes


# Knowledge base: every staff role reads internal articles; those who solve problems write
# them; experts and managers review and publish; admins keep synonyms, dictionary and index.
_KB_READ = ["kb.view_article"]
_KB_WRITE = _KB_READ + ["kb.add_article", "kb.change_article"]
_KB_PUBLISH = _KB_WRITE + ["kb.publish_article"]
for _role, _codes in (
    (Role.DISPATCHER, _KB_WRITE),
    (Role.ENGINEER, _KB_WRITE),
    (Role.EXPERT, _KB_PUBLISH),
    (Role.WAREHOUSE, _KB_READ),
    (Role.RMA_ADMIN, _KB_READ),
    (Role.COMPLAINT_OFFICER, _KB_READ),
    (Role.SERVICE_MANAGER, _KB_PUBLISH),
    (Role.MANAGER, _KB_PUBLISH),
    (Role.ADMIN, _KB_PUBLISH + ["kb.manage_search"]),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes


# Reports: managers read every KPI, dashboard and appraisal and schedule the written reports;
# customer service managers read KPIs and customer reports but not engineers' appraisals.
# Engineers read their own weekly report and appraisal without a permission (reports' access).
_REPORTS = ["reports.view_reports", "reports.schedule_reports"]
for _role, _codes in (
    (Role.SERVICE_MANAGER, _REPORTS),
    (Role.MANAGER, _REPORTS + ["reports.view_appraisal"]),
    (Role.ADMIN, _REPORTS + ["reports.view_appraisal"]),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _codes


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


# Daily use: managers and admins keep the macros shared with a team (anyone who works cases
# keeps personal ones); the seat and managers coin new tags, which everybody then uses.
for _role in (Role.MANAGER, Role.SERVICE_MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] += ["cases.manage_team_macros"]
for _role in (Role.DISPATCHER, Role.MANAGER, Role.SERVICE_MANAGER, Role.ADMIN):
    ROLE_PERMISSIONS[_role] += ["cases.add_tag"]
