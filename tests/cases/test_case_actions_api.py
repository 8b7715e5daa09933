import pytest

from aftersales.cases.models import Case, Status
from aftersales.notify.models import OutboxMessage


def _post(api, number, action, body=None):
    return api.post(f"/api/v1/cases/{number}/{action}", body or {}, content_type="application/json")


@pytest.mark.django_db
def test_assign_notifies_the_engineer_by_mail_and_sms(api_as, seat, engineer, new_case):
    response = _post(api_as(seat), new_case.number, "assign", {"engineer": "engineer"})
    assert response.status_code == 200
    assert response.json()["status"] == "assigned"
    channels = set(
        OutboxMessage.objects.filter(kind="case.assigned").values_list("channel", flat=True)
    )
    assert channels == {"email", "sms"}


@pytest.mark.django_db
def test_engineer_cannot_assign(api_as, engineer, new_case):
    response = _post(api_as(engineer), new_case.number, "assign", {"engineer": "engineer"})
    assert response.status_code == 403
    assert Case.objects.get().status == Status.NEW


@pytest.mark.django_db
def test_full_life_from_assignment_to_confirmation(api_as, seat, engineer, contact_a, new_case):
    n = new_case.number
    _post(api_as(seat), n, "assign", {"engineer": "engineer"})
    eng = api_as(engineer)
    assert _post(eng, n, "respond", {"text": "已联系"}).json()["status"] == "responded"
    assert _post(eng, n, "diagnose", {"text": "电源故障"}).json()["status"] == "in_progress"
    assert _post(eng, n, "resolve", {"text": "已更换电源"}).json()["status"] == "resolved"
    data = _post(api_as(contact_a.user), n, "confirm").json()
    assert data["status"] == "closed"
    kinds = [a["kind"] for a in data["activities"]]
    assert kinds == ["created", "assigned", "responded", "started", "resolved", "confirmed"]


@pytest.mark.django_db
def test_respond_before_assignment_is_a_conflict_with_the_reason(api_as, engineer, new_case):
    response = _post(api_as(engineer), new_case.number, "respond", {"text": "x"})
    assert response.status_code == 409
    assert "detail" in response.json()
    assert Case.objects.get().version == new_case.version


@pytest.mark.django_db
def test_resolve_needs_a_text(api_as, engineer, responded_case):
    response = _post(api_as(engineer), responded_case.number, "resolve", {"text": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "text"


@pytest.mark.django_db
def test_any_engineer_can_take_over(api_as, engineer2, assigned_case):
    response = _post(api_as(engineer2), assigned_case.number, "take-over")
    assert response.status_code == 200
    assert response.json()["assignee"] == "engineer2"


@pytest.mark.django_db
def test_take_over_with_a_stale_version_is_refused(api_as, engineer2, assigned_case):
    response = _post(api_as(engineer2), assigned_case.number, "take-over", {"version": 1})
    assert response.status_code == 409
    assert Case.objects.get().assignee.username == "engineer"


@pytest.mark.django_db
def test_other_engineer_must_take_over_before_working(api_as, engineer2, assigned_case):
    response = _post(api_as(engineer2), assigned_case.number, "respond", {"text": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_escalation_to_an_expert_makes_them_a_participant(api_as, engineer, expert, responded_case):
    response = _post(
        api_as(engineer),
        responded_case.number,
        "escalate",
        {"to": "expert", "text": "需要专家支持", "expert": "expert"},
    )
    assert response.status_code == 200
    assert response.json()["participants"] == ["expert"]
    assert (
        _post(api_as(expert), responded_case.number, "diagnose", {"text": "固件缺陷"}).status_code
        == 200
    )


@pytest.mark.django_db
def test_vendor_escalation_records_the_vendor_reference(api_as, engineer, responded_case):
    from tests.factories import VendorFactory

    VendorFactory(code="HW", name="华为")
    response = _post(
        api_as(engineer),
        responded_case.number,
        "escalate",
        {"to": "vendor", "text": "提交原厂", "vendor": "华为", "vendor_ref": "HW-123"},
    )
    assert response.status_code == 200
    assert responded_case.vendor_cases.get().reference == "HW-123"


@pytest.mark.django_db
def test_customer_rejects_a_resolution_and_work_resumes(api_as, contact_a, resolved_case):
    response = _post(api_as(contact_a.user), resolved_case.number, "reject", {"text": "仍然告警"})
    assert response.json()["status"] == "in_progress"


@pytest.mark.django_db
def test_closed_case_can_be_reopened_by_the_customer(api_as, contact_a, resolved_case):
    _post(api_as(contact_a.user), resolved_case.number, "confirm")
    response = _post(api_as(contact_a.user), resolved_case.number, "reopen", {"text": "又出现了"})
    assert response.json()["status"] == "in_progress"


@pytest.mark.django_db
def test_customer_cannot_resolve(api_as, contact_a, responded_case):
    response = _post(api_as(contact_a.user), responded_case.number, "resolve", {"text": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_seat_cancels_an_open_case_with_a_reason(api_as, seat, new_case):
    response = _post(api_as(seat), new_case.number, "close", {"text": "重复报修"})
    assert response.json()["status"] == "closed"


@pytest.mark.django_db
def test_waiting_for_the_customer_resumes_when_the_customer_comments(
    api_as, engineer, contact_a, responded_case
):
    _post(api_as(engineer), responded_case.number, "wait", {"text": "等待客户提供日志"})
    response = _post(
        api_as(contact_a.user), responded_case.number, "comment", {"text": "日志已上传"}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "responded"
