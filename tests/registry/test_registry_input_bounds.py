"""Registry input out of bounds is a 422 naming the field, on the API and the console form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.schema_types import DATE_OUT_OF_RANGE
from aftersales.registry.models import Asset, Customer, Engineer
from tests import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _error(response) -> dict:
    assert response.status_code == 422, response.content[:300]
    return response.json()["detail"][0]


def _asset(api, **changes):
    body = {
        "customer": "KH-A001",
        "serial_number": "SN-BOUND-1",
        "product_model": "S5735",
        "vendor": "华为",
        "accepted_on": "2026-01-10",
        **changes,
    }
    return api.post("/api/v1/assets", body, content_type=JSON)


@pytest.mark.parametrize(
    ("field", "value"), [("accepted_on", "0001-01-01"), ("installed_on", "9999-12-31")]
)
def test_asset_dates_out_of_range_are_refused(api_as, seat, customer_a, field, value):
    error = _error(_asset(api_as(seat), **{field: value}))
    assert error["loc"][-1] == field and error["msg"] == str(DATE_OUT_OF_RANGE)
    assert Asset.objects.count() == 0


@pytest.mark.parametrize("months", ["36", 36.5, True])
def test_warranty_months_must_be_a_whole_number(api_as, seat, customer_a, months):
    assert _error(_asset(api_as(seat), warranty_months=months))["loc"][-1] == "warranty_months"
    assert Asset.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("region", "火星"), ("level", "platinum"), ("name", "名" * 201)]
)
def test_customer_refuses_unknown_or_oversized_values(api_as, seat, field, value):
    body = {"code": "KH-900", "name": "江苏移动", field: value}
    response = api_as(seat).post("/api/v1/customers", body, content_type=JSON)
    assert _error(response)["loc"][-1] == field
    assert not Customer.objects.filter(code="KH-900").exists()


def test_engineer_role_must_be_a_staff_role(api_as, admin_user):
    body = {"username": "eng9", "password": "x" * 12, "name": "王工", "role": "customer_contact"}
    response = api_as(admin_user).post("/api/v1/engineers", body, content_type=JSON)
    assert _error(response)["loc"][-1] == "role"
    assert not Engineer.objects.filter(user__username="eng9").exists()


def test_console_asset_form_refuses_a_year_one_acceptance(client, seat, customer_a):
    client.force_login(seat)
    model = factories.ProductModelFactory()
    response = client.post(
        reverse("registry:asset_create", args=[customer_a.pk]),
        {"serial_number": "SN-BOUND-2", "product_model": model.pk, "accepted_on": "0001-01-01"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors == {"accepted_on": [str(DATE_OUT_OF_RANGE)]}
    assert Asset.objects.count() == 0
