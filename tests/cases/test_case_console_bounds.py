"""Console case input out of range is refused or ignored by name, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.mail import email_ingest
from aftersales.cases.models import Case
from aftersales.core.errors import Invalid
from aftersales.core.schema_types import DATE_OUT_OF_RANGE, LONG_TEXT_MAX, TEXT_TOO_LONG
from tests.cases.email_support import raw_mail

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("query", [{"created_to": "9999-12-31"}, {"created_from": "0001-01-01"}])
def test_queue_ignores_a_created_date_out_of_range(seat, new_case, query):
    response = login(seat).get(reverse("cases:list"), {"tab": "all", **query})
    assert response.status_code == 200
    assert new_case.number in response.content.decode()


def test_approval_of_year_one_is_refused_by_name(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="数据恢复", is_major=True)
    response = login(seat).post(
        reverse("cases:action", args=[case.number, "approval"]),
        {"approver": "王总", "decision": "approved", "decided_on": "0001-01-01"},
    )
    assert response.status_code == 422
    assert str(DATE_OUT_OF_RANGE) in response.content.decode()
    assert not case.approvals.exists()


def test_intake_form_refuses_an_oversized_description(seat, customer_a):
    response = login(seat).post(
        reverse("cases:new"),
        {
            "customer": "KH-A001",
            "case_type": "fault",
            "priority": "P3",
            "service_mode": "remote",
            "channel": "phone",
            "title": "存储告警",
            "description": "x" * (LONG_TEXT_MAX + 1),
        },
    )
    assert "description" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_console_comment_longer_than_the_limit_is_refused(seat, new_case):
    before = new_case.activities.count()
    response = login(seat).post(
        reverse("cases:comment", args=[new_case.number]), {"text": "x" * (LONG_TEXT_MAX + 1)}
    )
    assert response.status_code == 422
    assert new_case.activities.count() == before


def test_service_refuses_an_oversized_comment_by_name(seat, new_case):
    with pytest.raises(Invalid) as caught:
        services.case_comment(case=new_case, by=seat, text="x" * (LONG_TEXT_MAX + 1))
    assert caught.value.field == "text"
    assert caught.value.message == TEXT_TOO_LONG % {"limit": LONG_TEXT_MAX}


def test_oversized_mail_opens_a_case_with_the_body_cut_to_the_limit(contact_a):
    contact_a.email = "zhang@example.cn"
    contact_a.save(update_fields=["email"])
    mail = email_ingest(raw=raw_mail(body="坏" * (LONG_TEXT_MAX + 500)))
    assert len(mail.case.description) == LONG_TEXT_MAX
    assert mail.text_body.startswith("坏" * (LONG_TEXT_MAX + 500))
