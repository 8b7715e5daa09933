import pytest
from django.urls import reverse

from aftersales.registry.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def test_seat_creates_a_customer_and_lands_on_its_page(client, seat):
    client.force_login(seat)
    response = client.post(
        reverse("registry:customer_create"),
        {"code": "KH-N01", "name": "华南港务", "region": "华南", "level": "a", "notes": "7x24"},
    )
    customer = Customer.objects.get(code="KH-N01")
    assert response.url == reverse("registry:customer_detail", args=[customer.pk])
    assert (customer.level, customer.notes) == ("a", "7x24")


def test_duplicate_customer_code_is_shown_on_the_code_field(client, seat, customer_a):
    client.force_login(seat)
    response = client.post(
        reverse("registry:customer_create"), {"code": "kh-a001", "name": "x", "level": "b"}
    )
    assert response.status_code == 422
    assert "A customer with this code already exists." in response.context["form"].errors["code"]
    assert Customer.objects.count() == 1


def test_seat_edits_a_customer(client, seat, customer_a):
    client.force_login(seat)
    data = {"code": "KH-A001", "name": "华东电力", "level": "vip", "service_manager": seat.pk}
    client.post(reverse("registry:customer_edit", args=[customer_a.pk]), data)
    customer_a.refresh_from_db()
    assert (customer_a.name, customer_a.level, customer_a.service_manager) == (
        "华东电力",
        "vip",
        seat,
    )


def test_seat_finds_customer_by_phone_with_plus86(client, seat, customer_a, customer_b):
    factories.ContactFactory(customer=customer_a, phone="13800138000")
    client.force_login(seat)
    page = client.get(reverse("registry:customer_list"), {"q": "+86 138 0013 8000"})
    assert [c.code for c in page.context["page"]] == ["KH-A001"]


def test_customer_list_filters_by_region_and_level(client, seat):
    factories.CustomerFactory(code="E1", region="华东", level="vip")
    factories.CustomerFactory(code="E2", region="华东", level="b")
    factories.CustomerFactory(code="S1", region="华南", level="vip")
    client.force_login(seat)
    page = client.get(reverse("registry:customer_list"), {"region": "华东", "level": "vip"})
    assert [c.code for c in page.context["page"]] == ["E1"]


def test_deactivated_customer_is_hidden_unless_inactive_are_shown(client, seat, customer_a):
    client.force_login(seat)
    client.post(reverse("registry:customer_deactivate", args=[customer_a.pk]))
    url = reverse("registry:customer_list")
    assert list(client.get(url).context["page"]) == []
    assert [c.code for c in client.get(url, {"inactive": "on"}).context["page"]] == ["KH-A001"]


def test_seat_reactivates_a_customer(client, seat, customer_a):
    customer_a.is_active = False
    customer_a.save()
    client.force_login(seat)
    client.post(reverse("registry:customer_reactivate", args=[customer_a.pk]))
    customer_a.refresh_from_db()
    assert customer_a.is_active


def test_customer_list_pages_by_fifty_and_shows_the_count(client, seat):
    factories.CustomerFactory.create_batch(51)
    client.force_login(seat)
    response = client.get(reverse("registry:customer_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 1
    assert '<span class="row-count">51' in response.content.decode()


def test_customer_list_query_count_does_not_grow_with_rows(
    client, seat, django_assert_max_num_queries
):
    for customer in factories.CustomerFactory.create_batch(50, service_manager=seat):
        factories.AssetFactory.create_batch(2, customer=customer)
    client.force_login(seat)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:customer_list"))
    assert response.context["page"][0].asset_count == 2


def test_live_search_gets_only_the_rows_fragment(client, seat, customer_a):
    client.force_login(seat)
    response = client.get(
        reverse("registry:customer_list"), {"q": "华东"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="rows"' in body and "KH-A001" in body and "<html" not in body


def test_customer_page_shows_everything_it_holds(client, seat, customer_a):
    factories.ContactFactory(customer=customer_a, name="王经理")
    factories.ProjectFactory(customer=customer_a, code="XM-9")
    factories.SiteFactory(customer=customer_a, name="二号机房")
    factories.AssetFactory(customer=customer_a, serial_number="SN-77")
    factories.EngineerFactory(name="赵工").customers.add(customer_a)
    client.force_login(seat)
    body = client.get(reverse("registry:customer_detail", args=[customer_a.pk])).content.decode()
    for text in ("王经理", "XM-9", "二号机房", "SN-77", "赵工"):
        assert text in body


def test_engineer_sees_a_customer_without_edit_buttons(client, engineer, customer_a):
    client.force_login(engineer)
    response = client.get(reverse("registry:customer_detail", args=[customer_a.pk]))
    assert response.status_code == 200
    assert reverse("registry:customer_edit", args=[customer_a.pk]) not in response.content.decode()
    assert reverse("registry:contact_create", args=[customer_a.pk]) not in response.content.decode()


def test_engineer_cannot_edit_a_customer(client, engineer, customer_a):
    client.force_login(engineer)
    response = client.post(
        reverse("registry:customer_edit", args=[customer_a.pk]),
        {"code": "KH-A001", "name": "改名", "level": "b"},
    )
    assert response.status_code == 403
    customer_a.refresh_from_db()
    assert customer_a.name == "华东电力集团"
