"""GET /api/v1/lookup: the call-centre search over the API (contract.md)."""

from __future__ import annotations

import factory
import pytest

from aftersales.registry import lookup
from aftersales.registry.models import MemberSide, ProjectMember
from tests.factories import (
    AssetFactory,
    ContactFactory,
    CustomerFactory,
    EngineerFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "customer",
    "contacts",
    "projects",
    "assets",
    "contracts",
    "open_cases",
    "engineers",
}


def get(client, q):
    return client.get("/api/v1/lookup", {"q": q})


def test_seat_finds_customer_by_code(api_as, seat, customer_a):
    body = get(api_as(seat), "KH-A001").json()
    assert body["customer"]["code"] == "KH-A001"
    assert body["matched_by"] == "customer_code"


def test_seat_finds_customer_by_code_typed_in_lower_case(api_as, seat, customer_a):
    assert get(api_as(seat), " kh-a001 ").json()["customer"]["name"] == "华东电力集团"


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "(138) 0013-8000", "8613800138000"],
)
def test_seat_finds_customer_by_mobile_in_any_format(api_as, seat, customer_a, typed):
    ContactFactory(customer=customer_a, phone="138-0013-8000")
    body = get(api_as(seat), typed).json()
    assert body["customer"]["code"] == "KH-A001"
    assert body["matched_by"] == "phone"


@pytest.mark.parametrize("typed", ["010-65521234", "(010) 6552 1234", "+86 10 6552 1234"])
def test_seat_finds_customer_by_landline_with_area_code(api_as, seat, customer_a, typed):
    ContactFactory(customer=customer_a, phone="010 6552-1234")
    assert get(api_as(seat), typed).json()["customer"]["code"] == "KH-A001"


def test_phone_match_marks_the_calling_contact(api_as, seat, customer_a):
    caller = ContactFactory(customer=customer_a, phone="13800138000")
    ContactFactory(customer=customer_a, phone="13900139000")
    contacts = get(api_as(seat), "+8613800138000").json()["contacts"]
    assert [c["id"] for c in contacts if c["matched"]] == [caller.pk]
    assert len(contacts) == 2


def test_seat_finds_asset_by_serial_ignoring_case(api_as, seat, customer_a):
    AssetFactory(customer=customer_a, serial_number="2102-AbC-0001")
    body = get(api_as(seat), "2102-abc-0001").json()
    assert body["matched_by"] == "serial"
    assert body["customer"]["code"] == "KH-A001"
    assert [a["serial_number"] for a in body["assets"] if a["matched"]] == ["2102-AbC-0001"]


def test_unknown_query_answers_no_customer(api_as, seat, customer_a):
    body = get(api_as(seat), "NO-SUCH-THING").json()
    assert body["customer"] is None
    assert body["matched_by"] is None
    assert body["candidates"] == [] and body["assets"] == []


def test_phone_shared_by_two_customers_gives_candidates(api_as, seat, customer_a, customer_b):
    ContactFactory(customer=customer_a, phone="13800138000", name="张伟")
    ContactFactory(customer=customer_b, phone="+86 138 0013 8000", name="李娜")
    body = get(api_as(seat), "138 0013 8000").json()
    assert body["customer"] is None
    assert [(c["code"], c["via"]) for c in body["candidates"]] == [
        ("KH-A001", "张伟"),
        ("KH-B001", "李娜"),
    ]


def test_partial_name_with_one_match_opens_that_customer(api_as, seat, customer_a, customer_b):
    body = get(api_as(seat), "电力").json()
    assert body["customer"]["code"] == "KH-A001"
    assert body["matched_by"] == "name"


def test_partial_name_with_many_matches_lists_at_most_20(api_as, seat):
    CustomerFactory.create_batch(25, name=factory.Sequence(lambda n: f"省电网{n}公司"))
    body = get(api_as(seat), "电网").json()
    assert body["customer"] is None
    assert len(body["candidates"]) == lookup.CANDIDATE_LIMIT


def test_blank_query_is_refused_naming_q(api_as, seat):
    response = get(api_as(seat), "   ")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "q"


def test_missing_query_is_refused_naming_q(api_as, seat):
    response = api_as(seat).get("/api/v1/lookup")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "q"


def test_anonymous_caller_must_authenticate(client, customer_a):
    assert client.get("/api/v1/lookup", {"q": "KH-A001"}).status_code == 401


def test_login_without_registry_permission_is_forbidden(api_as, customer_a):
    assert get(api_as(UserFactory(username="nobody")), "KH-A001").status_code == 403


