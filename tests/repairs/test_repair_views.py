from __future__ import annotations

from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from aftersales.repairs import services
from aftersales.repairs.models import RepairOrder
from tests.repairs.conftest import signature_data_url


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def paid_order(engineer, case) -> RepairOrder:
    order = services.repair_create(
        by=engineer,
        case=case,
        service_mode="carry_in",
        fault_category="power",
        fault_text="无法开机",
    )
    return services.repair_update(
        by=engineer,
        order=order,
        diagnosis="电源坏",
        labour_minutes=60,
        parts=[{"name": "电源模块", "quantity": 1, "unit_price": "800"}],
    )


def test_engineer_opens_a_repair_order_from_the_case(engineer, paid_case):
    response = client_for(engineer).post(
        f"/repairs/new/{paid_case.number}/",
        {
            "service_mode": "onsite",
            "fault_category": "power",
            "fault_text": "无法开机",
        },
    )
    order = RepairOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/repairs/{order.pk}/"


def test_case_panel_offers_the_repair_order_button(engineer, paid_case):
    request = RequestFactory().get("/")
    request.user = engineer
    html = Template('{% include "repairs/_case_panel.html" %}').render(
        RequestContext(request, {"case": paid_case})
    )
    assert f"/repairs/new/{paid_case.number}/" in html


def test_console_edit_parses_part_lines(engineer, paid_case):
    order = paid_order(engineer, paid_case)
    response = client_for(engineer).post(
        f"/repairs/{order.pk}/edit/",
        {
            "service_mode": "onsite",
            "fault_category": "power",
            "fault_text": "无法开机",
            "parts": "电源模块 | PWR-650 | 2 | 1200\n风扇 | F-1 | 1 | 80.5",
            "labour_minutes": "30",
            "travel_mode": "fixed",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert str(order.customer_amount) == "2830.50"  # 2400 + 80.50 + 150 + 200


def test_start_before_approval_shows_the_reason_with_409(engineer, paid_case):
    order = paid_order(engineer, paid_case)
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    response = client_for(engineer).post(f"/repairs/{order.pk}/start/")
    assert response.status_code == 409
    assert "approve the quote" in response.content.decode()


def test_customer_approves_the_quote_on_the_portal(engineer, contact_a, paid_case):
    order = services.repair_quote(by=engineer, order=paid_order(engineer, paid_case))
    client = client_for(contact_a.user)
    assert "1100.00" in client.get(f"/portal/repairs/{order.pk}/").content.decode()
    client.post(f"/portal/repairs/{order.pk}/approve/")
    order.refresh_from_db()
    assert (order.status, order.approval_channel, order.approval_by_name) == (
        "approved",
        "portal",
        contact_a.name,
    )


def test_customer_signs_off_on_the_portal_and_downloads_the_report(
    engineer, contact_a, free_case, django_capture_on_commit_callbacks
):
    order = services.repair_create(
        by=engineer,
        case=free_case,
        service_mode="onsite",
        fault_category="disk",
        fault_text="硬盘告警",
    )
    services.repair_start(by=engineer, order=order)
    services.repair_verify(by=engineer, order=order, test_results="阵列重建完成")
    client = client_for(contact_a.user)
    with django_capture_on_commit_callbacks(execute=True):  # the report task runs after commit
        client.post(
            f"/portal/repairs/{order.pk}/sign-off/",
            {"name": "张经理", "signature": signature_data_url()},
        )
    order.refresh_from_db()
    assert (order.status, order.signoff_channel) == ("signed_off", "signature")
    pdf = client.get(f"/portal/repairs/{order.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_customer_cannot_open_the_portal_page(engineer, contact_b, paid_case):
    order = paid_order(engineer, paid_case)
    assert client_for(contact_b.user).get(f"/portal/repairs/{order.pk}/").status_code == 404
    assert (
        client_for(contact_b.user).post(f"/portal/repairs/{order.pk}/approve/").status_code == 404
    )


def test_customer_page_links_the_archived_service_report(
    seat, engineer, contact_a, free_case, customer_a, django_capture_on_commit_callbacks
):
    order = services.repair_create(
        by=engineer,
        case=free_case,
        service_mode="onsite",
        fault_category="disk",
        fault_text="硬盘告警",
    )
    services.repair_start(by=engineer, order=order)
    services.repair_verify(by=engineer, order=order, test_results="正常")
    with django_capture_on_commit_callbacks(execute=True):  # the report task runs after commit
        services.repair_sign_off(by=contact_a.user, order=order, name="张经理")
    html = client_for(seat).get(f"/registry/customers/{customer_a.pk}/").content.decode()
    assert f"/repairs/{order.pk}/report.pdf" in html


def test_console_page_offers_only_the_actions_the_predicates_allow(engineer, seat, paid_case):
    order = paid_order(engineer, paid_case)
    start = f"/repairs/{order.pk}/start/"
    decision = f"/repairs/{order.pk}/decision/"
    html = client_for(engineer).get(f"/repairs/{order.pk}/").content.decode()
    assert f"/repairs/{order.pk}/quote/" in html and start not in html  # quote first
    assert decision not in client_for(seat).get(f"/repairs/{order.pk}/").content.decode()
    services.repair_quote(by=engineer, order=order)
    assert decision in client_for(seat).get(f"/repairs/{order.pk}/").content.decode()


def test_a_repair_named_by_its_number_opens_its_page(engineer, paid_case):
    order = paid_order(engineer, paid_case)
    response = client_for(engineer).get(f"/repairs/number/{order.number}/")
    assert response.status_code == 302 and response["Location"] == f"/repairs/{order.pk}/"


def test_an_unknown_repair_number_is_not_found(engineer):
    assert client_for(engineer).get("/repairs/number/RP-19990101-0001/").status_code == 404
