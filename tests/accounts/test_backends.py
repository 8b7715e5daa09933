"""Roles and permissions: one query per request, same answers as Django's backend."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.access import can, has_role, user_roles
from aftersales.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_roles_and_permissions_are_read_in_one_query():
    engineer = fresh(factories.staff_user("eng", role="engineer"))
    with CaptureQueriesContext(connection) as ctx:
        assert has_role(engineer, "engineer")
        assert can(engineer, "cases.work_case")
        assert not can(engineer, "cases.record_approval")
    assert len(ctx.captured_queries) == 1


def test_a_permission_given_to_the_user_directly_counts():
    engineer = factories.staff_user("eng", role="engineer")
    engineer.user_permissions.add(Permission.objects.get(codename="record_approval"))
    assert can(fresh(engineer), "cases.record_approval")


def test_an_inactive_user_may_do_nothing():
    engineer = factories.staff_user("eng", role="engineer")
    engineer.is_active = False
    engineer.save()
    assert not can(fresh(engineer), "cases.work_case")


def test_a_superuser_is_an_admin_with_every_permission():
    admin = fresh(factories.staff_user("boss", role="admin"))
    assert "admin" in user_roles(admin)
    assert admin.get_all_permissions() >= {"cases.work_case", "cases.record_approval"}


def test_a_user_without_roles_has_no_permissions():
    nobody = fresh(factories.UserFactory(username="nobody"))
    assert user_roles(nobody) == set()
    assert not can(nobody, "cases.view_case")


def test_withdrawing_a_role_applies_to_the_next_request_at_once():
    engineer = factories.staff_user("eng", role="engineer")
    assert can(fresh(engineer), "cases.work_case")
    engineer.groups.clear()
    assert not can(fresh(engineer), "cases.work_case")


def test_a_second_request_reads_no_roles_again():
    engineer = factories.staff_user("eng", role="engineer")
    can(fresh(engineer), "cases.work_case")
    again = fresh(engineer)
    with CaptureQueriesContext(connection) as ctx:
        assert can(again, "cases.work_case")
    assert len(ctx.captured_queries) == 0
