import datetime as dt

import pytest

from aftersales.core.errors import Invalid
from aftersales.registry import imports
from aftersales.registry.models import Asset, Contact, Customer, ImportStatus
from tests import factories
from tests.registry.data import (
    ASSET_HEADERS,
    CONTACT_HEADERS,
    CUSTOMER_HEADERS,
    csv_upload,
    inline_in_english,
    preview,
    problems_by_row,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_tasks_in_english():
    with inline_in_english():
        yield


def test_preview_lists_each_bad_row_with_its_excel_row_number_and_writes_nothing(seat, customer_a):
    rows = [
        CONTACT_HEADERS,
        ["KH-A001", "王伟", "138-0013-8000", "wang@example.cn", "运维主管"],
        ["KH-Z999", "李娜", "13900139000", "li@example.cn", ""],
        ["KH-A001", "张强", "12ab", "not-mail", ""],
        ["KH-A001", "", "13700137000", "", ""],
    ]
    job = preview(seat, "contacts", csv_upload(rows))
    assert job.status == ImportStatus.INVALID
    assert problems_by_row(job) == {
        3: ["No customer has this code."],
        4: ["Enter a phone number with at least 7 digits.", "Enter a valid e-mail address."],
        5: ["This field is required."],
    }
    assert job.counts == {"create": 1, "update": 0, "unchanged": 0, "bad": 3}
    assert Contact.objects.count() == 0


def test_problem_names_the_column_as_written_in_the_file(seat, customer_a):
    rows = [["customer", "name", "phone"], ["KH-A001", "王伟", "abc"]]
    job = preview(seat, "contacts", csv_upload(rows))
    assert job.errors[0]["problems"][0]["column"] == "phone"


def test_duplicate_serial_within_the_file_points_at_the_first_row(seat, customer_a):
    rows = [
        ASSET_HEADERS,
        ["KH-A001", "SN-1", "OceanStor 5500", "华为", "", "", ""],
        ["KH-A001", "sn-1", "OceanStor 5500", "华为", "", "", ""],
    ]
    job = preview(seat, "assets", csv_upload(rows))
    assert problems_by_row(job) == {3: ["The same key is already on row 2 of this file."]}


def test_unknown_parent_serial_is_a_bad_row(seat, customer_a):
    rows = [
        ["客户ID", "序列号", "型号", "厂商", "上级设备序列号"],
        ["KH-A001", "SN-BOARD", "IO板", "华为", "SN-NOWHERE"],
    ]
    job = preview(seat, "assets", csv_upload(rows))
    assert problems_by_row(job) == {2: ["No asset has this serial number."]}


def test_parent_further_down_the_file_is_accepted(seat, customer_a):
    rows = [
        ["客户ID", "序列号", "型号", "厂商", "上级设备序列号"],
        ["KH-A001", "SN-BOARD", "IO板", "华为", "SN-CHASSIS"],
        ["KH-A001", "SN-CHASSIS", "OceanStor 5500", "华为", ""],
    ]
    job = preview(seat, "assets", csv_upload(rows))
    assert job.status == ImportStatus.READY
    assert job.counts["create"] == 2


def test_parents_that_go_round_in_a_circle_are_refused(seat, customer_a):
    rows = [
        ["客户ID", "序列号", "型号", "厂商", "上级设备序列号"],
        ["KH-A001", "SN-A", "X1", "华为", "SN-B"],
        ["KH-A001", "SN-B", "X1", "华为", "SN-A"],
    ]
    job = preview(seat, "assets", csv_upload(rows))
    assert sorted(problems_by_row(job)) == [2, 3]


def test_bad_dates_and_warranty_are_reported(seat, customer_a):
    rows = [
        ASSET_HEADERS,
        ["KH-A001", "SN-1", "X1", "华为", "2025-13-01", "下周", "三年"],
    ]
    job = preview(seat, "assets", csv_upload(rows))
    assert problems_by_row(job)[2] == [
        "Enter a date like 2025-03-01 or 2025/3/1.",
        "Enter a date like 2025-03-01 or 2025/3/1.",
        "Enter a whole number between 0 and 1200.",
    ]


def test_serial_of_another_customer_is_not_moved(seat, customer_a, customer_b):
    factories.AssetFactory(customer=customer_b, serial_number="SN-B-1")
    rows = [ASSET_HEADERS, ["KH-A001", "SN-B-1", "X1", "华为", "", "", ""]]
    job = preview(seat, "assets", csv_upload(rows))
    assert problems_by_row(job) == {2: ["This serial number belongs to another customer."]}


def test_missing_required_column_is_reported_on_the_header_row(seat):
    job = preview(seat, "customers", csv_upload([["客户名称"], ["江苏移动"]]))
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["row"] == 1
    assert job.errors[0]["problems"][0]["column"] == "客户ID"


def test_unknown_columns_are_listed_as_ignored(seat):
    rows = [CUSTOMER_HEADERS + ["备注"], ["KH-1", "江苏移动", "华东", "", "A", "x"]]
    job = preview(seat, "customers", csv_upload(rows))
    assert job.ignored_columns == ["备注"]
    assert job.status == ImportStatus.READY


def test_gbk_csv_from_excel_is_read(seat):
    rows = [CUSTOMER_HEADERS, ["KH-900", "江苏移动通信有限公司", "华东", "南京市鼓楼区", "VIP"]]
    job = preview(seat, "customers", csv_upload(rows, encoding="gbk"))
    assert job.status == ImportStatus.READY
    assert job.counts["create"] == 1
    assert Customer.objects.count() == 0


def test_csv_without_bom_and_with_slash_dates_is_read(seat, customer_a):
    rows = [ASSET_HEADERS, ["KH-A001", "SN-1", "X1", "华为", "2025/3/1", "2025年3月15日", "36"]]
    job = preview(seat, "assets", csv_upload(rows, encoding="utf-8"))
    assert job.status == ImportStatus.READY


def test_xlsx_with_chinese_headers_and_excel_date_cells(seat, customer_a):
    rows = [
        ASSET_HEADERS,
        ["KH-A001", "SN-1", "OceanStor 5500", "华为", dt.datetime(2025, 3, 1), 45717, 36.0],
    ]
    job = preview(seat, "assets", xlsx_upload(rows))
    assert job.status == ImportStatus.READY
    assert job.counts == {"create": 1, "update": 0, "unchanged": 0, "bad": 0}
    assert not Asset.objects.exists()


def test_wrong_file_type_is_refused_with_a_clear_message(seat):
    upload = csv_upload([["x"]], name="客户.pdf")
    with pytest.raises(Invalid) as error:
        imports.import_job_create(user=seat, kind="customers", upload=upload)
    assert error.value.field == "file"
    assert str(error.value.message) == "Upload an .xlsx or .csv file."


def test_old_xls_workbook_is_refused(seat):
    upload = csv_upload([["x"]], name="客户.xls")
    with pytest.raises(Invalid, match="Old .xls files are not supported"):
        imports.import_job_create(user=seat, kind="customers", upload=upload)


def test_text_renamed_to_xlsx_is_refused(seat):
    with pytest.raises(Invalid, match="could not be read as an .xlsx"):
        imports.import_job_create(
            user=seat, kind="customers", upload=csv_upload([["x"]], name="a.xlsx")
        )


def test_file_over_the_size_limit_is_refused(seat, settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = csv_upload([CUSTOMER_HEADERS] + [["KH-1", "江苏移动", "", "", ""]] * 10)
    with pytest.raises(Invalid, match="larger than"):
        imports.import_job_create(user=seat, kind="customers", upload=upload)


def test_progress_is_reported_every_chunk_and_ends_at_the_total(seat, monkeypatch):
    from aftersales.registry.imports import engine, jobs

    monkeypatch.setattr(engine, "CHUNK", 2)
    seen = []
    real_run = engine.run
    monkeypatch.setattr(
        jobs.engine, "run", lambda **kw: real_run(**{**kw, "progress": _spy(kw, seen)})
    )
    rows = [CUSTOMER_HEADERS] + [[f"KH-{n}", f"客户{n}", "", "", ""] for n in range(5)]
    job = preview(seat, "customers", csv_upload(rows))
    assert seen == [2, 4, 5]
    assert (job.processed_rows, job.total_rows) == (5, 5)


def _spy(kwargs, seen):
    def progress(done, total):
        seen.append(done)
        kwargs["progress"](done, total)

    return progress
