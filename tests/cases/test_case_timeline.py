"""Case activities live on the one timeline (core.Activity, subject kind "case")."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.core.errors import Invalid
from aftersales.core.models import Activity
from tests import factories
from tests.repairs.conftest import open_case


@pytest.fixture
def case(seat, engineer, customer_a, contact_a):
    return open_case(seat, engineer, customer_a, contact_a, serial="")


def test_a_comment_writes_exactly_one_row_with_the_cases_customer(case, engineer):
    before = Activity.objects.count()
    services.case_comment(case=case, by=engineer, text="已远程查看日志")
    row = Activity.objects.latest("id")
    assert Activity.objects.count() == before + 1
    assert (row.subject_kind, row.subject_id, row.customer_id) == (
        "case",
        case.pk,
        case.customer_id,
    )
    assert (row.kind, row.actor, row.text) == ("comment", engineer, "已远程查看日志")


def test_a_refused_internal_note_of_a_contact_writes_nothing(case, contact_a):
    before = Activity.objects.count()
    with pytest.raises(Invalid) as refused:
        services.case_comment(case=case, by=contact_a.user, text="x", internal=True)
    assert refused.value.message == services.CUSTOMERS_NO_INTERNAL
    assert Activity.objects.count() == before


def test_reassignment_records_the_assignee_old_to_new(case, seat, engineer):
    services.case_assign(case=case, engineer=factories.staff_user("eng2"), by=seat)
    row = Activity.objects.of(case).filter(kind="assigned").latest("id")
    assert row.changes["assignee"][0] == str(engineer)


def test_contacts_never_see_internal_rows_in_the_api(api_as, case, engineer, contact_a):
    services.case_comment(case=case, by=engineer, text="客户欠款", internal=True)
    staff = api_as(engineer).get(f"/api/v1/cases/{case.number}").json()["activities"]
    theirs = api_as(contact_a.user).get(f"/api/v1/cases/{case.number}").json()["activities"]
    assert "客户欠款" in [a["text"] for a in staff]
    assert "客户欠款" not in [a["text"] for a in theirs]
    assert set(staff[0]) == {"at", "actor", "kind", "text", "internal"}
