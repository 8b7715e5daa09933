import io
import zipfile

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import token_issue
from aftersales.core.errors import Invalid
from aftersales.registry import services
from aftersales.registry.models import Engineer, ProjectMember, TopologyAttachment
from tests import factories
from tests.factories import DRAWIO_BYTES, PASSWORD, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def _field(exc_info) -> str:
    return exc_info.value.field


def test_customer_update_refuses_a_code_another_customer_has(customer_a, customer_b):
    with pytest.raises(Invalid) as exc:
        services.customer_update(customer=customer_a, code="kh-b001", name="x")
    assert _field(exc) == "code"
    customer_a.refresh_from_db()
    assert customer_a.code == "KH-A001"


def test_customer_keeps_its_own_code_on_update(customer_a):
    services.customer_update(customer=customer_a, code="KH-A001", name="新名字", notes="7x24")
    customer_a.refresh_from_db()
    assert (customer_a.name, customer_a.notes) == ("新名字", "7x24")


def test_contact_update_refuses_a_phone_of_a_colleague_typed_with_plus86(customer_a):
    factories.ContactFactory(customer=customer_a, phone="13800138000")
    other = factories.ContactFactory(customer=customer_a, phone="13900000001")
    with pytest.raises(Invalid) as exc:
        services.contact_update(contact=other, name="王工", phone="+86 138-0013-8000")
    assert _field(exc) == "phone"


def test_portal_login_given_to_a_contact_authenticates(customer_a, seat):
    contact = factories.ContactFactory(customer=customer_a)
    services.contact_portal_login_set(contact=contact, username="wang", password=PASSWORD, by=seat)
    assert authenticate(username="wang", password=PASSWORD) == contact.user


def test_revoked_portal_login_no_longer_authenticates_and_loses_tokens(contact_a):
    token_issue(user=contact_a.user)
    services.contact_portal_login_revoke(contact=contact_a)
    assert authenticate(username="contact_a", password=PASSWORD) is None
    assert not ApiToken.objects.filter(user=contact_a.user, revoked_at__isnull=True).exists()


def test_portal_login_given_again_reenables_the_same_login(contact_a, seat):
    services.contact_portal_login_revoke(contact=contact_a)
    services.contact_portal_login_set(
        contact=contact_a, username="contact_a", password="N3w-pass!x", by=seat
    )
    assert authenticate(username="contact_a", password="N3w-pass!x") == contact_a.user


def test_project_member_must_be_a_contact_of_the_projects_customer(customer_a, contact_b):
    project = factories.ProjectFactory(customer=customer_a)
    with pytest.raises(Invalid) as exc:
        services.project_member_add(project=project, contact=contact_b)
    assert _field(exc) == "contact"
    assert ProjectMember.objects.count() == 0


def test_a_customer_contact_cannot_join_a_project_as_our_staff(customer_a, contact_a):
    project = factories.ProjectFactory(customer=customer_a)
    with pytest.raises(Invalid) as exc:
        services.project_member_add(project=project, user=contact_a.user)
    assert _field(exc) == "user"


def test_removed_member_added_again_is_revived_with_the_new_role(customer_a, engineer):
    project = factories.ProjectFactory(customer=customer_a)
    member = services.project_member_add(project=project, user=engineer, role="实施")
    services.project_member_remove(member=member)
    again = services.project_member_add(project=project, user=engineer, role="维保")
    assert (again.pk, again.is_active, again.role) == (member.pk, True, "维保")


def test_adding_an_active_member_twice_is_refused(customer_a, engineer):
    project = factories.ProjectFactory(customer=customer_a)
    services.project_member_add(project=project, user=engineer)
    with pytest.raises(Invalid):
        services.project_member_add(project=project, user=engineer)


def _asset_kwargs(asset, **changes):
    fields = {"serial_number": asset.serial_number, "product_model": asset.product_model}
    return {**fields, **changes}


def test_asset_parent_of_another_customer_is_refused(customer_a, customer_b):
    asset = factories.AssetFactory(customer=customer_a)
    foreign = factories.AssetFactory(customer=customer_b)
    with pytest.raises(Invalid) as exc:
        services.asset_update(asset=asset, **_asset_kwargs(asset, parent=foreign))
    assert _field(exc) == "parent"


def test_asset_cannot_be_its_own_parent(customer_a):
    asset = factories.AssetFactory(customer=customer_a)
    with pytest.raises(Invalid) as exc:
        services.asset_update(asset=asset, **_asset_kwargs(asset, parent=asset))
    assert exc.value.message == services.PARENT_IS_SELF


def test_asset_cannot_be_put_inside_its_own_component(customer_a):
    chassis = factories.AssetFactory(customer=customer_a)
    board = factories.AssetFactory(customer=customer_a, parent=chassis)
    disk = factories.AssetFactory(customer=customer_a, parent=board)
    with pytest.raises(Invalid) as exc:
        services.asset_update(asset=chassis, **_asset_kwargs(chassis, parent=disk))
    assert exc.value.message == services.PARENT_IS_DESCENDANT


