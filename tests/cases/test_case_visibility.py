import pytest

from aftersales.cases import selectors, services


@pytest.mark.django_db
def test_internal_notes_are_hidden_from_the_customer(api_as, engineer, contact_a, assigned_case):
    services.case_comment(case=assigned_case, by=engineer, text="内部备注：客户欠款", internal=True)
    services.case_comment(case=assigned_case, by=engineer, text="正在处理", internal=False)
    staff_view = api_as(engineer).get(f"/api/v1/cases/{assigned_case.number}").json()
    customer_view = api_as(contact_a.user).get(f"/api/v1/cases/{assigned_case.number}").json()
    assert "内部备注：客户欠款" in [a["text"] for a in staff_view["activities"]]
    assert "内部备注：客户欠款" not in [a["text"] for a in customer_view["activities"]]


@pytest.mark.django_db
def test_customer_cannot_write_internal_notes(api_as, contact_a, new_case):
    response = api_as(contact_a.user).post(
        f"/api/v1/cases/{new_case.number}/comment",
        {"text": "x", "internal": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "internal"


@pytest.mark.django_db
def test_another_customers_case_answers_404(api_as, contact_b, new_case):
    api = api_as(contact_b.user)
    assert api.get(f"/api/v1/cases/{new_case.number}").status_code == 404
    assert (
        api.post(
            f"/api/v1/cases/{new_case.number}/comment",
            {"text": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert api.get("/api/v1/cases").json()["count"] == 0


@pytest.mark.django_db
def test_list_filters_by_priority_and_status(api_as, seat, new_case, customer_a):
    services.case_create(
        by=seat,
        customer=customer_a,
        title="咨询配置",
        priority="P4",
        case_type="consultation",
        channel="phone",
    )
    api = api_as(seat)
    assert api.get("/api/v1/cases?priority=P1").json()["count"] == 1
    assert api.get("/api/v1/cases?status=new&case_type=consultation").json()["count"] == 1


@pytest.mark.django_db
def test_search_finds_chinese_words_in_the_title(api_as, seat, new_case):
    items = api_as(seat).get("/api/v1/cases", {"q": "交换机"}).json()["items"]
    assert [c["number"] for c in items] == [new_case.number]


@pytest.mark.django_db
def test_case_list_query_count_does_not_grow_with_rows(
    api_as, seat, customer_a, django_assert_max_num_queries
):
    for i in range(15):
        services.case_create(
            by=seat,
            customer=customer_a,
            title=f"故障{i}",
            priority="P3",
            case_type="fault",
            channel="phone",
        )
    api = api_as(seat)
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/cases").json()["count"] == 15


@pytest.mark.django_db
def test_case_list_count_stops_at_the_cap_and_says_so(api_as, seat, customer_a, monkeypatch):
    monkeypatch.setattr(selectors, "CASE_COUNT_CAP", 3)
    for i in range(5):
        services.case_create(
            by=seat,
            customer=customer_a,
            title=f"故障{i}",
            priority="P3",
            case_type="fault",
            channel="phone",
        )
    data = api_as(seat).get("/api/v1/cases", {"limit": 2}).json()
    assert data["count"] == 3 and data["count_capped"] is True
    assert data["next"] is not None
    assert api_as(seat).get("/api/v1/cases", {"limit": 50}).json()["count"] == 3
