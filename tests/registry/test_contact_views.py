import pytest
from django.urls import reverse

from aftersales.registry.models import Contact
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_seat_adds_a_contact_with_a_portal_login_who_can_sign_in(client, seat, customer_a):
    client.force_login(seat)
    client.post(
        reverse("registry:contact_create", args=[customer_a.pk]),
        {"name": "王经理", "phone": "13800138000", "username": "wangjl", "password": PASSWORD},
    )
    contact = Contact.objects.get(name="王经理")
    assert contact.customer == customer_a and contact.user.username == "wangjl"
    client.logout()
    assert client.login(username="wangjl", password=PASSWORD)


def test_contact_with_username_but_no_password_is_refused(client, seat, customer_a):
    client.force_login(seat)
    response = client.post(
        reverse("registry:contact_create", args=[customer_a.pk]), {"name": "x", "username": "x"}
    )
    assert response.status_code == 422 and "password" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_seat_gives_and_revokes_a_portal_login(client, seat, customer_a):
    contact = factories.ContactFactory(customer=customer_a)
    client.force_login(seat)
    client.post(
        reverse("registry:contact_login", args=[contact.pk]),
        {"username": "li4", "password": PASSWORD},
    )
    client.post(reverse("registry:contact_login_revoke", args=[contact.pk]))
    contact.refresh_from_db()
    assert contact.user.username == "li4" and not contact.user.is_active


def test_contact_phone_already_used_is_shown_on_the_phone_field(client, seat, customer_a):
    factories.ContactFactory(customer=customer_a, phone="13800138000")
    other = factories.ContactFactory(customer=customer_a)
    client.force_login(seat)
    response = client.post(
        reverse("registry:contact_edit", args=[other.pk]), {"name": "x", "phone": "138 0013 8000"}
    )
    assert response.status_code == 422 and "phone" in response.context["form"].errors


def test_deactivated_contact_leaves_the_list_and_cannot_sign_in(client, seat, contact_a):
    client.force_login(seat)
    client.post(reverse("registry:contact_deactivate", args=[contact_a.pk]))
    assert list(client.get(reverse("registry:contact_list")).context["page"]) == []
    client.logout()
    assert not client.login(username="contact_a", password=PASSWORD)
