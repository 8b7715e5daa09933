from __future__ import annotations

import pytest

from aftersales.cases import services
from tests import factories


@pytest.fixture
def expert(db):
    return factories.staff_user("expert", role="expert")


@pytest.fixture
def engineer2(db):
    return factories.staff_user("engineer2", role="engineer")


@pytest.fixture
def new_case(seat, customer_a, contact_a):
    return services.case_create(
        by=seat,
        customer=customer_a,
        title="核心交换机宕机",
        description="机房A核心交换机无法启动",
        priority="P1",
        case_type="fault",
        channel="phone",
        contact=contact_a,
    )


@pytest.fixture
def assigned_case(new_case, seat, engineer):
    return services.case_assign(case=new_case, engineer=engineer, by=seat)


@pytest.fixture
def responded_case(assigned_case, engineer):
    return services.case_respond(case=assigned_case, by=engineer, text="已电话联系客户")


@pytest.fixture
def resolved_case(responded_case, engineer):
    return services.case_resolve(case=responded_case, by=engineer, text="更换电源模块后恢复")
