from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import Case
from tests import factories

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case_a(seat, customer_a, contact_a):
    return services.case_create(
        by=seat, customer=customer_a, contact=contact_a, title="核心交换机宕机", priority="P1"
    )


@pytest.fixture
def resolved_a(case_a, seat, engineer):
    services.case_assign(case=case_a, engineer=engineer, by=seat)
    services.case_respond(case=case_a, by=engineer, text="已联系")
    return services.case_resolve(case=case_a, by=engineer, text="更换电源模块后恢复")


def detail(case):
    return reverse("portal:case_detail", args=[case.number])


def test_home_lists_the_organisations_open_cases(contact_a, case_a):
    html = login(contact_a.user).get(reverse("portal:home")).content.decode()
    assert case_a.number in html and "Our equipment" in html


def test_case_list_shows_only_own_organisation(contact_a, case_a, seat, customer_b):
    other = services.case_create(by=seat, customer=customer_b, title="别家的请求")
    html = login(contact_a.user).get(reverse("portal:case_list")).content.decode()
    assert case_a.number in html and other.number not in html


def test_closed_filter_hides_open_cases(contact_a, case_a):
    html = login(contact_a.user).get(reverse("portal:case_list"), {"state": "closed"})
    assert case_a.number not in html.content.decode()


def test_search_finds_own_case_by_words(contact_a, case_a):
    response = login(contact_a.user).get(
        reverse("portal:case_list"), {"state": "all", "q": "交换机"}
    )
    assert case_a.number in response.content.decode()


def test_another_customers_case_answers_404(contact_b, case_a):
    assert login(contact_b.user).get(detail(case_a)).status_code == 404


def test_internal_notes_and_files_never_reach_the_portal(contact_a, case_a, engineer):
    services.case_comment(case=case_a, by=engineer, text="内部：客户合同快到期", internal=True)
    secret = services.attachment_add(
        case=case_a, by=engineer, file=SimpleUploadedFile("内部报价.txt", b"price"), internal=True
    )
    services.case_comment(case=case_a, by=engineer, text="我们正在处理")
    client = login(contact_a.user)
    html = client.get(detail(case_a)).content.decode()
    assert "我们正在处理" in html
    assert "客户合同快到期" not in html and "内部报价" not in html
    url = reverse("portal:case_attachment", args=[case_a.number, secret.pk])
    assert client.get(url).status_code == 404


def test_contact_reports_a_problem_with_a_screenshot(contact_a, customer_a):
    asset = factories.AssetFactory(customer=customer_a)
    shot = SimpleUploadedFile("screen.png", factories.PNG_BYTES)
    response = login(contact_a.user).post(
        reverse("portal:case_new"),
        {
            "title": "存储告警",
            "priority": "P2",
            "case_type": "fault",
            "asset": asset.serial_number,
            "attachments": shot,
        },
    )
    case = Case.objects.get()
    assert response["Location"] == detail(case)
    assert (case.channel, case.asset, case.contact) == ("portal", asset, contact_a)
    assert case.attachments.get().name == "screen.png"


def test_portal_priority_stops_at_p2(contact_a):
    response = login(contact_a.user).post(
        reverse("portal:case_new"), {"title": "宕机", "priority": "P1", "case_type": "fault"}
    )
    assert response.status_code == 422 and not Case.objects.exists()


def test_contact_cannot_pick_another_customers_asset(contact_a, customer_b):
    asset = factories.AssetFactory(customer=customer_b)
    response = login(contact_a.user).post(
        reverse("portal:case_new"),
        {"title": "x", "priority": "P3", "case_type": "fault", "asset": asset.serial_number},
    )
    assert response.status_code == 422 and not Case.objects.exists()


def test_contact_comments_on_own_case(contact_a, case_a):
    login(contact_a.user).post(
        reverse("portal:case_comment", args=[case_a.number]), {"text": "今天下午可以上门"}
    )
    assert case_a.activities.filter(kind="comment", internal=False, actor=contact_a.user).exists()


def test_contact_confirms_the_resolution(contact_a, resolved_a):
    client = login(contact_a.user)
    assert 'data-action="confirm"' in client.get(detail(resolved_a)).content.decode()
    client.post(
        reverse("portal:case_action", args=[resolved_a.number, "confirm"]),
        {"version": resolved_a.version},
    )
    resolved_a.refresh_from_db()
    assert resolved_a.status == "closed"


def test_contact_rejects_the_resolution_with_a_reason(contact_a, resolved_a):
    url = reverse("portal:case_action", args=[resolved_a.number, "reject"])
    refused = login(contact_a.user).post(url, {"text": "", "version": resolved_a.version})
    login(contact_a.user).post(url, {"text": "仍然掉线", "version": resolved_a.version})
    resolved_a.refresh_from_db()
    assert refused.status_code == 422 and resolved_a.status == "in_progress"


def test_contact_reopens_a_closed_case(contact_a, resolved_a):
    services.case_confirm(case=resolved_a, by=contact_a.user)
    resolved_a.refresh_from_db()
    login(contact_a.user).post(
        reverse("portal:case_action", args=[resolved_a.number, "reopen"]),
        {"text": "问题复现", "version": resolved_a.version},
    )
    resolved_a.refresh_from_db()
    assert resolved_a.status == "in_progress"


def test_stale_confirm_shows_conflict_and_changes_nothing(contact_a, resolved_a, engineer):
    seen = resolved_a.version
    services.case_comment(case=resolved_a, by=engineer, text="补充说明")
    response = login(contact_a.user).post(
        reverse("portal:case_action", args=[resolved_a.number, "confirm"]), {"version": seen}
    )
    resolved_a.refresh_from_db()
    assert response.status_code == 409 and resolved_a.status == "resolved"


def test_contact_of_another_customer_cannot_act(contact_b, resolved_a):
    response = login(contact_b.user).post(
        reverse("portal:case_action", args=[resolved_a.number, "confirm"])
    )
    assert response.status_code == 404


def test_staff_get_404_in_the_portal(seat, case_a):
    assert login(seat).get(detail(case_a)).status_code == 404


def test_portal_case_page_query_count_is_bounded(
    contact_a, case_a, engineer, django_assert_max_num_queries
):
    for n in range(10):
        services.case_comment(case=case_a, by=engineer, text=f"进展{n}")
    client = login(contact_a.user)
    with django_assert_max_num_queries(12):
        response = client.get(detail(case_a))
    assert response.content.decode().count("activity-comment") == 10
