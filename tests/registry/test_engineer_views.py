import pytest
from django.urls import reverse

from aftersales.registry.models import Engineer
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_seat_creates_an_engineer_who_can_sign_in_with_the_role(client, seat, customer_a):
    skill = factories.SkillFactory(code="storage", name="存储")
    client.force_login(seat)
    client.post(
        reverse("registry:engineer_create"),
        {
            "username": "zhaogong",
            "password": PASSWORD,
            "role": "expert",
            "name": "赵工",
            "region": "华东",
            "skills": [skill.pk],
            "customers": "kh-a001",
            "on_call": "on",
        },
    )
    engineer = Engineer.objects.get(user__username="zhaogong")
    assert engineer.on_call and list(engineer.customers.all()) == [customer_a]
    assert engineer.user.groups.filter(name="expert").exists()
    client.logout()
    assert client.login(username="zhaogong", password=PASSWORD)


def test_unknown_customer_codes_are_named_in_the_error(client, seat):
    client.force_login(seat)
    response = client.post(
        reverse("registry:engineer_create"),
        {
            "username": "x1",
            "password": PASSWORD,
            "role": "engineer",
            "name": "x",
            "customers": "NOPE-1",
        },
    )
    assert response.status_code == 422 and "NOPE-1" in str(response.context["form"].errors)
    assert not Engineer.objects.exists()


def test_seat_edits_skills_and_on_call(client, seat):
    engineer = factories.EngineerFactory()
    skill = factories.SkillFactory()
    client.force_login(seat)
    client.post(
        reverse("registry:engineer_edit", args=[engineer.pk]),
        {"name": engineer.name, "skills": [skill.pk], "on_call": "on"},
    )
    engineer.refresh_from_db()
    assert engineer.on_call and list(engineer.skills.all()) == [skill]


def test_engineer_list_filters_on_call_and_skill(client, seat):
    skill = factories.SkillFactory()
    wanted = factories.EngineerFactory(on_call=True)
    wanted.skills.add(skill)
    factories.EngineerFactory(on_call=True)
    factories.EngineerFactory(on_call=False).skills.add(skill)
    client.force_login(seat)
    page = client.get(reverse("registry:engineer_list"), {"on_call": "true", "skill": skill.pk})
    assert list(page.context["page"]) == [wanted]


def test_seat_makes_an_engineer_responsible_for_a_customer(client, seat, customer_a):
    engineer = factories.EngineerFactory()
    client.force_login(seat)
    client.post(
        reverse("registry:customer_engineer_add", args=[customer_a.pk]), {"engineer": engineer.pk}
    )
    assert list(engineer.customers.all()) == [customer_a]


def test_engineer_cannot_edit_another_engineer(client, engineer):
    other = factories.EngineerFactory(on_call=False)
    client.force_login(engineer)
    response = client.post(
        reverse("registry:engineer_edit", args=[other.pk]), {"name": "x", "on_call": "on"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert not other.on_call
