"""Who reaches the registry console: staff view, editors write, customer contacts never."""

import pytest
from django.urls import reverse

from aftersales.registry import views
from tests import factories

pytestmark = pytest.mark.django_db

WRITE_WORDS = ("create", "edit", "deactivate", "reactivate", "add", "remove", "login", "upload")


def _console_urls() -> list[tuple[str, str]]:
    """Every console page with placeholder ids (the gates answer before any lookup)."""
    urls = []
    for pattern in views.urlpatterns:
        kwargs = {key: 1 for key in pattern.pattern.converters}
        urls.append((pattern.name, reverse(f"registry:{pattern.name}", kwargs=kwargs)))
    return urls


def test_customer_contact_gets_404_on_every_console_page(client, contact_a):
    client.force_login(contact_a.user)
    for name, url in _console_urls():
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code in (404, 405), name


def test_customer_contact_gets_404_even_for_their_own_customer(client, contact_a):
    client.force_login(contact_a.user)
    url = reverse("registry:customer_detail", args=[contact_a.customer_id])
    assert client.get(url).status_code == 404


def test_engineer_gets_403_on_every_write(client, engineer):
    client.force_login(engineer)
    for name, url in _console_urls():
        if any(word in name for word in WRITE_WORDS):
            assert client.post(url).status_code == 403, name


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("registry:customer_list"))
    assert response.status_code == 302 and "/accounts/login" in response.url


def test_staff_without_the_permission_sees_no_nav_link_and_gets_403(client, db):
    warehouse = factories.staff_user("keeper", role="warehouse")
    warehouse.groups.get().permissions.clear()
    client.force_login(warehouse)
    assert client.get(reverse("registry:asset_list")).status_code == 403
    body = client.get(reverse("registry:lookup")).content.decode()
    assert reverse("registry:asset_list") not in body


def test_unknown_record_answers_404_to_staff(client, seat):
    client.force_login(seat)
    assert client.get(reverse("registry:customer_detail", args=[999999])).status_code == 404
