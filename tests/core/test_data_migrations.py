"""The data migrations that moved rows into the one timeline and the one promise engine.

Each test migrates the database back to just before them, writes rows with the historical
models, migrates forward to the latest state and reads the rows with today's models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps.registry import Apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from aftersales.cases.models import Attachment, Case, InboundEmail
from aftersales.core import memo, timeline
from aftersales.core.models import Activity
from aftersales.sla.escalation import sla_sweep
from aftersales.sla.models import EscalationFiring, Promise

CASES_BEFORE = ("cases", "0007_queue_indexes_replace_fk_indexes")
REPAIRS_BEFORE = ("repairs", "0002_seed_prices_and_faults")
SLA_BEFORE = ("sla", "0006_seed_escalation_ladder")
# Their copies have no way back (the old tables are dropped after them).
ONE_WAY = (
    ("cases", "0008_activity_moves_to_core_timeline"),
    ("repairs", "0003_repair_events_move_to_core_timeline"),
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
MIN = dt.timedelta(minutes=1)
# Explicit ids that differ from one another, so a copied id or a joined customer is not luck.
CUSTOMER, CASE, CONTRACT, ORDER = 31, 17, 23, 9
CREATED, NOTE = 41, 57  # case activities: a gap between them, as in production
MENTIONS = {"mentions": ["engineer"], "提到": "工程师"}


class Migrator:
    """Moves the test database back to an old state and forward to the latest one."""

    def __init__(self) -> None:
        self.executor = MigrationExecutor(connection)
        # Unapplied as schema only: the old tables come back empty, which is the state the
        # tests fill. (Django refuses to unapply a RunPython without reverse code.)
        for key in ONE_WAY:
            migration = self.executor.loader.graph.nodes[key]
            migration.operations = [
                RunPython(op.code, RunPython.noop) if isinstance(op, RunPython) else op
                for op in migration.operations
            ]

    def back(self, *targets: tuple[str, str]) -> Apps:
        """Migrate back to `targets`; the historical models of the database as it is then."""
        state = self.executor.migrate(list(targets))
        # core 0001 made core_activity empty just before the copy; earlier tests moved its
        # sequence on, which would hide ids that do not continue after the copied ones.
        with connection.cursor() as cursor:
            table = [{"table": Activity._meta.db_table, "column": "id"}]
            for sql in connection.ops.sequence_reset_by_name_sql(no_style(), table):
                cursor.execute(sql)
        return state.apps

    def forward(self) -> None:
        executor = MigrationExecutor(connection)  # a fresh loader reads what is applied now
        executor.migrate(executor.loader.graph.leaf_nodes())
        memo.clear_all()  # the migrations changed configuration rows behind the memo's back


@pytest.fixture
def migrator(transactional_db) -> Iterator[Migrator]:
    """A migrator that leaves the database at the latest migration, whatever the test did."""
    try:
        yield Migrator()
    finally:
        try:
            Migrator().forward()
        except Exception:
            # A migration that fails on the test's rows must not break the tests after this
            # one: empty every table and migrate again (the flush that follows reseeds).
            _empty_tables()
            Migrator().forward()
        if connection.vendor == "postgresql":
            # Statements psycopg prepared against the altered tables go with the connection.
            connection.close()


def _empty_tables() -> None:
    """Delete the rows of every model the database holds now, the old tables' included."""
    loader = MigrationLoader(connection)
    models = loader.project_state(list(loader.applied_migrations)).apps.get_models(
        include_auto_created=True
    )
    tables = sorted({m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy})
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    )


# --- rows written with the historical models -------------------------------------------------


