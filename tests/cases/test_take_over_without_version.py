"""Take-over without a version: the owner the caller saw stands in for it."""

import pytest

from aftersales.cases import services
from aftersales.cases.models import Activity, ActivityKind, Case
from aftersales.core.errors import Conflict

pytestmark = pytest.mark.django_db


def _take_overs() -> int:
    return Activity.objects.filter(kind=ActivityKind.TAKEN_OVER).count()


def test_take_over_of_a_case_someone_took_meanwhile_is_refused(assigned_case, engineer2, expert):
    seen = Case.objects.get(pk=assigned_case.pk)  # both engineers opened the same page
    services.case_take_over(case=seen, by=engineer2)
    with pytest.raises(Conflict) as exc:
        services.case_take_over(case=seen, by=expert)
    assert exc.value.message == services.TAKEN_OVER_MEANWHILE
    assert Case.objects.get().assignee == engineer2 and _take_overs() == 1


def test_take_over_of_the_case_as_read_now_still_works(assigned_case, engineer2, expert):
    services.case_take_over(case=Case.objects.get(pk=assigned_case.pk), by=engineer2)
    services.case_take_over(case=Case.objects.get(pk=assigned_case.pk), by=expert)
    assert Case.objects.get().assignee == expert and _take_overs() == 2


def test_second_click_of_the_same_engineer_is_refused(assigned_case, engineer2, api_as):
    api = api_as(engineer2)
    url = f"/api/v1/cases/{assigned_case.number}/take-over"
    assert api.post(url, {}, content_type="application/json").status_code == 200
    response = api.post(url, {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"] == str(services.ALREADY_YOURS)
    assert _take_overs() == 1


def test_customer_contact_cannot_take_over(assigned_case, contact_a, api_as):
    url = f"/api/v1/cases/{assigned_case.number}/take-over"
    response = api_as(contact_a.user).post(url, {}, content_type="application/json")
    assert response.status_code in (403, 404)
    assert _take_overs() == 0
