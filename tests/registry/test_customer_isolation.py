import pytest

from tests.factories import AssetFactory


@pytest.mark.django_db
def test_contact_sees_only_their_own_customer_in_lists(api_as, contact_a, customer_b):
    items = api_as(contact_a.user).get("/api/v1/customers").json()["items"]
    assert [c["code"] for c in items] == [contact_a.customer.code]


@pytest.mark.django_db
def test_other_customers_record_answers_404_to_a_contact(api_as, contact_a, customer_b):
    assert api_as(contact_a.user).get(f"/api/v1/customers/{customer_b.code}").status_code == 404


@pytest.mark.django_db
def test_other_customers_asset_answers_404_to_a_contact(api_as, contact_a, customer_b):
    asset = AssetFactory(customer=customer_b)
    assert api_as(contact_a.user).get(f"/api/v1/assets/{asset.serial_number}").status_code == 404


@pytest.mark.django_db
def test_contact_cannot_add_contacts_to_another_customer(api_as, contact_a, customer_b):
    response = api_as(contact_a.user).post(
        f"/api/v1/customers/{customer_b.code}/contacts",
        {"name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_portal_never_lists_another_customers_assets(client, contact_a, customer_b):
    AssetFactory(customer=customer_b, serial_number="FOREIGN-001")
    AssetFactory(customer=contact_a.customer, serial_number="MINE-001")
    client.force_login(contact_a.user)
    page = client.get("/portal/").content.decode()
    assert "MINE-001" in page
    assert "FOREIGN-001" not in page
