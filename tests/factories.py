"""Factories and named personas for tests: seat, engineer, expert, manager, customers A and B."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    ProductModel,
    Project,
    Site,
    Vendor,
)

PASSWORD = "s3rvice-Desk!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


def _with_role(user: User, role: str) -> User:
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def staff_user(username: str, *, role: str = Role.ENGINEER, **fields) -> User:
    user = UserFactory(username=username, display_name=username.title(), **fields)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return _with_role(user, role)


def contact_user(username: str) -> User:
    return _with_role(UserFactory(username=username), Role.CUSTOMER_CONTACT)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KH{n:05d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    region = "华东"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"厂商{n}")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"M-{n:04d}")
    product_line = "存储"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"机房{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    customer = factory.SubFactory(CustomerFactory)
    code = factory.Sequence(lambda n: f"XM-{n:04d}")
    name = factory.Sequence(lambda n: f"项目{n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    customer = factory.SubFactory(CustomerFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    product_model = factory.SubFactory(ProductModelFactory)


class EngineerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engineer

    user = factory.LazyAttribute(lambda e: staff_user(e.username))
    name = factory.Sequence(lambda n: f"工程师{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    region = "华东"

    class Params:
        username = factory.Sequence(lambda n: f"eng{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Skill"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill{n}")
    name = factory.Sequence(lambda n: f"技能{n}")


# Smallest valid files of each kind the topology upload accepts.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAWIO_BYTES = b'<?xml version="1.0"?>\n<mxfile host="app.diagrams.net"><diagram/></mxfile>\n'
