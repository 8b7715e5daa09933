"""Bad requests to the API are 4xx JSON naming what was wrong, and write nothing."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.cases.models import Activity, Case
from aftersales.core.middleware import BODY_TOO_LARGE, NOT_FOUND, URL_TOO_LONG
from aftersales.core.parser import BODY_TOO_DEEP, JSON_ONLY, MAX_JSON_DEPTH, NUL_REFUSED
from aftersales.registry.models import Customer, ImportJob
from aftersales.repairs.models import RepairOrder

JSON = "application/json"
DEEP = "[" * 2000 + "]" * 2000
PAGINATED = [
    "/api/v1/customers",
    "/api/v1/customers/KH-A001/contacts",
    "/api/v1/engineers",
    "/api/v1/assets",
    "/api/v1/cases",
    "/api/v1/inbound-emails",
    "/api/v1/outbox",
    "/api/v1/contracts",
]


def _loc(response) -> list:
    return response.json()["detail"][0]["loc"]


def _msg(response) -> str:
    return response.json()["detail"][0]["msg"]


# --- bodies: nesting and NUL -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["take-over", "confirm", "close", "assign", "comment"])
def test_deeply_nested_json_to_a_case_action_is_refused(api_as, admin_user, assigned_case, action):
    activities = Activity.objects.count()
    response = api_as(admin_user).post(
        f"/api/v1/cases/{assigned_case.number}/{action}", DEEP, content_type=JSON
    )
    assert response.status_code == 422
    assert _loc(response) == ["body"] and _msg(response) == BODY_TOO_DEEP
    assert Activity.objects.count() == activities
    assert Case.objects.get().version == assigned_case.version


@pytest.mark.django_db
def test_json_nested_past_the_limit_is_refused_even_when_python_could_read_it(api_as, admin_user):
    body = (
        '{"code": "KH-X", "name": ' + "[" * (MAX_JSON_DEPTH + 5) + "]" * (MAX_JSON_DEPTH + 5) + "}"
    )
    response = api_as(admin_user).post("/api/v1/customers", body, content_type=JSON)
    assert response.status_code == 422 and _msg(response) == BODY_TOO_DEEP
    assert not Customer.objects.filter(code="KH-X").exists()


@pytest.fixture
def repair_id(api_as, engineer, assigned_case) -> int:
    body = {"service_mode": "onsite", "fault_category": "power", "fault_text": "无法开机"}
    response = api_as(engineer).post(
        f"/api/v1/cases/{assigned_case.number}/repairs", body, content_type=JSON
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.django_db
def test_deeply_nested_json_to_a_repair_sign_off_is_refused(api_as, contact_a, repair_id):
    before = RepairOrder.objects.values().get()
    response = api_as(contact_a.user).post(
        f"/api/v1/repairs/{repair_id}/sign-off", DEEP, content_type=JSON
    )
    assert response.status_code == 422 and _msg(response) == BODY_TOO_DEEP
    assert RepairOrder.objects.values().get() == before


@pytest.mark.django_db
def test_nul_in_a_text_field_is_refused_naming_the_field(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/customers", {"code": "KH-N", "name": "华东\x00电力"}, content_type=JSON
    )
    assert response.status_code == 422
    assert _loc(response) == ["body", "name"] and _msg(response) == NUL_REFUSED
    assert not Customer.objects.filter(code="KH-N").exists()


@pytest.mark.django_db
def test_nul_deep_in_a_body_is_refused_naming_its_path(api_as, engineer, repair_id):
    parts = [{"name": "电源\x00模块", "part_number": "PWR-650", "quantity": 1, "unit_price": "10"}]
    response = api_as(engineer).patch(
        f"/api/v1/repairs/{repair_id}", {"parts": parts}, content_type=JSON
    )
    assert response.status_code == 422
    assert _loc(response) == ["body", "parts", 0, "name"] and _msg(response) == NUL_REFUSED
    assert not RepairOrder.objects.get().parts.exists()


@pytest.mark.django_db
def test_nul_in_an_optional_body_is_refused(api_as, engineer, assigned_case):
    response = api_as(engineer).post(
        f"/api/v1/cases/{assigned_case.number}/close", {"text": "\x00"}, content_type=JSON
    )
    assert response.status_code == 422 and _loc(response) == ["body", "text"]
    assert Case.objects.get().version == assigned_case.version


@pytest.mark.django_db
def test_nul_in_a_query_parameter_is_refused_naming_it(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/customers?q=%00")
    assert response.status_code == 422
    assert _loc(response) == ["query", "q"] and _msg(response) == NUL_REFUSED


@pytest.mark.django_db
def test_nul_in_a_path_parameter_is_refused_naming_it(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/cases/CS%00X")
    assert response.status_code == 422
    assert _loc(response) == ["path", "number"] and _msg(response) == NUL_REFUSED


@pytest.mark.django_db
def test_nul_in_a_multipart_form_field_is_refused_naming_it(api_as, admin_user):
    upload = SimpleUploadedFile("customers.csv", b"code,name\nKH-C,Name\n", "text/csv")
    response = api_as(admin_user).post("/api/v1/imports", {"kind": "customers\x00", "file": upload})
    assert response.status_code == 422
    assert _loc(response) == ["form", "kind"] and _msg(response) == NUL_REFUSED
    assert ImportJob.objects.count() == 0


# --- pagination --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGINATED)
@pytest.mark.parametrize("param", ["offset", "limit"])
def test_a_page_past_64_bits_is_refused_naming_the_parameter(
    api_as, admin_user, customer_a, url, param
):
    response = api_as(admin_user).get(f"{url}?{param}=9223372036854775808")
    assert response.status_code == 422
    assert _loc(response) == ["query", param]


@pytest.mark.django_db
def test_a_limit_of_zero_is_refused(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/customers?limit=0")
    assert response.status_code == 422 and _loc(response) == ["query", "limit"]


# --- sizes -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_413(api_as, admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"code": "KH-BIG", "name": "名" * 2000}
    response = api_as(admin_user).post("/api/v1/customers", body, content_type=JSON)
    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE}
    assert not Customer.objects.filter(code="KH-BIG").exists()


@pytest.mark.django_db
def test_a_declared_length_over_the_limit_is_a_json_413(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/customers", "{}", content_type=JSON, CONTENT_LENGTH=str(10**12)
    )
    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE}


@pytest.mark.django_db
def test_a_very_long_address_is_a_json_414(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/customers?q=" + "x" * 5000)
    assert response.status_code == 414
    assert response.json() == {"detail": URL_TOO_LONG}


# --- every error is JSON -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND}


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(api_as, admin_user):
    response = api_as(admin_user).delete("/api/v1/customers")
    assert response.status_code == 405
    assert "detail" in response.json()
    assert "POST" in response["Allow"]


@pytest.mark.django_db
def test_a_malformed_multipart_body_is_a_json_400(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/imports", b"--xx\r\nbroken", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_write_is_a_401_not_a_csrf_403():
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/customers", {"code": "KH-ANON", "name": "x"}, content_type=JSON
    )
    assert response.status_code == 401
    assert "detail" in response.json()
    assert not Customer.objects.filter(code="KH-ANON").exists()


@pytest.mark.django_db
def test_a_session_write_without_the_csrf_token_is_still_refused(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/api/v1/customers", {"code": "KH-CSRF", "name": "x"}, content_type=JSON)
    assert response.status_code == 403
    assert not Customer.objects.filter(code="KH-CSRF").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_json_endpoint_refuses_other_content_types_with_415(api_as, admin_user, content_type):
    response = api_as(admin_user).post(
        "/api/v1/customers", '{"code": "KH-T", "name": "x"}', content_type=content_type
    )
    assert response.status_code == 415
    assert response.json() == {"detail": JSON_ONLY}
    assert not Customer.objects.filter(code="KH-T").exists()


@pytest.mark.django_db
def test_a_multipart_upload_still_works(api_as, admin_user):
    upload = SimpleUploadedFile("customers.csv", "code,name\nKH-C,华东\n".encode(), "text/csv")
    response = api_as(admin_user).post("/api/v1/imports", {"kind": "customers", "file": upload})
    assert response.status_code == 202, response.content
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_the_interactive_docs_load_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    # Only the asset references are checked: the page's CSRF token is random text.
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
    assert "http://" not in html and "https://" not in html
    assert "swagger-ui" in html
