import pytest

from aftersales.registry.models import Asset, Contact, Customer


@pytest.mark.django_db
def test_seat_creates_a_customer(api_as, seat):
    response = api_as(seat).post(
        "/api/v1/customers",
        {"code": "KH-900", "name": "江苏移动", "region": "华东"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["code"] == "KH-900"


@pytest.mark.django_db
def test_duplicate_customer_code_names_the_field_and_writes_nothing(api_as, seat, customer_a):
    response = api_as(seat).post(
        "/api/v1/customers", {"code": customer_a.code, "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "code"]
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_engineer_may_not_create_customers(api_as, engineer):
    response = api_as(engineer).post(
        "/api/v1/customers", {"code": "KH-1", "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_contact_with_username_gets_a_portal_login(api_as, seat, customer_a):
    response = api_as(seat).post(
        f"/api/v1/customers/{customer_a.code}/contacts",
        {
            "name": "王伟",
            "phone": "+86 138-0013-8000",
            "email": "wang@example.cn",
            "username": "wangwei",
            "password": "Portal-Pass-2026",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    contact = Contact.objects.get(name="王伟")
    assert contact.phone_normalized == "13800138000"
    assert contact.user.check_password("Portal-Pass-2026")


@pytest.mark.django_db
def test_contact_with_bad_email_names_the_field(api_as, seat, customer_a):
    response = api_as(seat).post(
        f"/api/v1/customers/{customer_a.code}/contacts",
        {"name": "王伟", "email": "not-mail"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "email"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "dispatcher",
        "engineer",
        "expert",
        "rma_admin",
        "warehouse",
        "manager",
        "complaint_officer",
        "admin",
    ],
)
def test_admin_creates_staff_of_each_role(api_as, admin_user, role):
    response = api_as(admin_user).post(
        "/api/v1/engineers",
        {
            "username": f"u-{role}",
            "password": "Strong-Pass-2026",
            "name": "李娜",
            "phone": "13900001111",
            "email": "li@example.cn",
            "role": role,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["roles"] == [role]


@pytest.mark.django_db
def test_unknown_staff_role_names_the_field(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/engineers",
        {"username": "x", "password": "Strong-Pass-2026", "name": "x", "role": "customer_contact"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "role"


@pytest.mark.django_db
def test_asset_is_registered_with_its_vendor_and_model(api_as, seat, customer_a):
    response = api_as(seat).post(
        "/api/v1/assets",
        {
            "customer": customer_a.code,
            "serial_number": "210235A1B2C3",
            "product_model": "S5735",
            "vendor": "华为",
            "accepted_on": "2025-03-01",
            "warranty_months": 36,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["vendor"] == "华为"


@pytest.mark.django_db
def test_asset_with_bad_date_names_the_field_and_writes_nothing(api_as, seat, customer_a):
    response = api_as(seat).post(
        "/api/v1/assets",
        {
            "customer": customer_a.code,
            "serial_number": "X1",
            "product_model": "S5735",
            "vendor": "华为",
            "accepted_on": "2025-13-45",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "accepted_on"
    assert not Asset.objects.exists()


@pytest.mark.django_db
def test_api_refuses_an_acceptance_before_installation_like_the_console(api_as, seat, customer_a):
    response = api_as(seat).post(
        "/api/v1/assets",
        {
            "customer": customer_a.code,
            "serial_number": "X2",
            "product_model": "S5735",
            "vendor": "华为",
            "installed_on": "2025-05-01",
            "accepted_on": "2025-03-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "accepted_on"
    assert not Asset.objects.exists()
