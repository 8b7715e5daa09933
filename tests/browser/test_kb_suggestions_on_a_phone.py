"""Issue 15's portal moment at 390×844: a customer types a fault in Chinese into the new-case
form, sees the right article before sending, opens it and says it solved the problem."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.helpers import login
from tests.kb.factories import indexed_article

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def portal_with_articles(transactional_db):
    customer = factories.CustomerFactory(code="KH-KB", name="华东电力集团")
    factories.ContactFactory(customer=customer, name="王工", user=factories.contact_user("kb_c"))
    indexed_article("打印机卡纸的处理", "打开后盖，取出卡住的纸张。")
    body = "## 现象\n\n电源模块指示灯红色闪烁，设备告警。\n\n## 处理\n\n检查供电，必要时更换电源。"
    return indexed_article("交换机电源模块告警(红灯闪烁)的处理", body)


def test_a_customer_sees_the_right_article_while_typing_and_is_deflected(
    page, portal_with_articles
):
    page.set_viewport_size(PHONE)
    login(page, "kb_c", factories.PASSWORD)
    page.goto("/portal/cases/new/")
    page.fill("#portal-case-new [name=title]", "交换机电源灯一直闪红")
    page.wait_for_selector("#kb-suggestions-box")
    link = page.locator("#kb-suggestions-box a").first
    assert "交换机电源模块告警" in link.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/kb-suggestions-390.png", full_page=True)
    page.goto(link.get_attribute("href"))
    page.screenshot(path="/tmp/kb-article-390.png", full_page=True)
    with page.expect_navigation():
        page.click("#kb-solved-box button[type=submit]")
    assert "/portal/" in page.url
    page.wait_for_selector("text=Glad the article helped")
