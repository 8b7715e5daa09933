from __future__ import annotations

import pytest

from aftersales.cases import services


@pytest.fixture
def assigned_case(seat, engineer, customer_a, contact_a):
    case = services.case_create(
        by=seat,
        customer=customer_a,
        title="核心交换机宕机",
        description="机房A核心交换机无法启动",
        priority="P1",
        case_type="fault",
        channel="phone",
        contact=contact_a,
    )
    return services.case_assign(case=case, engineer=engineer, by=seat)
