import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.core.errors import Conflict
from aftersales.registry import imports
from aftersales.registry.models import Asset, Contact, Customer, ImportStatus, ProductModel
from tests import factories
from tests.registry.data import (
    ASSET_HEADERS,
    CONTACT_HEADERS,
    CUSTOMER_HEADERS,
    commit,
    csv_upload,
    inline_in_english,
    preview,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_tasks_in_english():
    with inline_in_english():
        yield


CUSTOMERS = [
    CUSTOMER_HEADERS,
    ["KH-900", "江苏移动", "华东", "南京市鼓楼区中山北路1号", "VIP"],
    ["KH-901", "四川农信", "西南", "成都市武侯区", "b"],
]


def test_clean_customer_file_creates_every_row(seat):
    job = commit(seat, preview(seat, "customers", csv_upload(CUSTOMERS)))
    assert job.status == ImportStatus.DONE
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "bad": 0}
    assert Customer.objects.get(code="KH-900").level == "vip"


def test_same_file_again_is_all_unchanged_and_writes_nothing(seat):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        commit(seat, preview(seat, "customers", csv_upload(CUSTOMERS)))
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC), tick=False):
        job = preview(seat, "customers", csv_upload(CUSTOMERS))
        with CaptureQueriesContext(connection) as queries:
            job = commit(seat, job)
    assert job.counts == {"create": 0, "update": 0, "unchanged": 2, "bad": 0}
    sql = [q["sql"] for q in queries]
    assert not [s for s in sql if s.startswith(("INSERT", "UPDATE")) and "registry_customer" in s]
    assert {c.updated_at.day for c in Customer.objects.all()} == {2}


def test_mixed_file_updates_changed_rows_and_creates_new_ones(seat):
    factories.CustomerFactory(
        code="KH-900", name="江苏移动", region="华东", address="南京", level="a"
    )
    factories.CustomerFactory(code="KH-901", name="四川农信", region="西南", address="成都市武侯区")
    rows = [CUSTOMER_HEADERS, ["kh-900", "江苏移动", "华东", "南京", "VIP"], CUSTOMERS[2]]
    rows.append(["KH-902", "广东电网", "华南", "", ""])
    job = commit(seat, preview(seat, "customers", csv_upload(rows)))
    assert job.counts == {"create": 1, "update": 1, "unchanged": 1, "bad": 0}
    assert Customer.objects.get(code="KH-900").level == "vip"
    assert Customer.objects.get(code="KH-902").level == "b"


def test_column_left_out_keeps_the_stored_value(seat):
    factories.CustomerFactory(code="KH-900", name="江苏移动", address="南京市鼓楼区")
    job = commit(
        seat, preview(seat, "customers", csv_upload([["code", "name"], ["KH-900", "江苏移动公司"]]))
    )
    assert job.counts["update"] == 1
    customer = Customer.objects.get(code="KH-900")
    assert (customer.name, customer.address) == ("江苏移动公司", "南京市鼓楼区")


def test_commit_is_refused_while_the_preview_has_bad_rows(seat):
    job = preview(seat, "customers", csv_upload([CUSTOMER_HEADERS, ["", "无编码客户", "", "", ""]]))
    with pytest.raises(Conflict):
        imports.import_commit_request(user=seat, job=job)
    assert not Customer.objects.exists()


def test_commit_that_finds_a_new_bad_row_writes_nothing(seat, customer_a):
    rows = [
        CONTACT_HEADERS,
        ["KH-A001", "王伟", "13800138000", "", ""],
        ["KH-B001", "李娜", "13900139000", "", ""],
    ]
    customer_b = factories.CustomerFactory(code="KH-B001")
    job = preview(seat, "contacts", csv_upload(rows))
    customer_b.is_active = False  # retired between the preview and the commit
    customer_b.save(update_fields=["is_active"])
    job = commit(seat, job)
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["row"] == 3
    assert not Contact.objects.exists()


