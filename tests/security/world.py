"""The isolation sweep's world: customer A owns one object of every kind; B's contact and
each staff role are the wrong users. Built once per test module, rolled back at the end."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.accounts.services import token_issue
from aftersales.cases import services as case_services
from aftersales.cases.models import Attachment, InboundEmail, MajorApproval, SavedView, VendorCase
from aftersales.contracts.models import ServiceContract, WarrantyTerm
from aftersales.contracts.penalties import penalty_rules_default
from aftersales.inventory import loans as inventory_loans
from aftersales.inventory import sales as part_sales
from aftersales.inventory import services as inventory_services
from aftersales.inventory.models import Part
from aftersales.notify.services import notify_enqueue
from aftersales.registry import services as registry_services
from aftersales.registry.models import ImportJob, TopologyAttachment
from aftersales.repairs import services as repair_services
from aftersales.repairs.models import FaultCategory, RepairPart
from aftersales.reports.models import ExportJob, ReportSchedule
from aftersales.rma import returns as rma_returns
from aftersales.rma import services as rma_services
from aftersales.sla.models import EscalationFiring, EscalationRule, Promise, SlaPolicy
from tests import factories
from tests.cases.factories_daily import macro_fillers, notice_fillers
from tests.feedback.factories_callbacks import callback_fillers
from tests.feedback.factories_complaints import complaint_fillers
from tests.feedback.factories_surveys import survey_fillers
from tests.fieldservice.factories_appointments import appointment_fillers
from tests.fieldservice.factories_deliveries import delivery_fillers
from tests.fieldservice.factories_inspections import inspection_fillers
from tests.kb.factories import article_fillers, reindex_fillers

# Strings only customer A's records carry: a response to another user must not contain them.
A_CODE = "KH-SWPA"
A_SECRET = "甲方机密SWP"
A_SERIAL = "SN-SWPA-0001"
A_CONTRACT = "HT-SWPA-001"


@dataclass
class World:
    customer_a: Any
    customer_b: Any
    contact_a: Any
    contact_b_user: Any
    owner: Any  # the staff member who made A's records (a dispatcher)
    staff: dict[str, Any]  # role -> a user holding only that role
    tokens: dict[int, str] = field(default_factory=dict)  # user pk -> bearer token
    sessions: dict[int, Any] = field(default_factory=dict)  # user pk -> session cookies
    fillers: dict[str, Any] = field(default_factory=dict)
    markers: tuple[str, ...] = (A_CODE, A_SECRET, A_SERIAL, A_CONTRACT)


def build_world() -> World:
    now = timezone.now()
    owner = factories.staff_user("swp_owner", role=Role.DISPATCHER)
    worker = factories.staff_user("swp_worker", role=Role.ENGINEER)
    staff = {
        role: factories.staff_user(f"swp_{role}", role=role)
        for role in Role
        if role != Role.CUSTOMER_CONTACT
    }
    customer_a = factories.CustomerFactory(code=A_CODE, name=f"{A_SECRET}集团")
    customer_b = factories.CustomerFactory(code="KH-SWPB", name="乙方银行")
    contact_a = factories.ContactFactory(
        customer=customer_a, name=f"{A_SECRET}联系人", user=factories.contact_user("swp_ca")
    )
    contact_b = factories.ContactFactory(
        customer=customer_b, name="乙方联系人", user=factories.contact_user("swp_cb")
    )
    vendor = factories.VendorFactory()
    model = factories.ProductModelFactory(vendor=vendor, kind="hardware")
    site = factories.SiteFactory(customer=customer_a)
    project = factories.ProjectFactory(customer=customer_a)
    member = registry_services.project_member_add(project=project, user=worker, role="实施")
    asset = factories.AssetFactory(
        customer=customer_a,
        serial_number=A_SERIAL,
        product_model=model,
        accepted_on=dt.date(2025, 1, 1),
    )
    engineer = factories.EngineerFactory(user=worker, name="SWP工程师")
    engineer.customers.add(customer_a)
    topology = TopologyAttachment.objects.create(
        customer=customer_a, title=A_SECRET, file="topology/swp.png"
    )
    contract = ServiceContract.objects.create(
        number=A_CONTRACT,
        customer=customer_a,
        sla_policy=SlaPolicy.objects.get(code="7x24"),
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        value=Decimal("100000.00"),
    )
    penalty_rules_default(contract=contract)
    case = case_services.case_create(
        by=owner,
        customer=customer_a,
        title=f"{A_SECRET}故障",
        description="核心交换机宕机",
        priority="P3",
        case_type="fault",
        channel="phone",
        serial_number=A_SERIAL,
        contact=contact_a,
    )
    case = case_services.case_assign(case=case, engineer=worker, by=owner)
    case_services.case_comment(case=case, by=worker, text=f"{A_SECRET}内部", internal=True)
    attachment = Attachment.objects.create(
        case=case, file="cases/swp/a.txt", name="a.txt", uploaded_at=now
    )
    approval = MajorApproval.objects.create(
        case=case,
        approver="SWP",
        decision="approved",
        decided_on=now.date(),
        recorded_by=owner,
        recorded_at=now,
    )
    vendor_case = VendorCase.objects.create(case=case, vendor=vendor, opened_at=now, updated_at=now)
    rule = EscalationRule.objects.first()
    firing = EscalationFiring.objects.create(
        promise=Promise.objects.get(subject_kind="case", subject_id=case.pk, target=rule.target),
        rule=rule,
        due_at=now,
        fired_at=now,
    )
    order = repair_services.repair_create(
        by=worker,
        case=case,
        service_mode="onsite",
        fault_category=FaultCategory.objects.first().code,
        fault_text="电源故障",
    )
    order_part = RepairPart.objects.create(order=order, name="SWP", unit_price=0)
    Part.objects.get_or_create(part_number="SWP-PART", defaults={"name": "SWP"})
    rma = rma_services.rma_open(
        case=case, by=staff[Role.RMA_ADMIN], part_number="SWP-PART", fault=A_SECRET
    )
    return_request = rma_returns.return_request(
        by=staff[Role.RMA_ADMIN],
        customer=customer_a.code,
        purchased_on=timezone.localdate(now),
        reason=A_SECRET,
        serial_number=A_SERIAL,
    )
    # Built once per module, outside the tests' own media folder: keep the file out of var/.
    with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="sweep-media-")):
        photo = rma_returns.return_photo_add(
            request=return_request,
            by=staff[Role.RMA_ADMIN],
            file=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        )
    message = notify_enqueue(
        channel="email",
        address="swp-a@example.com",
        subject=A_SECRET,
        body=A_SECRET,
        kind="swp",
        ref_type="case",
        ref_id=case.number,
    )
    job = ImportJob.objects.create(
        kind="customers", file="imports/swp.csv", original_name="swp.csv", uploaded_by=owner
    )
    email = InboundEmail.objects.create(
        message_id="<swp@a.example>", received_at=now, status="triage", subject=A_SECRET
    )
    saved_view = SavedView.objects.create(user=owner, name="SWP", query="tab=mine")
    # Stock belongs to no customer: the sweep checks contacts and roles without the permission.
    keeper = staff[Role.WAREHOUSE]
    stock_wh = inventory_services.warehouse_create(by=keeper, code="WH-SWP", name="SWP")
    stock_part = inventory_services.part_create(by=keeper, part_number="SWP-STOCK", name="SWP")
    stocktake = inventory_services.stocktake_open(by=keeper, warehouse=stock_wh)
    part_sale = part_sales.part_sale_quote(
        sale=part_sales.part_sale_create(
            by=keeper,
            customer=customer_a.code,
            warehouse=stock_wh.code,
            lines=[{"part_number": stock_part.part_number, "quantity": 1}],
        ),
        by=keeper,
    )

    loaner_part = inventory_services.part_create(
        by=keeper, part_number="SWP-LOANER", name="SWP", serialised=True
    )
    inventory_services.stock_receive(
        by=keeper, part=loaner_part, warehouse=stock_wh, quantity=1, serials=["SWP-LN-1"]
    )
    inventory_loans.loaner_pool_set(by=keeper, part=loaner_part, serial="SWP-LN-1")
    loan = inventory_loans.loan_lend(
        by=keeper, serial="SWP-LN-1", customer=customer_a, ref_kind="rma", ref=rma.number
    )

    first_promise = Promise.objects.filter(subject_kind="case", subject_id=case.pk).first()
    world = World(
        customer_a=customer_a,
        customer_b=customer_b,
        contact_a=contact_a,
        contact_b_user=contact_b.user,
        owner=owner,
        staff=staff,
    )
    for user in [contact_b.user, *staff.values()]:
        world.tokens[user.pk] = token_issue(user=user)
    # path parameter -> A's object, keyed "<literal segment before it>/<name>"
    world.fillers = {
        "customers/pk": customer_a.pk,
        "customers/code": customer_a.code,
        "contacts/pk": contact_a.pk,
        "projects/pk": project.pk,
        "members/member_pk": member.pk,
        "engineers/engineer_pk": engineer.pk,
        "sites/pk": site.pk,
        "vendors/pk": vendor.pk,
        "models/pk": model.pk,
        "assets/pk": asset.pk,
        "assets/serial_number": asset.serial_number,
        "topology/pk": topology.pk,
        "engineers/pk": engineer.pk,
        "views/pk": saved_view.pk,
        "triage/pk": email.pk,
        "attachments/pk": attachment.pk,
        "approvals/pk": approval.pk,
        "vendor-cases/pk": vendor_case.pk,
        "escalations/firing_id": firing.pk,
        "repairs/pk": order.pk,  # repairs/<pk>/ and portal/repairs/<pk>/
        "number/number": order.number,  # repairs/number/<number>/
        "parts/part_id": order_part.pk,  # /api/v1/repairs/{pk}/parts/{part_id}/return
        "warranty-terms/pk": WarrantyTerm.objects.first().pk,
        "import/job_id": job.pk,
        "imports/job_id": job.pk,
        "export/kind": "customers",
        "exports/kind": "customers",
        "export/fmt": "csv",  # cases/export/<fmt>/: the case queue's export
        "outbox/message_id": message.pk,
        "parts/pk": stock_part.pk,
        "warehouses/pk": stock_wh.pk,
        "stocktakes/pk": stocktake.pk,
        "loans/pk": loan.pk,  # inventory/loans/<pk>/return/
        "loans/loan_id": loan.pk,  # /api/v1/loans/{loan_id}
        "part-sales/number": part_sale.number,  # part-sales/<number>/ in the console and portal
        "cases/number": case.number,
        "rmas/number": rma.number,  # rmas/<number>/ and /api/v1/rmas/{number}
        "returns/number": return_request.number,  # returns/<number>/, portal and API
        "photos/pk": photo.pk,  # returns/<number>/photos/<pk>/, console and portal
        "photos/photo_id": photo.pk,  # /api/v1/returns/{number}/photos/{photo_id}
        "open/number": case.number,  # rmas/open/<case number>/
        "new/number": case.number,
        "contracts/number": contract.number,
        **survey_fillers(customer_a),
        **inspection_fillers(contract, by=owner),  # plans and visits (巡检)
        **delivery_fillers(customer_a, owner, A_SECRET),  # deliveries and their forms (到货验收)
        **appointment_fillers(customer_a),  # appointments and the customer's slot link (预约)
        **callback_fillers(customer_a, asset, A_SECRET),
        **complaint_fillers(customer_a, case, A_SECRET),
        **macro_fillers(case, worker, staff[Role.MANAGER]),  # macros and the work log
        **article_fillers(owner, case),  # a draft article with a file (知识库)
        **reindex_fillers(owner),  # a finished rebuild of the search index
        "engineers/username": worker.username,
        "schedules/pk": ReportSchedule.objects.create(
            kind="monthly_major", recipients="swp@example.com", created_by=owner, created_at=now
        ).pk,  # /api/v1/reports/engineers/{username}/weekly
        # A finished list export of the owner's: /reports/exports/<pk>/ (and file, progress)
        "exports/pk": ExportJob.objects.create(
            kind="customers", format="csv", status="done", requested_by=owner, created_at=now
        ).pk,
        **notice_fillers(owner),  # the bell: /notify/notices/<id>/, /api/v1/notices/{id}/read
        # A penalty line exists only once a promise is missed; the id names A's contract clock.
        "penalties/line_id": f"{first_promise.pk}-{contract.penalty_rules.first().pk}",
    }
    return world
