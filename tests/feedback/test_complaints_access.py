"""Complaints belong to the officers: the service roles get 403, customers see only their own,
anonymity holds against managers, bad input is a 422 naming the field with nothing written."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.feedback.models import Complaint
from tests.conftest import api_client_for
from tests.feedback.factories_complaints import JSON, at, file_complaint, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(officer, customer_a):
    return file_complaint(officer, at(2026, 12, 7, 9, 0))


@pytest.mark.parametrize("role_user", ["seat", "engineer", "expert"])
def test_service_roles_get_403_on_every_complaint_endpoint(request, role_user, complaint):
    user = request.getfixturevalue(role_user)
    api = api_client_for(user)
    number = complaint.number
    calls = [
        api.get("/api/v1/complaints"),
        api.get(f"/api/v1/complaints/{number}"),
        api.get(f"/api/v1/complaints/{number}/sheet.pdf"),
        api.post(
            "/api/v1/complaints",
            {"customer": "KH-A001", "text": "x", "channel": "phone"},
            content_type=JSON,
        ),
        api.post(f"/api/v1/complaints/{number}/answer", {"text": "x"}, content_type=JSON),
        api.post(f"/api/v1/complaints/{number}/verify", {"satisfied": True}, content_type=JSON),
        api.post(f"/api/v1/complaints/{number}/close", content_type=JSON),
        api.post(f"/api/v1/complaints/{number}/cases", {"case": "CS-X"}, content_type=JSON),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().status == "sent"


@pytest.mark.parametrize("role_user", ["seat", "engineer", "expert"])
def test_service_roles_get_403_on_the_complaint_pages(client, request, role_user, complaint):
    client.force_login(request.getfixturevalue(role_user))
    for url in ("/complaints/", "/complaints/new/", f"/complaints/{complaint.number}/"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/complaints/{complaint.number}/close/")
    assert response.status_code == 403
    assert Complaint.objects.get().status == "sent"


def test_a_manager_answers_but_may_not_close_or_verify(manager, complaint):
    api = api_client_for(manager)
    answered = post(
        api, f"/api/v1/complaints/{complaint.number}/answer", at(2026, 12, 7, 10, 0), text="已核实"
    )
    assert answered.status_code == 200
    assert answered.json()["allowed_actions"] == ["resolve"]
    verify = post(
        api, f"/api/v1/complaints/{complaint.number}/verify", at(2026, 12, 7, 10, 5), satisfied=True
    )
    assert verify.status_code == 403
    assert Complaint.objects.get().satisfied is None


def test_a_contact_files_a_complaint_for_their_own_customer(contact_a):
    response = post(
        api_client_for(contact_a.user),
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="热线无人接听",
        channel="api",
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.contact == contact_a and complaint.customer.code == "KH-A001"


def test_a_contact_may_not_file_for_another_customer(contact_b, customer_a):
    response = post(
        api_client_for(contact_b.user),
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="冒名投诉",
        channel="api",
    )
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_another_customers_complaint_is_404_and_absent_from_their_list(contact_b, complaint):
    api = api_client_for(contact_b.user)
    assert api.get(f"/api/v1/complaints/{complaint.number}").status_code == 404
    assert api.get("/api/v1/complaints").json()["count"] == 0
    answer = api.post(
        f"/api/v1/complaints/{complaint.number}/answer", {"text": "x"}, content_type=JSON
    )
    assert answer.status_code in (403, 404)


def test_a_contact_sees_the_status_but_no_internal_data(officer, contact_a, complaint):
    post(
        api_client_for(officer),
        f"/api/v1/complaints/{complaint.number}/answer",
        at(2026, 12, 7, 10, 0),
        text="内部答复：工程师排班失误",
    )
    body = api_client_for(contact_a.user).get(f"/api/v1/complaints/{complaint.number}").json()
    assert body["status"] == "answered"
    assert body["answer"] == ""
    assert all(not a["internal"] for a in body["activities"])
    assert "排班失误" not in str(body)
    sheet = api_client_for(contact_a.user).get(f"/api/v1/complaints/{complaint.number}/sheet.pdf")
    assert sheet.status_code == 403


def test_an_anonymous_complainant_is_hidden_from_a_manager_but_not_from_the_officer(
    officer, manager, customer_a, contact_a, client
):
    complaint = file_complaint(
        officer,
        at(2026, 12, 7, 9, 0),
        anonymous=True,
        contact=contact_a.pk,
        complainant_name="王先生",
        complainant_phone="13800138000",
    )
    url = f"/api/v1/complaints/{complaint.number}"
    hidden = api_client_for(manager).get(url).json()
    assert (hidden["contact"], hidden["complainant_name"], hidden["complainant_phone"]) == (
        None,
        "",
        "",
    )
    shown = api_client_for(officer).get(url).json()
    assert shown["complainant_name"] == "王先生" and shown["contact"] == contact_a.pk
    client.force_login(manager)
    page = client.get(f"/complaints/{complaint.number}/").content.decode()
    assert "王先生" not in page and "13800138000" not in page and "Anonymous" in page


def test_an_anonymous_contact_leaves_no_name_on_the_timeline(contact_a, manager):
    post(
        api_client_for(contact_a.user),
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="匿名反映服务问题",
        channel="portal",
        anonymous=True,
    )
    number = Complaint.objects.get().number
    body = api_client_for(manager).get(f"/api/v1/complaints/{number}").json()
    assert {a["actor"] for a in body["activities"]} == {None}
    assert body["contact"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"customer": "KH-NONE"}, "customer"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"case": "CS-20261207-9999"}, "case"),
        ({"department": "canteen"}, "department"),
        ({"at": "2099-01-01T09:00:00+08:00"}, "at"),
        ({"complainant_phone": "1" * 41}, "complainant_phone"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(officer, customer_a, change, field):
    body = {"customer": "KH-A001", "text": "迟到", "channel": "phone", **change}
    response = post(api_client_for(officer), "/api/v1/complaints", at(2026, 12, 7, 9, 0), **body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    assert Complaint.objects.count() == 0


def test_a_case_of_another_customer_cannot_be_linked(officer, customer_b, complaint, seat):
    from aftersales.cases import services as case_services

    other = case_services.case_create(
        by=seat,
        customer=customer_b,
        title="网络故障",
        description="x",
        priority="P3",
        case_type="fault",
        channel="phone",
    )
    response = post(
        api_client_for(officer),
        f"/api/v1/complaints/{complaint.number}/cases",
        at(2026, 12, 7, 9, 30),
        case=other.number,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "case"
    assert complaint.cases.count() == 0


def test_a_contact_of_another_customer_is_not_a_complainant(officer, customer_a, contact_b):
    response = post(
        api_client_for(officer),
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="迟到",
        channel="phone",
        contact=contact_b.pk,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "contact"
    assert Complaint.objects.count() == 0


def test_the_list_filters_by_status_customer_and_overdue(officer, customer_a, customer_b):
    first = file_complaint(officer, at(2026, 12, 7, 9, 0))
    file_complaint(officer, at(2026, 12, 7, 12, 0), customer="KH-B001")
    api = api_client_for(officer)
    with time_machine.travel(at(2026, 12, 7, 12, 30), tick=False):
        overdue = api.get("/api/v1/complaints?overdue=true").json()
        by_customer = api.get("/api/v1/complaints?customer=KH-B001").json()
        searched = api.get(f"/api/v1/complaints?q={first.number}").json()
    assert [i["number"] for i in overdue["items"]] == [first.number]
    assert by_customer["count"] == 1 and by_customer["items"][0]["customer"] == "KH-B001"
    assert searched["count"] == 1
    assert api.get("/api/v1/complaints?status=bogus").status_code == 422


def test_the_promise_list_leaves_complaints_out_for_contacts(contact_a, manager, complaint):
    mine = api_client_for(contact_a.user).get("/api/v1/promises?subject_kind=complaint").json()
    assert mine["count"] == 0
    staff = api_client_for(manager).get("/api/v1/promises?subject_kind=complaint").json()
    assert {i["target"] for i in staff["items"]} == {"answer", "settle"}