def _case(apps: Apps) -> tuple[Any, Any]:
    """A seat, a customer with a contract, and an open P2 case of theirs on 7x24."""
    User = apps.get_model("accounts", "User")
    Customer = apps.get_model("registry", "Customer")
    Contract = apps.get_model("contracts", "ServiceContract")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    CaseType = apps.get_model("cases", "CaseType")
    OldCase = apps.get_model("cases", "Case")
    seat = User.objects.create(username="seat", password="!")
    customer = Customer.objects.create(id=CUSTOMER, code="KH-A001", name="华东电力集团")
    Contract.objects.create(
        id=CONTRACT,
        number="HT-2026-001",
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code="7x24"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=Decimal("120000.00"),
    )
    case = OldCase.objects.create(
        id=CASE,
        number="CS-20260302-0001",
        title="存储阵列告警",
        priority="P2",
        channel="phone",
        status="in_progress",
        customer=customer,
        case_type=CaseType.objects.order_by("pk").first(),
        contract_id=CONTRACT,
        sla_calendar="7x24",
        next_sla_check_at=T0 + 30 * MIN,
        created_at=T0,
        updated_at=T0,
    )
    return seat, case


def _case_timeline(apps: Apps) -> int:
    """The case's two activities (one internal), its attachment and mail, and a repair order
    with two events written out of time order. Returns the seat's id."""
    seat, case = _case(apps)
    CaseActivity = apps.get_model("cases", "Activity")
    CaseActivity.objects.create(
        id=CREATED,
        case=case,
        at=T0,
        actor=seat,
        kind="created",
        text="客户来电：控制器告警",
        data={"channel": "phone"},
    )
    CaseActivity.objects.create(
        id=NOTE,
        case=case,
        at=T0 + 20 * MIN,
        actor=seat,
        kind="comment",
        text="内部：怀疑控制器故障",
        internal=True,
        data=MENTIONS,
    )
    apps.get_model("cases", "Attachment").objects.create(
        case=case,
        activity_id=NOTE,
        file="cases/2026/03/controller.log",
        name="controller.log",
        uploaded_at=T0 + 20 * MIN,
        internal=True,
    )
    apps.get_model("cases", "InboundEmail").objects.create(
        message_id="alarm-1@example.com",
        received_at=T0,
        status="new_case",
        case=case,
        activity_id=CREATED,
    )
    order = apps.get_model("repairs", "RepairOrder").objects.create(
        id=ORDER,
        number="RO-20260302-0001",
        case=case,
        customer_id=CUSTOMER,
        service_mode="carry_in",
        fault_text="控制器无法启动",
        entitlement_status="in_warranty",
        entitlement_reason="",
        fault_category=apps.get_model("repairs", "FaultCategory").objects.order_by("pk").first(),
        price_list=apps.get_model("repairs", "PriceList").objects.order_by("pk").first(),
        created_at=T0 + 60 * MIN,
        updated_at=T0 + 60 * MIN,
    )
    Event = apps.get_model("repairs", "RepairEvent")
    Event.objects.create(
        order=order,
        at=T0 + 180 * MIN,
        actor=seat,
        kind="quoted",
        text="报价 1200 元",
        data={"amount": "1200.00"},
    )
    Event.objects.create(order=order, at=T0 + 60 * MIN, kind="created")
    return seat.pk


def _case_clocks(apps: Apps) -> int:
    """Three clocks of the case (response running, diagnosis met, resolution paused with 90
    minutes banked) and the 30-minute response reminder fired. Returns the reminder's id."""
    _seat, case = _case(apps)
    Clock = apps.get_model("sla", "CaseClock")
    Clock.objects.create(
        id=5,
        case=case,
        target="response",
        minutes=60,
        started_at=T0,
        running_since=T0,
        due_at=T0 + 60 * MIN,
    )
    Clock.objects.create(
        id=6,
        case=case,
        target="diagnosis",
        minutes=240,
        started_at=T0,
        used=25 * MIN,
        due_at=T0 + 240 * MIN,
        completed_at=T0 + 25 * MIN,
        met=True,
    )
    Clock.objects.create(
        id=7,
        case=case,
        target="resolution",
        minutes=480,
        started_at=T0,
        used=90 * MIN,
        paused_at=T0 + 90 * MIN,
    )
    reminder = apps.get_model("sla", "EscalationRule").objects.get(
        name="Response reminder at 30 min"
    )
    apps.get_model("sla", "EscalationFiring").objects.create(
        case=case, rule=reminder, due_at=T0 + 30 * MIN, fired_at=T0 + 30 * MIN
    )
    return reminder.pk


