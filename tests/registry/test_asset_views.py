import pytest
from django.urls import reverse

from aftersales.registry.models import Asset, ProductModel, Site, Vendor
from tests import factories

pytestmark = pytest.mark.django_db


def test_seat_adds_an_asset_and_a_component_shown_on_its_page(client, seat, customer_a):
    model = factories.ProductModelFactory(name="OceanStor 5300")
    site = factories.SiteFactory(customer=customer_a)
    client.force_login(seat)
    create = reverse("registry:asset_create", args=[customer_a.pk])
    client.post(
        create,
        {
            "serial_number": "2102-AAA",
            "product_model": model.pk,
            "site": site.pk,
            "accepted_on": "2025-01-10",
            "warranty_months": "36",
        },
    )
    chassis = Asset.objects.get(serial_number="2102-AAA")
    form = client.get(create, {"parent": chassis.pk}).context["form"]
    assert form.initial["parent"] == "2102-AAA"
    client.post(
        create, {"serial_number": "DISK-01", "product_model": model.pk, "parent": "2102-aaa"}
    )
    body = client.get(reverse("registry:asset_detail", args=[chassis.pk])).content.decode()
    assert "DISK-01" in body
    assert Asset.objects.get(serial_number="DISK-01").parent == chassis


def test_component_of_another_customers_asset_is_refused(client, seat, customer_a, customer_b):
    foreign = factories.AssetFactory(customer=customer_b)
    client.force_login(seat)
    response = client.post(
        reverse("registry:asset_create", args=[customer_a.pk]),
        {
            "serial_number": "X-1",
            "product_model": foreign.product_model_id,
            "parent": foreign.serial_number,
        },
    )
    assert response.status_code == 422 and "parent" in response.context["form"].errors
    assert not Asset.objects.filter(serial_number="X-1").exists()


def test_asset_made_part_of_itself_is_refused_on_edit(client, seat, customer_a):
    asset = factories.AssetFactory(customer=customer_a)
    client.force_login(seat)
    response = client.post(
        reverse("registry:asset_edit", args=[asset.pk]),
        {
            "serial_number": asset.serial_number,
            "product_model": asset.product_model_id,
            "parent": asset.serial_number,
        },
    )
    assert response.status_code == 422
    asset.refresh_from_db()
    assert asset.parent is None


def test_asset_list_filters_by_vendor_and_searches_serials(client, seat, customer_a):
    # A fixed model name: the factory's sequence (M-0002, M-0020, ...) would match "002" too.
    hw = factories.ProductModelFactory(vendor=factories.VendorFactory(code="HW"), name="OceanStor")
    factories.AssetFactory(customer=customer_a, serial_number="HW-001", product_model=hw)
    factories.AssetFactory(customer=customer_a, serial_number="HW-002", product_model=hw)
    factories.AssetFactory(customer=customer_a, serial_number="ZX-001")
    client.force_login(seat)
    url = reverse("registry:asset_list")
    page = client.get(url, {"vendor": hw.vendor_id, "q": "002"}).context["page"]
    assert [a.serial_number for a in page] == ["HW-002"]


def test_asset_list_query_count_does_not_grow_with_rows(
    client, seat, customer_a, django_assert_max_num_queries
):
    site = factories.SiteFactory(customer=customer_a)
    project = factories.ProjectFactory(customer=customer_a)
    parent = factories.AssetFactory(customer=customer_a)
    factories.AssetFactory.create_batch(
        60, customer=customer_a, site=site, project=project, parent=parent
    )
    client.force_login(seat)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:asset_list"), {"customer": customer_a.pk})
    assert response.context["page"].paginator.count == 61


def test_seat_creates_a_vendor_a_model_and_a_site(client, seat, customer_a):
    client.force_login(seat)
    client.post(reverse("registry:vendor_create"), {"code": "H3C", "name": "新华三"})
    vendor = Vendor.objects.get(code="H3C")
    client.post(
        reverse("registry:product_model_create"),
        {
            "vendor": vendor.pk,
            "name": "S6850",
            "product_line": "交换机",
            "kind": "hardware",
            "warranty_months": "60",
        },
    )
    client.post(reverse("registry:site_create", args=[customer_a.pk]), {"name": "亦庄机房"})
    assert ProductModel.objects.get(vendor=vendor, name="S6850").warranty_months == 60
    assert Site.objects.filter(customer=customer_a, name="亦庄机房").exists()


def test_deactivated_model_is_not_offered_for_new_assets(client, seat, customer_a):
    model = factories.ProductModelFactory(name="OLD-1")
    client.force_login(seat)
    client.post(reverse("registry:productmodel_deactivate", args=[model.pk]))
    form = client.get(reverse("registry:asset_create", args=[customer_a.pk])).context["form"]
    assert model not in form.fields["product_model"].queryset


def test_engineer_cannot_deactivate_an_asset(client, engineer, customer_a):
    asset = factories.AssetFactory(customer=customer_a)
    client.force_login(engineer)
    response = client.post(reverse("registry:asset_deactivate", args=[asset.pk]))
    assert response.status_code == 403
    asset.refresh_from_db()
    assert asset.is_active


@pytest.mark.django_db
def test_asset_list_filters_by_customer_code_from_the_lookup_link(
    client, seat, customer_a, customer_b
):
    from tests.factories import AssetFactory

    AssetFactory(customer=customer_a, serial_number="MINE-1")
    AssetFactory(customer=customer_b, serial_number="THEIRS-1")
    client.force_login(seat)
    page = client.get("/registry/assets/", {"customer": customer_a.code}).content.decode()
    assert "MINE-1" in page and "THEIRS-1" not in page
    unknown = client.get("/registry/assets/", {"customer": "NO-SUCH"}).content.decode()
    assert "MINE-1" not in unknown and "THEIRS-1" not in unknown
