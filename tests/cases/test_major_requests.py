import datetime as dt

import pytest

from aftersales.cases import services
from aftersales.core.errors import Conflict


@pytest.fixture
def major_case(seat, engineer, customer_a):
    case = services.case_create(
        by=seat,
        customer=customer_a,
        title="数据恢复",
        priority="P2",
        case_type="data_recovery",
        channel="phone",
        is_major=True,
    )
    return services.case_assign(case=case, engineer=engineer, by=seat)


@pytest.mark.django_db
def test_major_request_cannot_leave_assigned_without_approval(major_case, engineer):
    with pytest.raises(Conflict):
        services.case_respond(case=major_case, by=engineer, text="开始")


@pytest.mark.django_db
def test_approved_major_request_proceeds(major_case, seat, engineer):
    services.case_record_approval(
        case=major_case,
        by=seat,
        approver="客户CIO 张总",
        decision="approved",
        decided_on=dt.date(2026, 11, 23),
    )
    assert services.case_respond(case=major_case, by=engineer, text="开始").status == "responded"


@pytest.mark.django_db
def test_refused_major_request_is_blocked_for_good(major_case, seat, engineer):
    services.case_record_approval(
        case=major_case,
        by=seat,
        approver="客户CIO",
        decision="refused",
        decided_on=dt.date(2026, 11, 23),
    )
    with pytest.raises(Conflict):
        services.case_record_approval(
            case=major_case,
            by=seat,
            approver="x",
            decision="approved",
            decided_on=dt.date(2026, 11, 24),
        )
    with pytest.raises(Conflict):
        services.case_respond(case=major_case, by=engineer, text="开始")