# --- cases 0008 and repairs 0003: the one timeline -------------------------------------------


def _timeline_moved(migrator: Migrator) -> int:
    seat_id = _case_timeline(migrator.back(CASES_BEFORE, REPAIRS_BEFORE))
    migrator.forward()
    return seat_id


ROW = ("subject_kind", "subject_id", "customer_id", "actor_id", "at", "kind", "text", "internal")


@pytest.mark.django_db(transaction=True)
def test_case_activities_keep_their_ids_subject_customer_data_and_links(migrator):
    seat_id = _timeline_moved(migrator)
    rows = Activity.objects.filter(subject_kind="case").order_by("id")
    case = ("case", CASE, CUSTOMER, seat_id)
    assert list(rows.values_list("id", *ROW, "changes", "data")) == [
        (CREATED, *case, T0, "created", "客户来电：控制器告警", False, {}, {"channel": "phone"}),
        (NOTE, *case, T0 + 20 * MIN, "comment", "内部：怀疑控制器故障", True, {}, MENTIONS),
    ]
    assert Attachment.objects.get(name="controller.log").activity_id == NOTE
    assert InboundEmail.objects.get(message_id="alarm-1@example.com").activity_id == CREATED


@pytest.mark.django_db(transaction=True)
def test_repair_events_and_new_activities_continue_after_the_copied_ids(migrator):
    seat_id = _timeline_moved(migrator)
    repair = Activity.objects.filter(subject_kind="repair").order_by("id")
    order = ("repair", ORDER, CUSTOMER)
    assert list(repair.values_list(*ROW, "data")) == [
        (*order, None, T0 + 60 * MIN, "created", "", False, {}),
        (*order, seat_id, T0 + 180 * MIN, "quoted", "报价 1200 元", False, {"amount": "1200.00"}),
    ]
    assert min(repair.values_list("id", flat=True)) > NOTE
    with transaction.atomic():
        row = timeline.record(subject=Case.objects.get(pk=CASE), kind="comment", text="新的")
    assert row.pk > max(repair.values_list("id", flat=True))


# --- sla 0007: case clocks become promises on any subject ----------------------------------


PROMISE = (
    "id",
    "subject_kind",
    "subject_id",
    "customer_id",
    "contract_id",
    "priority",
    "calendar",
    "rule",
    "target",
    "minutes",
    "started_at",
    "running_since",
    "used",
    "due_at",
    "paused_at",
    "completed_at",
    "met",
    "next_check_at",
)


def _clocks_moved(migrator: Migrator) -> int:
    reminder = _case_clocks(migrator.back(CASES_BEFORE, REPAIRS_BEFORE, SLA_BEFORE))
    migrator.forward()
    return reminder


@pytest.mark.django_db(transaction=True)
def test_case_clocks_become_promises_with_their_due_moment_banked_time_and_state(migrator):
    _clocks_moved(migrator)
    case = ("case", CASE, CUSTOMER, CONTRACT, "P2", "7x24", "service_minutes")
    assert list(Promise.objects.order_by("id").values_list(*PROMISE)) == [
        (5, *case, "response", 60, T0, T0, 0 * MIN, T0 + 60 * MIN, None, None, None, T0 + 30 * MIN),
        (6, *case, "diagnosis", 240, T0, None, 25 * MIN, T0 + 240 * MIN, None, T0 + 25 * MIN,
         True, None),
        (7, *case, "resolution", 480, T0, None, 90 * MIN, None, T0 + 90 * MIN, None, None, None),
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_escalation_firings_follow_their_promise_and_a_second_sweep_fires_nothing(migrator):
    reminder = _clocks_moved(migrator)
    firings = EscalationFiring.objects.values_list("promise_id", "rule_id", "due_at")
    assert list(firings) == [(5, reminder, T0 + 30 * MIN)]
    report = sla_sweep(now=T0 + 35 * MIN)
    assert (report.promises, report.fired, EscalationFiring.objects.count()) == (1, 0, 1)
    # The sweep counted the reminder as fired: the promise waits for the 45-minute step.
    assert Promise.objects.get(pk=5).next_check_at == T0 + 45 * MIN
