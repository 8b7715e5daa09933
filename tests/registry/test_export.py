import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.registry.models import ImportStatus
from tests import factories
from tests.registry.data import (
    inline_in_english,
    preview,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_tasks_in_english():
    with inline_in_english():
        yield


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def installed_base(customer_a, customer_b):
    model = factories.ProductModelFactory(vendor=factories.VendorFactory(name="华为"), name="5500")
    chassis = factories.AssetFactory(
        customer=customer_a,
        serial_number="SN-CHASSIS",
        product_model=model,
        accepted_on=dt.date(2025, 3, 1),
        warranty_months=36,
    )
    factories.AssetFactory(
        customer=customer_a, serial_number="SN-BOARD", product_model=model, parent=chassis
    )
    factories.AssetFactory(customer=customer_b, serial_number="SN-OTHER", product_model=model)
    factories.ContactFactory(customer=customer_a, name="王伟", phone="+86 138-0013-8000")
    factories.ContactFactory(customer=customer_a, name="值班室", phone="", email="")
    return customer_a


def test_csv_export_has_a_bom_and_the_chinese_headers(api_as, seat, installed_base):
    response = api_as(seat).get("/api/v1/exports/customers?format=csv")
    assert response.streaming
    text = _content(response).decode("utf-8")
    assert text.startswith("\ufeff客户ID,客户名称,区域,地址,级别\r\n")
    assert "KH-A001,华东电力集团" in text


@pytest.mark.parametrize("kind", ["customers", "contacts", "assets"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_back_as_all_unchanged(api_as, seat, installed_base, kind, fmt):
    response = api_as(seat).get(f"/api/v1/exports/{kind}?format={fmt}")
    assert response.status_code == 200
    content = _content(response)
    job = preview(seat, kind, SimpleUploadedFile(f"export.{fmt}", content))
    assert job.status == ImportStatus.READY, job.errors
    assert job.counts["unchanged"] > 0
    assert job.counts["create"] == job.counts["update"] == 0


def test_xlsx_export_writes_dates_as_excel_dates(api_as, seat, installed_base):
    response = api_as(seat).get("/api/v1/exports/assets?format=xlsx&customer=KH-A001")
    rows = xlsx_rows(_content(response))
    assert rows[0][:3] == ["客户ID", "序列号", "型号"]
    chassis = next(r for r in rows if r[1] == "SN-CHASSIS")
    assert chassis[5] == dt.datetime(2025, 3, 1)
    assert next(r for r in rows if r[1] == "SN-BOARD")[8] == "SN-CHASSIS"


def test_export_keeps_to_the_customer_filter(api_as, seat, installed_base):
    text = _content(api_as(seat).get("/api/v1/exports/assets?format=csv&customer=KH-A001")).decode()
    assert "SN-CHASSIS" in text
    assert "SN-OTHER" not in text


def test_export_keeps_to_the_search(api_as, seat, installed_base):
    text = _content(api_as(seat).get("/api/v1/exports/assets?format=csv&q=board")).decode()
    assert [line.split(",")[1] for line in text.splitlines()[1:]] == ["SN-BOARD"]


def test_text_excel_would_run_is_quoted_and_imports_back_unchanged(api_as, seat, customer_a):
    factories.ContactFactory(customer=customer_a, name="=HYPERLINK(1)", phone="13800138000")
    content = _content(api_as(seat).get("/api/v1/exports/contacts?format=csv"))
    assert "'=HYPERLINK(1)" in content.decode()
    job = preview(seat, "contacts", SimpleUploadedFile("c.csv", content))
    assert job.counts["unchanged"] == 1


def test_retired_assets_are_not_exported(api_as, seat, installed_base):
    factories.AssetFactory(customer=installed_base, serial_number="SN-RETIRED", is_active=False)
    text = _content(api_as(seat).get("/api/v1/exports/assets?format=csv")).decode()
    assert "SN-RETIRED" not in text


def test_unknown_format_answers_422(api_as, seat):
    response = api_as(seat).get("/api/v1/exports/assets?format=pdf")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "format"]


def test_engineer_may_not_export(api_as, engineer, installed_base):
    assert api_as(engineer).get("/api/v1/exports/assets").status_code == 403


def test_export_page_link_downloads_xlsx(client, seat, installed_base):
    client.force_login(seat)
    response = client.get("/registry/export/customers/?format=xlsx&customer=KH-B001")
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert [r[0] for r in xlsx_rows(_content(response))] == ["客户ID", "KH-B001"]


def test_export_search_finds_contacts_by_phone_digits_like_the_list(api_as, seat, installed_base):
    text = _content(api_as(seat).get("/api/v1/exports/contacts?format=csv&q=0013 8000")).decode()
    assert [line.split(",")[1] for line in text.splitlines()[1:]] == ["王伟"]


def test_export_of_an_unknown_customer_code_answers_422(api_as, seat):
    response = api_as(seat).get("/api/v1/exports/assets?customer=KH-NONE")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "customer"]


def test_import_page_offers_the_three_exports(client, seat):
    client.force_login(seat)
    html = client.get("/registry/import/").content.decode()
    for kind in ("customers", "contacts", "assets"):
        assert f'formaction="/registry/export/{kind}/"' in html
