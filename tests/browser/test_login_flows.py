from __future__ import annotations

import pytest

from aftersales.accounts.models import User
from aftersales.registry.demo import CREDENTIALS
from aftersales.registry.models import Customer
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_admin_logs_in_switches_to_english_and_logs_out(page, demo_data):
    login(page, "admin", CREDENTIALS["admin"])
    assert "console" in page.locator("body").get_attribute("class")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Call-centre lookup").is_visible()
    assert page.get_by_role("button", name="中文").is_visible()
    assert User.objects.get(username="admin").language == "en"
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#logout")
    assert page.url.endswith("/accounts/login/")
    assert page.locator("#id_username").is_visible()


def test_wrong_password_stays_on_the_login_form_with_an_error(page, demo_data):
    login(page, "admin", "not-the-password")
    assert page.url.endswith("/accounts/login/")
    assert page.locator(".alert-danger").is_visible()


def test_customer_contact_lands_on_the_portal_of_their_own_company(page, demo_data):
    own, other = Customer.objects.get(code="KH0001"), Customer.objects.get(code="KH0002")
    login(page, "kh0001", CREDENTIALS["kh0001"])
    assert "portal" in page.locator("body").get_attribute("class")
    assert page.locator("h1").inner_text().startswith(own.name)
    assert other.name not in page.content()


def test_customer_contact_cannot_open_the_staff_console(page, demo_data):
    login(page, "kh0001", CREDENTIALS["kh0001"])
    response = page.goto("/registry/lookup/")
    assert response.status == 404
