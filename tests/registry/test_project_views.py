import pytest
from django.urls import reverse

from aftersales.registry.models import Project, ProjectMember
from tests import factories

pytestmark = pytest.mark.django_db


def test_seat_creates_a_project_with_members_from_both_sides(client, seat, engineer, customer_a):
    contact = factories.ContactFactory(customer=customer_a, name="客户方张工")
    client.force_login(seat)
    client.post(
        reverse("registry:project_create", args=[customer_a.pk]),
        {"code": "XM-2025-01", "name": "核心网扩容", "started_on": "2025-03-01"},
    )
    project = Project.objects.get(code="XM-2025-01")
    add = reverse("registry:project_member_add", args=[project.pk])
    client.post(add, {"side": "ours", "user": engineer.pk, "role": "项目经理"})
    client.post(add, {"side": "customer", "contact": contact.pk, "role": "甲方负责人"})
    body = client.get(reverse("registry:project_detail", args=[project.pk])).content.decode()
    assert "项目经理" in body and "客户方张工" in body
    assert project.members.filter(is_active=True).count() == 2


def test_contact_of_another_customer_cannot_join_a_project(client, seat, customer_a, contact_b):
    project = factories.ProjectFactory(customer=customer_a)
    client.force_login(seat)
    client.post(
        reverse("registry:project_member_add", args=[project.pk]),
        {"side": "customer", "contact": contact_b.pk},
    )
    assert not ProjectMember.objects.exists()


def test_seat_removes_a_member(client, seat, engineer, customer_a):
    project = factories.ProjectFactory(customer=customer_a)
    member = ProjectMember.objects.create(project=project, side="ours", user=engineer)
    client.force_login(seat)
    client.post(reverse("registry:project_member_remove", args=[project.pk, member.pk]))
    member.refresh_from_db()
    assert not member.is_active


def test_project_accepted_before_it_started_is_refused(client, seat, customer_a):
    client.force_login(seat)
    response = client.post(
        reverse("registry:project_create", args=[customer_a.pk]),
        {"code": "XM-1", "name": "x", "started_on": "2025-03-01", "accepted_on": "2025-01-01"},
    )
    assert response.status_code == 422 and "accepted_on" in response.context["form"].errors
    assert not Project.objects.exists()


def test_engineer_cannot_add_project_members(client, engineer, customer_a):
    project = factories.ProjectFactory(customer=customer_a)
    client.force_login(engineer)
    response = client.post(
        reverse("registry:project_member_add", args=[project.pk]),
        {"side": "ours", "user": engineer.pk},
    )
    assert response.status_code == 403 and not ProjectMember.objects.exists()
