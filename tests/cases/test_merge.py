"""Merging a duplicate into another case: both histories kept, the duplicate closed with a
pointer and its customer told; closers only, same customer, open cases only."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.cases.models import ActivityKind, Case, CaseLink, CaseLinkKind, Status
from aftersales.cases.services import links
from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import Promise
from tests.cases.factories_daily import open_case

pytestmark = pytest.mark.django_db


def _merge(api, number, into, **extra):
    return api.post(
        f"/api/v1/cases/{number}/merge", {"into": into, **extra}, content_type="application/json"
    )


@pytest.fixture
def pair(seat, customer_a, contact_a):
    target = open_case(seat, customer_a, title="原始报修", contact=contact_a)
    duplicate = open_case(seat, customer_a, title="重复报修", contact=contact_a)
    return duplicate, target


def _nothing_written(duplicate, target, rows_before):
    d, t = Case.objects.get(pk=duplicate.pk), Case.objects.get(pk=target.pk)
    assert d.merged_into_id is None and d.status == Status.NEW
    assert not CaseLink.objects.exists()
    assert d.activities.count() + t.activities.count() == rows_before


def test_seat_merges_a_duplicate(api_as, seat, pair):
    duplicate, target = pair
    response = _merge(api_as(seat), duplicate.number, target.number, text="同一台设备")
    assert response.status_code == 200
    data = response.json()
    assert data["merged_into"] == target.number and data["status"] == "closed"
    d = Case.objects.get(pk=duplicate.pk)
    kinds = list(d.activities.values_list("kind", flat=True))
    assert kinds[-3:] == [ActivityKind.MERGED, ActivityKind.COMMENT, ActivityKind.CLOSED]
    assert d.activities.get(kind=ActivityKind.MERGED).data == {"to": target.number}
    link = CaseLink.objects.get()
    assert (link.from_case_id, link.to_case_id, link.kind) == (d.pk, target.pk, "duplicate")


def test_the_target_records_the_merge_and_keeps_its_history(seat, pair):
    duplicate, target = pair
    before = list(target.activities.values_list("pk", flat=True))
    links.case_merge(case=duplicate, by=seat, into=target.number)
    rows = list(Case.objects.get(pk=target.pk).activities)
    assert [r.pk for r in rows[:-1]] == before
    assert rows[-1].kind == ActivityKind.MERGED and duplicate.number in rows[-1].text
    assert Case.objects.get(pk=target.pk).status == Status.NEW


def test_the_duplicates_customer_is_told_through_the_outbox(seat, pair, contact_a):
    duplicate, target = pair
    links.case_merge(case=duplicate, by=seat, into=target.number)
    message = OutboxMessage.objects.get(kind="case.comment", to_user=contact_a.user)
    assert target.number in message.body


def test_the_duplicates_promises_stop(seat, pair):
    duplicate, target = pair
    links.case_merge(case=duplicate, by=seat, into=target.number)
    running = Promise.objects.filter(
        subject_kind="case", subject_id=duplicate.pk, next_check_at__isnull=False
    )
    assert not running.exists()


def test_engineer_cannot_merge(api_as, seat, engineer, pair):
    duplicate, target = pair
    services.case_assign(case=duplicate, engineer=engineer, by=seat)
    rows = Case.objects.get(pk=duplicate.pk).activities.count() + target.activities.count()
    assert _merge(api_as(engineer), duplicate.number, target.number).status_code == 403
    d = Case.objects.get(pk=duplicate.pk)
    assert d.merged_into_id is None and d.status == Status.ASSIGNED
    assert d.activities.count() + target.activities.count() == rows


def test_customer_contact_cannot_merge(api_as, pair, contact_a):
    duplicate, target = pair
    rows = duplicate.activities.count() + target.activities.count()
    assert _merge(api_as(contact_a.user), duplicate.number, target.number).status_code in (
        403,
        404,
    )
    _nothing_written(duplicate, target, rows)


def test_another_customers_contact_gets_404(api_as, pair, contact_b):
    duplicate, target = pair
    assert _merge(api_as(contact_b.user), duplicate.number, target.number).status_code == 404


def test_a_case_cannot_be_merged_into_itself(api_as, seat, pair):
    duplicate, target = pair
    rows = duplicate.activities.count() + target.activities.count()
    response = _merge(api_as(seat), duplicate.number, duplicate.number)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "into"
    _nothing_written(duplicate, target, rows)


def test_cases_of_two_customers_cannot_be_merged(api_as, seat, customer_b, pair):
    duplicate, target = pair
    other = open_case(seat, customer_b)
    response = _merge(api_as(seat), duplicate.number, other.number)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "into"
    assert Case.objects.get(pk=duplicate.pk).merged_into_id is None


def test_a_closed_case_cannot_take_a_duplicate(api_as, seat, pair):
    duplicate, target = pair
    services.case_close(case=target, by=seat, text="撤销")
    response = _merge(api_as(seat), duplicate.number, target.number)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "into"
    assert Case.objects.get(pk=duplicate.pk).status == Status.NEW


def test_a_merged_duplicate_cannot_be_merged_again(api_as, seat, customer_a, pair):
    duplicate, target = pair
    third = open_case(seat, customer_a)
    links.case_merge(case=duplicate, by=seat, into=target.number)
    assert _merge(api_as(seat), duplicate.number, third.number).status_code == 409
    assert _merge(api_as(seat), third.number, duplicate.number).status_code == 422
    assert Case.objects.get(pk=duplicate.pk).merged_into_id == target.pk


def test_an_unknown_target_is_not_found(api_as, seat, pair):
    assert _merge(api_as(seat), pair[0].number, "CS-NOPE").status_code == 404


def test_a_stale_version_is_refused(api_as, seat, pair):
    duplicate, target = pair
    rows = duplicate.activities.count() + target.activities.count()
    response = _merge(api_as(seat), duplicate.number, target.number, version=duplicate.version - 1)
    assert response.status_code == 409
    _nothing_written(duplicate, target, rows)


def test_a_too_long_text_is_refused_naming_text(api_as, seat, pair):
    duplicate, target = pair
    response = _merge(api_as(seat), duplicate.number, target.number, text="x" * 2001)
    assert response.status_code == 422 and "text" in str(response.json()["detail"])


def test_a_related_link_becomes_the_duplicate_link(seat, pair):
    duplicate, target = pair
    links.case_link(case=duplicate, by=seat, other=target.number)
    links.case_merge(case=duplicate, by=seat, into=target.number)
    assert list(CaseLink.objects.values_list("kind", flat=True)) == [CaseLinkKind.DUPLICATE]


def test_the_merged_case_page_shows_a_banner_linking_to_the_target(client, seat, pair):
    duplicate, target = pair
    client.force_login(seat)
    response = client.post(f"/cases/{duplicate.number}/merge/", {"into": target.number})
    assert response.status_code == 302
    html = client.get(f"/cases/{duplicate.number}/").content.decode()
    assert "merged-banner" in html and f'href="/cases/{target.number}/"' in html
    assert "merge-form" not in html  # nothing more to merge


def test_the_merge_form_is_not_offered_to_an_engineer(client, seat, engineer, pair):
    services.case_assign(case=pair[0], engineer=engineer, by=seat)
    client.force_login(engineer)
    html = client.get(f"/cases/{pair[0].number}/").content.decode()
    assert "merge-form" not in html
    response = client.post(f"/cases/{pair[0].number}/merge/", {"into": pair[1].number})
    assert response.status_code == 403