def test_contacts_are_keyed_on_customer_and_normalised_phone(seat, customer_a):
    factories.ContactFactory(
        customer=customer_a, name="王伟", phone="13800138000", email="", role=""
    )
    rows = [CONTACT_HEADERS, ["KH-A001", "王伟", "+86 138-0013-8000", "wang@example.cn", "主管"]]
    job = commit(seat, preview(seat, "contacts", csv_upload(rows)))
    assert job.counts["update"] == 1
    contact = Contact.objects.get()
    assert (contact.email, contact.phone_normalized) == ("wang@example.cn", "13800138000")


def test_imported_contact_is_found_by_its_normalised_phone(seat, customer_a):
    rows = [CONTACT_HEADERS, ["KH-A001", "王伟", "0086 138 0013 8000", "", ""]]
    commit(seat, preview(seat, "contacts", csv_upload(rows)))
    assert Contact.objects.get(phone_normalized="13800138000").name == "王伟"


def test_assets_with_parents_vendors_and_models_are_created(seat, customer_a):
    rows = [
        ["客户ID", "序列号", "型号", "厂商", "验收日期", "保修月数", "上级设备序列号"],
        ["KH-A001", "SN-BOARD", "IO板", "华为", "2025/3/1", "12", "SN-CHASSIS"],
        ["KH-A001", "SN-CHASSIS", "OceanStor 5500", "华为", "2025-03-01", "36", ""],
    ]
    job = commit(seat, preview(seat, "assets", csv_upload(rows)))
    assert job.status == ImportStatus.DONE
    board = Asset.objects.get(serial_number="SN-BOARD")
    assert board.parent.serial_number == "SN-CHASSIS"
    assert board.accepted_on == dt.date(2025, 3, 1)
    assert board.product_model.vendor.name == "华为"
    assert ProductModel.objects.count() == 2


def test_asset_update_reuses_the_existing_vendor_by_name(seat, customer_a):
    model = factories.ProductModelFactory(vendor=factories.VendorFactory(name="华为"), name="X1")
    factories.AssetFactory(customer=customer_a, serial_number="SN-1", product_model=model)
    rows = [ASSET_HEADERS, ["KH-A001", "sn-1", "x1", "华为", "", "2025-03-01", 36]]
    job = commit(seat, preview(seat, "assets", xlsx_upload(rows)))
    assert job.counts == {"create": 0, "update": 1, "unchanged": 0, "bad": 0}
    asset = Asset.objects.get()
    assert (asset.product_model_id, asset.warranty_months) == (model.pk, 36)


def test_a_commit_task_that_runs_twice_imports_once(seat):
    from aftersales.registry import tasks

    job = commit(seat, preview(seat, "customers", csv_upload(CUSTOMERS)))
    tasks.import_commit_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Customer.objects.count() == 2


def test_parent_further_down_a_large_file_is_linked_at_the_end(seat, customer_a, monkeypatch):
    from aftersales.registry.imports import engine

    monkeypatch.setattr(engine, "CHUNK", 2)
    rows = [["客户ID", "序列号", "型号", "厂商", "上级设备序列号"]]
    rows += [["KH-A001", f"SN-{n}", "IO板", "华为", "SN-CHASSIS"] for n in range(5)]
    rows.append(["KH-A001", "SN-CHASSIS", "5500", "华为", ""])
    job = commit(seat, preview(seat, "assets", csv_upload(rows)))
    assert job.status == ImportStatus.DONE
    assert Asset.objects.filter(parent__serial_number="SN-CHASSIS").count() == 5


def test_emptied_parent_cell_takes_the_component_out(seat, customer_a):
    chassis = factories.AssetFactory(customer=customer_a, serial_number="SN-CHASSIS")
    factories.AssetFactory(customer=customer_a, serial_number="SN-BOARD", parent=chassis)
    rows = [["客户ID", "序列号", "上级设备序列号"], ["KH-A001", "SN-BOARD", ""]]
    job = commit(seat, preview(seat, "assets", csv_upload(rows)))
    assert job.counts["update"] == 1
    assert Asset.objects.get(serial_number="SN-BOARD").parent is None
