from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.utils import translation

from aftersales.cases import services as case_services
from tests import factories


@pytest.fixture(autouse=True)
def _english():
    """Messages asserted below are the English source strings (a Chinese catalogue exists)."""
    with translation.override("en"):
        yield


def signature_data_url(*, blank: bool = False) -> str:
    """A PNG like a browser canvas makes: transparent, with a drawn stroke unless blank."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line(
            [(20, 90), (120, 30), (200, 80), (280, 40)], fill="black", width=4
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def warehouse(db):
    return factories.staff_user("keeper", role="warehouse")


@pytest.fixture
def old_asset(customer_a):
    """Accepted in 2020: its 36-month hardware warranty is long over."""
    return factories.AssetFactory(
        customer=customer_a,
        serial_number="SN-OLD-1",
        accepted_on=dt.date(2020, 1, 1),
        product_model=factories.ProductModelFactory(name="S6850", kind="hardware"),
    )


@pytest.fixture
def new_asset(customer_a):
    return factories.AssetFactory(
        customer=customer_a, serial_number="SN-NEW-1", accepted_on=dt.date(2026, 1, 1)
    )


def open_case(seat, engineer, customer, contact, serial: str):
    case = case_services.case_create(
        by=seat,
        customer=customer,
        title="设备无法开机",
        description="电源指示灯不亮",
        priority="P3",
        case_type="fault",
        channel="phone",
        serial_number=serial,
        contact=contact,
    )
    return case_services.case_assign(case=case, engineer=engineer, by=seat)


@pytest.fixture
def paid_case(seat, engineer, customer_a, contact_a, old_asset):
    return open_case(seat, engineer, customer_a, contact_a, "SN-OLD-1")


@pytest.fixture
def free_case(seat, engineer, customer_a, contact_a, new_asset):
    return open_case(seat, engineer, customer_a, contact_a, "SN-NEW-1")