def test_asset_serial_taken_in_another_case_is_refused(customer_a):
    factories.AssetFactory(customer=customer_a, serial_number="SN-ABC")
    asset = factories.AssetFactory(customer=customer_a)
    with pytest.raises(Invalid) as exc:
        services.asset_update(asset=asset, **_asset_kwargs(asset, serial_number="sn-abc"))
    assert _field(exc) == "serial_number"


def test_asset_on_another_customers_site_is_refused(customer_a, customer_b):
    model = factories.ProductModelFactory()
    with pytest.raises(Invalid) as exc:
        services.asset_register(
            customer=customer_a,
            serial_number="SN-1",
            product_model=model,
            site=factories.SiteFactory(customer=customer_b),
        )
    assert _field(exc) == "site"


def test_final_acceptance_before_installation_is_refused(customer_a):
    import datetime as dt

    with pytest.raises(Invalid) as exc:
        services.asset_register(
            customer=customer_a,
            serial_number="SN-1",
            product_model=factories.ProductModelFactory(),
            installed_on=dt.date(2025, 5, 1),
            accepted_on=dt.date(2025, 4, 1),
        )
    assert _field(exc) == "accepted_on"


def test_duplicate_model_name_of_one_vendor_is_refused_ignoring_case():
    model = factories.ProductModelFactory(name="OceanStor 5300")
    with pytest.raises(Invalid) as exc:
        services.product_model_create(vendor=model.vendor, name="oceanstor 5300")
    assert _field(exc) == "name"


def test_vendor_code_taken_is_refused():
    factories.VendorFactory(code="HW")
    with pytest.raises(Invalid) as exc:
        services.vendor_create(code="hw", name="华为")
    assert _field(exc) == "code"


def test_two_sites_of_one_customer_cannot_share_a_name(customer_a):
    services.site_create(customer=customer_a, name="一号机房")
    with pytest.raises(Invalid) as exc:
        services.site_create(customer=customer_a, name="一号机房")
    assert _field(exc) == "name"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_topology_is_stored_under_a_generated_name(customer_a):
    diagram = services.topology_upload(customer=customer_a, file=_upload("../../x.png", PNG_BYTES))
    assert diagram.file.name.startswith(f"topology/{customer_a.pk}/")
    assert ".." not in diagram.file.name and "x.png" not in diagram.file.name
    assert diagram.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("net.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
        ("net.png", b"<html><script>alert(1)</script></html>"),
        ("net.pdf", PNG_BYTES),
        ("net.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><mxfile/>'),
        ("net.html", b"<html></html>"),
        ("net.vsdx", b"PK\x03\x04not really a zip"),
    ],
)
def test_topology_refuses_hostile_or_mislabelled_files(customer_a, name, content):
    with pytest.raises(Invalid) as exc:
        services.topology_upload(customer=customer_a, file=_upload(name, content))
    assert _field(exc) == "file"
    assert TopologyAttachment.objects.count() == 0


def test_topology_larger_than_the_limit_is_refused(customer_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(Invalid) as exc:
        services.topology_upload(customer=customer_a, file=_upload("a.pdf", PDF_BYTES * 40))
    assert _field(exc) == "file"


def _vsdx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("visio/document.xml", "<VisioDocument/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.pdf", PDF_BYTES), ("a.drawio", DRAWIO_BYTES), ("a.XML", DRAWIO_BYTES), ("a.vsdx", None)],
)
def test_topology_accepts_pdf_drawio_and_visio(customer_a, name, content):
    diagram = services.topology_upload(customer=customer_a, file=_upload(name, content or _vsdx()))
    assert diagram.size > 0 and diagram.title == "a"


def test_engineer_registered_with_skills_customers_and_on_call(customer_a, seat):
    skill = factories.SkillFactory(code="storage")
    engineer = services.engineer_register(
        username="li",
        password=PASSWORD,
        name="李工",
        role="engineer",
        on_call=True,
        skills=[skill],
        customers=[customer_a],
        by=seat,
    )
    assert engineer.on_call and list(engineer.skills.all()) == [skill]
    assert list(engineer.customers.all()) == [customer_a]


def test_engineer_with_a_customer_contact_role_writes_nothing(admin_user):
    with pytest.raises(Invalid) as exc:
        services.engineer_register(
            username="x", password=PASSWORD, name="x", role="customer_contact", by=admin_user
        )
    assert _field(exc) == "role"
    assert Engineer.objects.count() == 0


def test_deactivated_contact_loses_its_portal_login(contact_a):
    services.deactivate(obj=contact_a)
    contact_a.user.refresh_from_db()
    assert not contact_a.is_active and not contact_a.user.is_active


def test_reactivated_customer_is_active_again(customer_a):
    services.deactivate(obj=customer_a)
    services.reactivate(obj=customer_a)
    customer_a.refresh_from_db()
    assert customer_a.is_active
