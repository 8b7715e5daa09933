"""Only an admin grants admin, manager and service manager: API, console form, service, admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from aftersales.accounts.access import ROLE_NOT_GRANTABLE, grantable_roles
from aftersales.accounts.models import User
from aftersales.accounts.services import MANAGER_LEVEL_NOT_GRANTABLE
from aftersales.core.errors import Forbidden
from aftersales.registry import services
from aftersales.registry.models import Engineer
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_STAFF = {"username": "newbie", "password": "Strong-Pass-2026", "name": "新人", "phone": ""}


def _post_engineer(client, role, **extra):
    return client.post(
        "/api/v1/engineers", {**NEW_STAFF, "role": role, **extra}, content_type="application/json"
    )


def _nothing_written(users_before: int) -> bool:
    return User.objects.count() == users_before and not Engineer.objects.exists()


@pytest.mark.parametrize("role", ["admin", "manager", "service_manager"])
def test_dispatcher_cannot_grant_a_privileged_role_through_the_api(api_as, seat, role):
    users = User.objects.count()
    response = _post_engineer(api_as(seat), role)
    assert response.status_code == 403
    assert response.json()["detail"] == str(ROLE_NOT_GRANTABLE)
    assert _nothing_written(users)
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_manager_cannot_grant_admin_or_manager(api_as, role):
    manager = factories.staff_user("mgr", role="manager")
    users = User.objects.count()
    response = _post_engineer(api_as(manager), role)
    assert response.status_code == 403
    assert response.json()["detail"] == str(ROLE_NOT_GRANTABLE)
    assert _nothing_written(users)


def test_dispatcher_still_creates_an_engineer(api_as, seat):
    response = _post_engineer(api_as(seat), "engineer")
    assert response.status_code == 201
    assert not User.objects.get(username="newbie").is_superuser


def test_dispatcher_cannot_set_a_manager_level(api_as, seat):
    users = User.objects.count()
    response = _post_engineer(api_as(seat), "engineer", manager_level="general")
    assert response.status_code == 403
    assert response.json()["detail"] == str(MANAGER_LEVEL_NOT_GRANTABLE)
    assert _nothing_written(users)


def test_customer_contact_cannot_create_staff(api_as, contact_a):
    users = User.objects.count()
    assert _post_engineer(api_as(contact_a.user), "engineer").status_code == 403
    assert _nothing_written(users)


def test_service_refuses_a_role_the_acting_user_may_not_grant(seat):
    with pytest.raises(Forbidden) as exc:
        services.engineer_create(username="x", password=PASSWORD, name="x", role="admin", by=seat)
    assert exc.value.message == ROLE_NOT_GRANTABLE
    assert not Engineer.objects.exists()


def test_the_system_may_grant_every_role():
    engineer = services.engineer_create(
        username="root2", password=PASSWORD, name="x", role="admin", by=None
    )
    assert engineer.user.is_superuser


def test_admin_may_grant_every_role(admin_user):
    assert {"admin", "manager", "service_manager"} <= grantable_roles(admin_user)


def test_new_engineer_form_offers_a_dispatcher_no_privileged_role(client, seat):
    client.force_login(seat)
    form = client.get(reverse("registry:engineer_create")).context["form"]
    offered = {value for value, _label in form.fields["role"].choices}
    assert offered and not offered & {"admin", "manager", "service_manager"}
    assert "manager_level" not in form.fields


def test_new_engineer_form_offers_an_admin_the_admin_role(client, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("registry:engineer_create")).context["form"]
    assert "admin" in {value for value, _label in form.fields["role"].choices}


def test_dispatcher_posting_the_admin_role_to_the_form_writes_nothing(client, seat):
    client.force_login(seat)
    users = User.objects.count()
    response = client.post(
        reverse("registry:engineer_create"), {**NEW_STAFF, "password": PASSWORD, "role": "admin"}
    )
    assert response.status_code == 422 and "role" in response.context["form"].errors
    assert _nothing_written(users)


def _staff_with_user_admin(username: str) -> User:
    """A staff login let into the Django admin with the user permissions, but no admin."""
    from django.contrib.auth.models import Permission

    user = factories.staff_user(username, role="dispatcher", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "change_group"])
    )
    return user


def test_staff_in_the_django_admin_cannot_make_themselves_superuser(client):
    clerk = _staff_with_user_admin("clerk")
    client.force_login(clerk)
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    form = client.get(url).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    client.post(url, {"username": "clerk", "is_superuser": "on", "groups": [1]})
    clerk.refresh_from_db()
    assert not clerk.is_superuser and list(clerk.groups.values_list("name", flat=True)) == [
        "dispatcher"
    ]


def test_staff_in_the_django_admin_cannot_edit_an_admin(client, admin_user):
    client.force_login(_staff_with_user_admin("clerk"))
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    response = client.post(url, {"username": "admin", "email": "evil@example.com"})
    admin_user.refresh_from_db()
    assert response.status_code in (302, 403) and admin_user.email != "evil@example.com"


def test_staff_in_the_django_admin_cannot_change_a_role_group(client):
    client.force_login(_staff_with_user_admin("clerk"))
    group = Group.objects.get(name="dispatcher")
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "x"})
    assert response.status_code == 403
    assert Group.objects.filter(name="dispatcher").exists()