def test_engineer_may_look_customers_up(api_as, engineer, customer_a):
    assert get(api_as(engineer), "KH-A001").json()["customer"]["code"] == "KH-A001"


def test_contact_finds_own_organisation_by_serial(api_as, contact_a):
    AssetFactory(customer=contact_a.customer, serial_number="MINE-001")
    body = get(api_as(contact_a.user), "mine-001").json()
    assert body["customer"]["code"] == "KH-A001"


def test_contact_querying_another_customers_serial_gets_404(api_as, contact_a, customer_b):
    AssetFactory(customer=customer_b, serial_number="FOREIGN-001")
    assert get(api_as(contact_a.user), "FOREIGN-001").status_code == 404


@pytest.mark.parametrize("q", ["KH-B001", "13712345678", "西南银行"])
def test_contact_querying_another_customer_gets_404(api_as, contact_a, customer_b, q):
    ContactFactory(customer=customer_b, phone="137-1234-5678")
    assert get(api_as(contact_a.user), q).status_code == 404


def test_contact_gets_the_same_404_for_what_exists_nowhere(api_as, contact_a):
    response = get(api_as(contact_a.user), "NOWHERE-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_answer_has_the_contract_keys(api_as, seat, customer_a):
    body = get(api_as(seat), "KH-A001").json()
    assert set(body) >= CONTRACT_KEYS
    assert set(body["customer"]) >= {"code", "name", "region", "level", "address"}
    assert body["contracts"] == [] and body["open_cases"] == []


def test_engineers_include_responsible_ones_and_our_project_members(api_as, seat, customer_a):
    responsible = EngineerFactory(name="王工")
    responsible.customers.add(customer_a)
    on_project = EngineerFactory(name="赵工")
    EngineerFactory(name="无关")
    project = ProjectFactory(customer=customer_a, code="XM-9")
    ProjectMember.objects.create(project=project, side=MemberSide.OURS, user=on_project.user)
    engineers = get(api_as(seat), "KH-A001").json()["engineers"]
    assert [(e["name"], e["responsible"], e["projects"]) for e in engineers] == [
        ("王工", True, []),
        ("赵工", False, ["XM-9"]),
    ]


def test_projects_list_members_of_both_sides(api_as, seat, customer_a):
    project = ProjectFactory(customer=customer_a)
    pm = ContactFactory(customer=customer_a, name="客户方经理")
    ProjectMember.objects.create(project=project, side=MemberSide.CUSTOMER, contact=pm, role="PM")
    ProjectMember.objects.create(project=project, side=MemberSide.OURS, user=seat, role="实施")
    (out,) = get(api_as(seat), "KH-A001").json()["projects"]
    assert {(m["side"], m["role"]) for m in out["members"]} == {
        ("customer", "PM"),
        ("ours", "实施"),
    }


def test_more_than_50_assets_are_capped_and_counted(api_as, seat, customer_a):
    AssetFactory.create_batch(55, customer=customer_a)
    body = get(api_as(seat), "KH-A001").json()
    assert len(body["assets"]) == 50
    assert body["asset_count"] == 55


def test_matched_serial_is_shown_even_past_the_first_50(api_as, seat, customer_a):
    AssetFactory.create_batch(55, customer=customer_a)
    AssetFactory(customer=customer_a, serial_number="ZZZ-LAST")
    body = get(api_as(seat), "zzz-last").json()
    assert len(body["assets"]) == 50
    first = body["assets"][0]
    assert (first["serial_number"], first["matched"]) == ("ZZZ-LAST", True)


def test_retired_customer_is_not_found(api_as, seat):
    CustomerFactory(code="KH-OLD", is_active=False)
    assert get(api_as(seat), "KH-OLD").json()["customer"] is None


def test_sections_registered_by_other_apps_are_included(api_as, seat, customer_a):
    def contracts(*, customer, user):
        return [lookup.ContractSummary("HT-2026-001", "7x24", None, None, "active")]

    lookup.register_section("contracts", contracts)
    try:
        body = get(api_as(seat), "KH-A001").json()
    finally:
        lookup.unregister_section("contracts", contracts)
    assert [c["number"] for c in body["contracts"]] == ["HT-2026-001"]


@pytest.mark.django_db
def test_lookup_lists_the_customers_open_cases(api_as, seat, customer_a):
    from aftersales.cases import services as case_services

    case = case_services.case_create(
        by=seat,
        customer=customer_a,
        title="核心交换机宕机",
        priority="P1",
        case_type="fault",
        channel="phone",
    )
    data = api_as(seat).get("/api/v1/lookup", {"q": customer_a.code}).json()
    assert [c["number"] for c in data["open_cases"]] == [case.number]
