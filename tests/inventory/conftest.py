from __future__ import annotations

import pytest

from aftersales.inventory import services
from aftersales.inventory.models import WarehouseKind
from tests import factories


@pytest.fixture
def keeper(db):
    return factories.staff_user("keeper", role="warehouse")


@pytest.fixture
def rma_admin(db):
    return factories.staff_user("rma_admin", role="rma_admin")


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def part(keeper):
    return services.part_create(by=keeper, part_number="PN-PSU-750", name="电源模块 750W")


@pytest.fixture
def serial_part(keeper):
    return services.part_create(
        by=keeper, part_number="PN-CTL-01", name="存储控制器", serialised=True
    )


@pytest.fixture
def central(keeper):
    return services.warehouse_create(
        by=keeper, code="WH-CN", name="中心库", kind=WarehouseKind.CENTRAL, region="华北"
    )


@pytest.fixture
def regional(keeper):
    return services.warehouse_create(by=keeper, code="WH-SH", name="上海服务中心", region="华东")
