"""The OpenAPI states the rules the API enforces: errors it answers, NUL-free texts, date ranges."""

from __future__ import annotations

import re

import pytest

from aftersales.core.middleware import URL_TOO_LONG
from aftersales.core.openapi import NUL_FREE_PATTERN
from aftersales.core.parser import NUL_REFUSED
from aftersales.core.schema_types import DATE_PATTERN, DATETIME_PATTERN
from aftersales.registry.models import Customer

JSON = "application/json"


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _responses(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][path][method]["responses"]


@pytest.mark.django_db
def test_an_operation_with_a_json_body_documents_400_413_414_and_415(schema):
    responses = _responses(schema, "post", "/api/v1/customers")
    assert {"400", "413", "414", "415"} <= responses.keys()


@pytest.mark.django_db
def test_an_operation_without_a_body_documents_414_only_of_those(schema):
    responses = _responses(schema, "get", "/api/v1/cases")
    assert "414" in responses and not {"400", "413", "415"} & responses.keys()


@pytest.mark.django_db
def test_the_token_endpoint_documents_wrong_credentials_and_throttling(schema):
    assert {"403", "429"} <= _responses(schema, "post", "/api/v1/auth/token").keys()


@pytest.mark.django_db
def test_a_staff_only_list_documents_the_404_a_contact_hears(schema, api_as, contact_a):
    assert "404" in _responses(schema, "get", "/api/v1/engineers")
    assert api_as(contact_a.user).get("/api/v1/engineers").status_code == 404


@pytest.mark.django_db
def test_every_free_text_input_publishes_the_nul_free_pattern(schema):
    name = schema["components"]["schemas"]["CustomerIn"]["properties"]["name"]
    assert name["pattern"] == NUL_FREE_PATTERN
    q = next(p for p in schema["paths"]["/api/v1/cases"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["pattern"] == NUL_FREE_PATTERN
    assert not re.search(NUL_FREE_PATTERN, "a\x00b") and re.search(NUL_FREE_PATTERN, "华东电力")


@pytest.mark.django_db
def test_dates_publish_their_format_and_the_range_1900_to_2999(schema):
    decided = schema["components"]["schemas"]["ContractIn"]["properties"]["starts_on"]
    assert decided["format"] == "date" and decided["pattern"] == DATE_PATTERN
    assert re.match(DATE_PATTERN, "2024-02-29") and re.match(DATE_PATTERN, "2999-12-31")
    for outside in ("1899-12-31", "3000-01-01", "0240-11-01", "2023-02-29", "2100-02-29"):
        assert not re.match(DATE_PATTERN, outside), outside
    assert re.match(DATETIME_PATTERN, "2026-03-02T10:00:00+08:00")
    assert not re.match(DATETIME_PATTERN, "0001-01-01T00:00:00+01:00")


@pytest.mark.django_db
def test_nul_in_a_key_the_operation_does_not_read_is_ignored(api_as, admin_user):
    body = {"code": "KH-U", "name": "华东电力", "unread": ["\x00"]}
    response = api_as(admin_user).post("/api/v1/customers", body, content_type=JSON)
    assert response.status_code == 201
    assert Customer.objects.get(code="KH-U").name == "华东电力"


@pytest.mark.django_db
def test_nul_in_a_field_the_operation_reads_is_still_refused(api_as, admin_user):
    body = {"code": "KH-V", "name": "华东\x00电力", "unread": "x"}
    response = api_as(admin_user).post("/api/v1/customers", body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == NUL_REFUSED
    assert not Customer.objects.filter(code="KH-V").exists()


@pytest.mark.django_db
def test_a_url_of_5000_characters_answers_json_414(api_as, admin_user):
    response = api_as(admin_user).get("/api/v1/customers?q=" + "x" * 5000)
    assert response.status_code == 414
    assert response.json() == {"detail": URL_TOO_LONG}


def test_serve_lets_request_lines_up_to_8_kib_reach_the_app():
    from aftersales.core import supervisor  # serve's children are started from here

    web = supervisor.commands(host="127.0.0.1", port=8000, web_workers=1, web_threads=1)[0]
    assert web[web.index("--limit-request-line") + 1] == "8190"
